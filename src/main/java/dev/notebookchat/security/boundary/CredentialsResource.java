package dev.notebookchat.security.boundary;

import dev.notebookchat.platform.ValidText;
import dev.notebookchat.security.control.Credentials;
import dev.notebookchat.security.control.CurrentUser;
import dev.notebookchat.security.entity.Credential;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The caller's own provider keys. A key goes in and never comes out: answers show only
 * {@code key_hint}, which is {@code ****} followed by the key's last 4 characters (e.g.
 * {@code ****wxyz}); a key of 8 characters or fewer shows only its last 2, and no key more than half
 * of itself. {@code created} is when the current key was stored.
 */
@Path("credentials")
@ApplicationScoped
@Transactional(dontRollbackOn = WebApplicationException.class)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CredentialsResource {

    static final String BODY_REQUIRED = "A JSON body {\"api_key\": ...} is required.";

    @Inject
    Credentials credentials;

    @Inject
    CurrentUser user;

    /**
     * A key travels in an HTTP header, which carries visible ASCII only; surrounding whitespace (a
     * pasted newline) is dropped, whitespace inside is a mistake worth telling the user about.
     */
    public record NewKey(
            @NotNull(message = "is required")
            @Size(max = 1_000, message = "must be at most 1000 characters")
            @ValidText
            @Pattern(regexp = "\\s*[\\x21-\\x7E]+\\s*",
                    message = "must not be blank and may hold only visible ASCII characters, with no spaces or control characters inside")
            String apiKey) {

        /** A record prints every component; this one must never reach a log. */
        @Override
        public String toString() {
            return "NewKey[api_key=(hidden)]";
        }
    }

    public record CredentialJson(String provider, String keyHint, Instant created) {
        static CredentialJson of(Credential c) {
            return new CredentialJson(c.provider(), c.keyHint(), c.created().toInstant());
        }
    }

    /** No transaction here: each attempt of {@link Credentials#save} takes its own, which one here would leave waiting. */
    @PUT
    @Path("{provider}")
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public CredentialJson save(@PathParam("provider") String provider,
                               @NotNull(message = BODY_REQUIRED) @Valid NewKey request) {
        Optional<String> refusal = Credentials.refusal(provider);
        if (refusal.isPresent()) {
            throw new BadRequestException(refusal.get());
        }
        return CredentialJson.of(credentials.save(user.id(), provider, request.apiKey().strip()));
    }

    @GET
    public List<CredentialJson> all() {
        return credentials.all(user.id()).stream().map(CredentialJson::of).toList();
    }

    /** Not checked against the provider list: whatever is stored can always be removed. */
    @DELETE
    @Path("{provider}")
    public Response delete(@PathParam("provider") String provider) {
        if (!credentials.delete(user.id(), provider)) {
            throw new NotFoundException("No key is stored for this provider.");
        }
        return Response.noContent().build();
    }
}
