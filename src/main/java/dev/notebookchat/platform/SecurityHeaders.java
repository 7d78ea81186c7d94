package dev.notebookchat.platform;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The browser-side protections, on every response the application sends: the page, its scripts and
 * styles, the API's JSON, its errors and its event streams. Set before the rest of the chain runs, so
 * they are in place whoever commits the response (a stream commits it long before it ends).
 *
 * <p>The policy is the page's own {@code <meta>} policy (kept in index.html for a copy of the page opened
 * from elsewhere): everything from this origin only, no plugins, plus no framing by anyone, which
 * ({@code frame-ancestors}) works only as a header.
 * {@code X-Frame-Options} says the same to browsers that predate {@code frame-ancestors}. No referrer
 * at all: the server never reads one (CORS uses {@code Origin}), and a link in a rendered answer then
 * tells the site it leads to nothing about the notebook it came from.
 */
@WebFilter(filterName = "SecurityHeaders", urlPatterns = "/*", asyncSupported = true,
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ERROR})
public class SecurityHeaders extends HttpFilter {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        addTo(response);
        chain.doFilter(request, response);
    }

    /** Also for answers given before this filter's turn comes (filters of one application have no order without a web.xml). */
    static void addTo(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
    }
}
