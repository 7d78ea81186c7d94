package dev.notebookchat.platform;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Lets the origins in {@code notebookchat.cors.allowed-origins} call the API from a browser, the
 * streaming endpoint included. Preflights are answered before authentication, since browsers send
 * them without the token.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class Cors implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String ORIGIN = "Origin";

    @Inject
    @ConfigProperty(name = "notebookchat.cors.allowed-origins")
    Optional<String> allowedOrigins;

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.OPTIONS.equals(request.getMethod()) && request.getHeaderString("Access-Control-Request-Method") != null) {
            String origin = request.getHeaderString(ORIGIN);
            Response.ResponseBuilder preflight = Response.noContent();
            if (allowed(origin)) {
                preflight.header("Access-Control-Allow-Origin", origin)
                        .header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
                        .header("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, Last-Event-ID")
                        .header("Access-Control-Max-Age", "3600")
                        .header("Vary", ORIGIN);
            }
            request.abortWith(preflight.build());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String origin = request.getHeaderString(ORIGIN);
        if (allowed(origin)) {
            MultivaluedMap<String, Object> headers = response.getHeaders();
            headers.putSingle("Access-Control-Allow-Origin", origin);
            headers.putSingle("Access-Control-Expose-Headers", "Location");
            headers.add("Vary", ORIGIN);
        }
    }

    private boolean allowed(String origin) {
        if (origin == null || allowedOrigins.isEmpty()) {
            return false;
        }
        List<String> origins = Arrays.stream(allowedOrigins.get().split(",")).map(String::strip).toList();
        return origins.contains("*") || origins.contains(origin);
    }
}
