package dev.notebookchat.security.boundary;

import dev.notebookchat.problems.ApiError;
import dev.notebookchat.problems.BodyTooLarge;
import dev.notebookchat.security.control.PublishedSigningKeys;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * MicroProfile JWT rejects a bad token but lets a request without one through as anonymous; every
 * call but the two that come before signing in needs a verified caller, so an anonymous one stops
 * here with the JSON 401, and so does a token whose signing key the identity provider has withdrawn
 * since MicroProfile JWT fetched it ({@link PublishedSigningKeys}).
 * A body over the byte limit is refused first, with the 413 a signed-in caller would get: a declared
 * length already was (by {@code RequestBodyLimit}), a chunked body is counted here as it is thrown away.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class BearerTokenRequired implements ContainerRequestFilter {

    static final Set<String> OPEN_PATHS = Set.of("auth/dev-token", "auth/config");

    static final String SIGN_IN_FIRST = "Sign in first: this call needs a valid bearer token.";
    static final String KEY_WITHDRAWN = "This token was signed with a key the identity provider no longer publishes: sign in again.";
    static final String KEYS_UNREADABLE = "The identity provider's signing keys cannot be read right now, so this token cannot be checked.";

    @Inject
    PublishedSigningKeys signingKeys;

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.OPTIONS.equals(request.getMethod()) || OPEN_PATHS.contains(trimmed(request.getUriInfo().getPath()))) {
            return;
        }
        refusal(request.getSecurityContext().getUserPrincipal()).ifPresent(refused ->
                request.abortWith(oversizedChunkedBody(request).map(BodyTooLarge::response).orElseGet(refused::build)));
    }

    private Optional<Response.ResponseBuilder> refusal(Principal caller) {
        if (caller == null) {
            return Optional.of(unauthorized(SIGN_IN_FIRST));
        }
        return switch (signingKeys.check(caller instanceof JsonWebToken token ? token : null)) {
            case PUBLISHED -> Optional.empty();
            case WITHDRAWN -> Optional.of(unauthorized(KEY_WITHDRAWN));
            case UNREADABLE -> Optional.of(ApiError.builder(503, KEYS_UNREADABLE));
        };
    }

    private static Response.ResponseBuilder unauthorized(String message) {
        return ApiError.builder(401, message).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }

    /** The stream is the one {@code RequestBodyLimit} counts: it fails at the first byte past the limit. */
    private static Optional<BodyTooLarge> oversizedChunkedBody(ContainerRequestContext request) {
        if (request.getLength() != -1 || !"chunked".equalsIgnoreCase(request.getHeaderString("Transfer-Encoding"))) {
            return Optional.empty();
        }
        try (InputStream body = request.getEntityStream()) {
            byte[] buffer = new byte[8192];
            while (body.read(buffer) != -1) {
                // thrown away: the call is refused either way
            }
            return Optional.empty();
        } catch (IOException e) {
            return BodyTooLarge.in(e);
        }
    }

    private static String trimmed(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
