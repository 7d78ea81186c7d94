package dev.notebookchat.security.boundary;

import dev.notebookchat.security.control.DevLogin;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The dev login of the embedded default. Off in a deployed WAR, where it answers 404 like any unknown path. */
@Path("auth")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    @Inject
    DevLogin devLogin;

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

    @POST
    @Path("dev-token")
    public DevToken devToken(@NotNull(message = "A JSON body {\"username\": ...} is required.") @Valid DevTokenRequest request) {
        if (!devLogin.enabled()) {
            throw new NotFoundException("Dev login is disabled on this server.");
        }
        return new DevToken(devLogin.issue(request.username()), devLogin.lifetimeSeconds());
    }
}
