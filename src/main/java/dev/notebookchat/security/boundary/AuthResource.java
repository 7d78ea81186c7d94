package dev.notebookchat.security.boundary;

import dev.notebookchat.security.control.DevLogin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * How to sign in here: the page asks {@code auth/config} which sign-in to offer. The dev login is off
 * unless a person turned it on, and then answers 404 like any unknown path.
 */
@Path("auth")
@ApplicationScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    @Inject
    DevLogin devLogin;

    @Inject
    @ConfigProperty(name = "notebookchat.oidc.issuer")
    Optional<String> oidcIssuer;

    @Inject
    @ConfigProperty(name = "notebookchat.oidc.client-id")
    Optional<String> oidcClientId;

    /** Entra ID, for one, only puts the API in the audience when the page asks for the API's scope. */
    @Inject
    @ConfigProperty(name = "notebookchat.oidc.scope", defaultValue = "openid profile")
    String oidcScope;

    public record DevTokenRequest(
            @NotNull @Pattern(regexp = "[A-Za-z0-9._@-]{1,100}",
                    message = "must be 1 to 100 letters, digits or . _ @ -") String username) {
    }

    public record DevToken(String token, long expiresIn) {

        /** A record prints every component; a bearer token must never reach a log. */
        @Override
        public String toString() {
            return "DevToken[token=(hidden), expires_in=" + expiresIn + "]";
        }
    }

    /**
     * The identity provider the page signs in with (OpenID Connect discovery from {@code issuer}).
     * {@code scope} is more than the shared contract names: clients that ignore it still work wherever
     * the default scopes bring the API's audience (docs/api.md).
     */
    public record Oidc(String issuer, String clientId, String scope) {
    }

    public record SignInConfig(boolean devLogin, Oidc oidc) {
    }

    @GET
    @Path("config")
    public SignInConfig config() {
        Optional<String> issuer = oidcIssuer.map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> clientId = oidcClientId.map(String::strip).filter(s -> !s.isEmpty());
        Oidc oidc = issuer.isPresent() && clientId.isPresent() ? new Oidc(issuer.get(), clientId.get(), oidcScope.strip()) : null;
        return new SignInConfig(devLogin.enabled(), oidc);
    }

    @POST
    @Path("dev-token")
    public DevToken devToken(@NotNull(message = "A JSON body {\"username\": ...} is required.") @Valid DevTokenRequest request) {
        if (!devLogin.enabled()) {
            throw new NotFoundException("Dev login is disabled on this server.");
        }
        return new DevToken(devLogin.issue(request.username()), devLogin.lifetimeSeconds());
    }
}
