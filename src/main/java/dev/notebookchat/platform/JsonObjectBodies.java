package dev.notebookchat.platform;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

/**
 * Every request body of the API is one JSON object, and nothing after it. JSON-B reads a one-element
 * array as the object inside it, so {@code [{"name": "Coffee"}]} would create a notebook, and it stops
 * reading after the first value, so {@code {"name": "Coffee"} garbage} would too. A body that does not
 * start with <code>{</code>, or goes on after its object, is refused here. An empty body is left to
 * {@code @NotNull}.
 *
 * <p>The parser gets the body in pieces as large as what has arrived ({@link Gathered}): JSON-P's
 * tokenizer moves the text of a long string within its buffer once per read of its reader, and the
 * reader asks for more only while the stream says bytes are ready, so over a servlet stream, which says
 * none are, a 16 MiB string took 2,000 reads of 8 KiB, each moving everything read so far.
 */
@Provider
public class JsonObjectBodies implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            return context.proceed();
        }
        ObjectScanner scanner = new ObjectScanner(new Gathered(context.getInputStream()));
        PushbackInputStream body = new PushbackInputStream(scanner, 1);
        int first = body.read();
        while (isWhitespace(first)) {
            first = body.read();
        }
        if (first != -1) {
            if (first != '{') {
                throw new BadRequestException("The request body must be a JSON object.");
            }
            body.unread(first);
        }
        context.setInputStream(body);
        Object entity = context.proceed();
        scanner.readToTheEnd();
        if (scanner.trailing) {
            throw new BadRequestException("The request body must be one JSON object with nothing after it.");
        }
        return entity;
    }

    private static boolean isWhitespace(int b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /**
     * Reads the body ahead into a buffer that starts small and grows, to {@value #LARGEST} bytes, while
     * the body keeps filling it, and says how much of it is ready: a reader then decodes a whole buffer
     * per call. Each fill waits for the buffer to be full or the body to end, which costs nothing here:
     * the parser needs the whole body before it can answer anyway.
     */
    static final class Gathered extends InputStream {
        static final int FIRST = 8 * 1024;
        static final int LARGEST = 1024 * 1024;
        private final InputStream in;
        private byte[] buffer = new byte[FIRST];
        private int position;
        private int end;
        private boolean ended;

        Gathered(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (position == end && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xFF;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position == end && !fill()) {
                return -1;
            }
            int n = Math.min(length, end - position);
            System.arraycopy(buffer, position, into, offset, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return end - position;
        }

        private boolean fill() throws IOException {
            if (ended) {
                return false;
            }
            if (end == buffer.length && buffer.length < LARGEST) {
                buffer = new byte[Math.min(LARGEST, buffer.length * 4)];
            }
            position = 0;
            end = 0;
            while (end < buffer.length) {
                int n = in.read(buffer, end, buffer.length - end);
                if (n < 0) {
                    ended = true;
                    break;
                }
                end += n;
            }
            return end > 0;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * Follows the nesting of the bytes the parser reads, strings and escapes included, to notice
     * anything but white space after the object has closed. UTF-8 encodes every non-ASCII character
     * in bytes above 0x7F, so no byte of one is mistaken for a quote or a brace.
     */
    private static final class ObjectScanner extends FilterInputStream {
        private int depth;
        private boolean inString;
        private boolean escaped;
        private boolean closed;
        boolean trailing;

        ObjectScanner(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                scan(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                scan(buffer[offset + i] & 0xFF);
            }
            return n;
        }

        /** The parser stops at the end of its value: what it left unread is read (and scanned) here. */
        void readToTheEnd() throws IOException {
            byte[] rest = new byte[8192];
            while (!trailing && read(rest, 0, rest.length) != -1) {
                // scanned in read
            }
        }

        private void scan(int b) {
            if (closed) {
                trailing |= !isWhitespace(b);
            } else if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
                closed = depth == 0;
            }
        }
    }
}
