package dev.notebookchat.security.boundary;

import dev.notebookchat.problems.ApiError;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import java.util.Set;

/**
 * MicroProfile JWT rejects a bad token but lets a request without one through as anonymous; every
 * call but the two that come before signing in needs a verified caller, so an anonymous one stops
 * here with the JSON 401.
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
            request.abortWith(ApiError.builder(401, "Sign in first: this call needs a valid bearer token.")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
        }
    }

    private static String trimmed(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
