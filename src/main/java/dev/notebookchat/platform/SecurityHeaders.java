package dev.notebookchat.platform;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * The browser-side protections, on every response the application sends: the page, its scripts and
 * styles, the API's JSON, its errors and its event streams. Set before the rest of the chain runs, so
 * they are in place whoever commits the response (a stream commits it long before it ends).
 *
 * <p>The policy: everything from this origin only, no plugins, no framing by anyone (which
 * {@code frame-ancestors} can say only as a header); the page may also call the identity provider
 * named by {@code notebookchat.oidc.issuer} (discovery, token and refresh requests), and no other
 * origin. The page's {@code <meta>} policy is looser on {@code connect-src} since it cannot know the
 * provider; a browser enforces both, so this header decides.
 * {@code X-Frame-Options} says the same to browsers that predate {@code frame-ancestors}. No referrer
 * at all: the server never reads one (CORS uses {@code Origin}), and a link in a rendered answer then
 * tells the site it leads to nothing about the notebook it came from.
 */
@WebFilter(filterName = "SecurityHeaders", urlPatterns = "/*", asyncSupported = true,
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ERROR})
public class SecurityHeaders extends HttpFilter {

    /** Read once, when the first response goes out: the issuer is a deployment setting. */
    private static final class Configured {
        static final String CONTENT_SECURITY_POLICY = contentSecurityPolicy(
                ConfigProvider.getConfig().getOptionalValue("notebookchat.oidc.issuer", String.class));
    }

    static String contentSecurityPolicy(Optional<String> oidcIssuer) {
        String identityProvider = oidcIssuer.map(String::strip).filter(issuer -> !issuer.isEmpty())
                .map(SecurityHeaders::origin).map(origin -> " " + origin).orElse("");
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
                + "connect-src 'self'" + identityProvider + "; object-src 'none'; base-uri 'self'; form-action 'self'; "
                + "frame-ancestors 'none'";
    }

    /** {@code scheme://host[:port]} of a URL, the unit a policy names. */
    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        addTo(response);
        chain.doFilter(request, response);
    }

    /** Also for answers given before this filter's turn comes (filters of one application have no order without a web.xml). */
    static void addTo(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", Configured.CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
    }
}
