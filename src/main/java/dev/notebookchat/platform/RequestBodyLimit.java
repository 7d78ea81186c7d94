package dev.notebookchat.platform;

import dev.notebookchat.problems.BodyTooLarge;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * No API request body may be larger than {@code notebookchat.http.max-request-bytes}: a declared
 * {@code Content-Length} over it is refused before a byte is read, and a chunked body is counted as
 * it streams and refused at the first byte past the limit. Either way the answer is the JSON 413
 * and the connection closes; nothing of the body is kept. (Liberty's web container still reads what
 * the client goes on sending and throws it away, up to the HTTP channel's MessageSizeLimit, where it
 * cuts the connection: see server.xml.)
 *
 * <p>A servlet filter, because it runs before anything reads the body: before JAX-RS and its JSON
 * binding and before {@code BearerTokenRequired}, so a caller without a token is refused the same
 * way. Liberty's MicroProfile JWT runs earlier still, in the web container's security check, but reads
 * only the {@code Authorization} header and lets a call without a valid token through as anonymous.
 */
@WebFilter(filterName = "RequestBodyLimit", urlPatterns = "/api/*", asyncSupported = true)
public class RequestBodyLimit extends HttpFilter {

    /**
     * 16 MiB: the largest text the contract takes, 2,000,000 characters, is 12 MB when a client
     * escapes every character as a six-byte escape, and a source's content and summary both at their
     * full length sent as UTF-8 stay under it too. (Both full-length and escaped would not: JSON
     * lets such a client send the characters as they are.)
     */
    static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

    @Inject
    @ConfigProperty(name = BodyTooLarge.SETTING, defaultValue = "" + DEFAULT_MAX_BYTES)
    long maxBytes;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getContentLengthLong() > maxBytes) {
            refuse(response, maxBytes);
            return;
        }
        chain.doFilter(new Bounded(request, maxBytes), response);
    }

    static void refuse(HttpServletResponse response, long limit) throws IOException {
        SecurityHeaders.addTo(response);
        response.setStatus(413);
        response.setHeader("Connection", "close");
        response.setContentType("application/json");
        byte[] body = BodyTooLarge.json(limit).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    /** The request, with its body counted as it is read. */
    private static final class Bounded extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream counted;

        Bounded(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (counted == null) {
                counted = new CountingInputStream(super.getInputStream(), limit);
            }
            return counted;
        }
    }

    private static final class CountingInputStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        CountingInputStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws BodyTooLarge {
            count += n;
            if (count > limit) {
                throw new BodyTooLarge(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
