package dev.notebookchat.security.boundary;

import dev.notebookchat.problems.ApiError;
import dev.notebookchat.problems.BodyTooLarge;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;

/**
 * MicroProfile JWT rejects a bad token but lets a request without one through as anonymous; every
 * call but the two that come before signing in needs a verified caller, so an anonymous one stops
 * here with the JSON 401.
 * A body over the byte limit is refused first, with the 413 a signed-in caller would get: a declared
 * length already was (by {@code RequestBodyLimit}), a chunked body is counted here as it is thrown away.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class BearerTokenRequired implements ContainerRequestFilter {

    static final Set<String> OPEN_PATHS = Set.of("auth/dev-token", "auth/config");

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.OPTIONS.equals(request.getMethod()) || OPEN_PATHS.contains(trimmed(request.getUriInfo().getPath()))) {
            return;
        }
        if (request.getSecurityContext().getUserPrincipal() == null) {
            request.abortWith(oversizedChunkedBody(request).map(BodyTooLarge::response)
                    .orElseGet(() -> ApiError.builder(401, "Sign in first: this call needs a valid bearer token.")
                            .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build()));
        }
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
