package dev.notebookchat.platform;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.ServerJvm;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 40 MB body is refused with the JSON 413 whoever sends it, to whichever endpoint, declared or
 * chunked, before the server has taken it in: a declared length before the client sent a byte of the
 * body, a chunked one at the limit (16 MiB). A raw socket sends the body and stops at that point until
 * the answer has come, so an answer proves that the server did not wait for the rest; only then does
 * it send the rest, which the transport throws away before it closes the connection. The server's heap,
 * read over JMX after a collection, is compared before and after each upload. How long each answer
 * took is printed, not asserted.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RequestBodyLimitIT {

    static final long LIMIT = 16L * 1024 * 1024;
    static final long BODY = 40L * 1000 * 1000;
    static final long ENDLESS = 400L * 1000 * 1000;
    static final String MESSAGE = "The request body is larger than the limit of 16777216 bytes (notebookchat.http.max-request-bytes).";
    /** Where the client of a chunked upload stops sending until it has the answer: just past the limit. */
    static final long CHUNKED_PAUSE = LIMIT + 1024 * 1024;
    /**
     * Heap the server may have grown by after an upload, collected: the server reads up to the limit's
     * 16 MiB of the body before it refuses, so keeping any of that shows as 16 MiB or more, while what
     * the server does meanwhile (finished turns kept for resuming, pools) moved it by up to 9 MiB here.
     */
    static final long HEAP_SLACK = 16L * 1024 * 1024;
    /** How long the client waits for the answer while it holds back the rest of the body. */
    static final int ANSWER_WAIT_MILLIS = 60_000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    // ---- a declared Content-Length over the limit: refused before a byte is read -----------------------

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedAtOnceWithAToken() throws Exception {
        String token = Api.newUser("big").token();
        refusedWithoutReading(upload("/api/notebooks", token, false, "name"));
        refusedWithoutReading(upload("/api/auth/dev-token", token, false, "username"));
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedAtOnceWithoutAToken() throws Exception {
        refusedWithoutReading(upload("/api/notebooks", null, false, "name"));
        refusedWithoutReading(upload("/api/auth/dev-token", null, false, "username"));
    }

    // ---- a chunked body: counted as it streams, refused at the first byte past the limit ----------------

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWhileItIsStillBeingSentWithAToken() throws Exception {
        String token = Api.newUser("big").token();
        refusedMidway(upload("/api/notebooks", token, true, "name"));
        refusedMidway(upload("/api/auth/dev-token", token, true, "username"));
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWhileItIsStillBeingSentWithoutAToken() throws Exception {
        refusedMidway(upload("/api/notebooks", null, true, "name"));
        refusedMidway(upload("/api/auth/dev-token", null, true, "username"));
    }

    /**
     * After the 413 the web container throws the rest of a body away before closing; the transport's
     * own limit (four times the application's) ends that, so no client keeps a server thread reading.
     * What the client got written is that plus what the kernel holds between the two sockets, which
     * autotuning lets grow up to the machine's largest send and receive buffers.
     */
    @Test
    void aBodyThatNeverEndsIsCutOffByTheTransport() throws Exception {
        Upload upload = upload("/api/auth/dev-token", null, true, "username", ENDLESS);

        assertTooLarge(upload);
        assertTrue(upload.sentInAll < ENDLESS, "the server stopped reading: " + upload.sentInAll + " of " + ENDLESS + " sent");
        long inTransit = largestSocketBuffer("tcp_wmem") + largestSocketBuffer("tcp_rmem");
        assertTrue(upload.sentInAll <= 4 * LIMIT + inTransit,
                "it stopped near four times the limit: " + upload.sentInAll + " sent, " + inTransit + " of it may be in socket buffers");
    }

    /** The largest buffer TCP autotuning gives a socket on this Linux machine (the third figure of the setting). */
    private static long largestSocketBuffer(String setting) throws IOException {
        String[] figures = Files.readAllLines(Path.of("/proc/sys/net/ipv4", setting)).get(0).trim().split("\\s+");
        return Long.parseLong(figures[figures.length - 1]);
    }

    /** The limit still admits the contract's largest text sent the most expensive way: every character escaped. */
    /**
     * Last: the only test here that stores what it sends, a text of millions of characters the server then
     * reads and starts to index, which the heap checks of the others must not see.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theLargestSourceWithEveryCharacterEscapedFitsUnderTheDefaultLimit() {
        Api alice = Api.newUser("alice");
        String notebook = alice.createNotebook("Big");
        String escaped = "\\u00e9".repeat(2_000_000);
        String body = "{\"title\": \"All escaped\", \"content\": \"" + escaped + "\"}";
        assertTrue(body.length() > 12_000_000 && body.length() < LIMIT, "a 12 MB body: " + body.length());

        Api.Response created = alice.post("api/notebooks/" + notebook + "/sources", body);

        assertEquals(201, created.status(), created.body().length() > 300 ? created.body().substring(0, 300) : created.body());
        assertEquals("é".repeat(2_000_000), created.json().getString("content"));
        // Deleted at once: indexing millions of characters would keep a core busy under the tests that follow;
        // once the indexer has claimed (and read) the text, so the delete does not race that read.
        alice.awaitClaimed("api/sources/" + created.json().getString("id"));
        assertEquals(204, alice.delete("api/notebooks/" + notebook).status());
    }

    // ---- checks ----------------------------------------------------------------------------------------

    private static void refusedWithoutReading(Upload upload) {
        assertTooLarge(upload);
        assertEquals(0, upload.sentWhenAnswered, "answered before the client sent a byte of the body");
        assertTrue(upload.connectionClosed, "the connection is closed after the answer");
        assertHeapNotGrown(upload);
    }

    private static void refusedMidway(Upload upload) {
        assertTooLarge(upload);
        assertTrue(upload.sentWhenAnswered <= CHUNKED_PAUSE,
                "answered while the client held back the rest: " + upload.sentWhenAnswered + " of " + BODY + " bytes sent");
        assertTrue(upload.connectionClosed, "the connection is closed after the answer");
        assertHeapNotGrown(upload);
    }

    private static void assertHeapNotGrown(Upload upload) {
        long grown = upload.heapAfter - upload.heapBefore;
        assertTrue(grown < HEAP_SLACK, "the server's heap grew by " + grown + " bytes with the upload (collected before and after)");
    }

    private static void assertTooLarge(Upload upload) {
        assertEquals(413, upload.status, upload.toString());
        assertEquals("close", upload.headers.get("connection").toLowerCase(Locale.ROOT), upload.toString());
        assertTrue(upload.headers.get("content-type").startsWith("application/json"), upload.toString());
        assertEquals("nosniff", upload.headers.get("x-content-type-options"), "security headers on the refusal too");
        JsonObject error;
        try (var reader = Json.createReader(new StringReader(upload.body))) {
            error = reader.readObject();
        }
        assertEquals(Json.createObjectBuilder().add("error", "payload_too_large").add("message", MESSAGE).build(), error);
    }

    // ---- the raw client ---------------------------------------------------------------------------------

    /**
     * What the client saw: the answer, how much it had sent when the answer came, and how much in all;
     * the server's used heap after a collection before the upload and after its connection closed.
     */
    record Upload(int status, Map<String, String> headers, String body, Duration answeredAfter, Duration closedAfter,
                  long sentWhenAnswered, long sentInAll, boolean connectionClosed, long heapBefore, long heapAfter) {
    }

    /** Sends a 40 MB JSON object with one long text field on one thread while reading the answer on this one. */
    private static Upload upload(String path, String token, boolean chunked, String field) throws Exception {
        return upload(path, token, chunked, field, BODY);
    }

    private static Upload upload(String path, String token, boolean chunked, String field, long size) throws Exception {
        int port = Api.base().getPort();
        long pauseAt = chunked ? CHUNKED_PAUSE : 0;
        long heapBefore;
        // Indexing in the background allocates (and loads the model the first time): done before measuring.
        Api.awaitIndexingIdle();
        try (ServerJvm server = ServerJvm.connect()) {
            heapBefore = server.sample().heapUsedBytes();
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(ANSWER_WAIT_MILLIS);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n")
                    .append("Content-Type: application/json\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n").append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();

            AtomicLong sent = new AtomicLong();
            AtomicBoolean sending = new AtomicBoolean(true);
            CountDownLatch answered = new CountDownLatch(1);
            Thread sender = new Thread(() -> {
                try {
                    send(out, chunked, field, size, sent, pauseAt, answered);
                } catch (IOException refused) {
                    // the server closed the connection: it takes no more
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    sending.set(false);
                }
            }, "oversized-upload");
            long start = System.nanoTime();
            sender.start();

            InputStream in = socket.getInputStream();
            String statusLine;
            try {
                statusLine = readLine(in);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer within " + ANSWER_WAIT_MILLIS + " ms while the client held back the body after "
                        + sent.get() + " bytes: the server waits for the rest", e);
            }
            Duration answeredAfter = Duration.ofNanos(System.nanoTime() - start);
            long sentWhenAnswered = sent.get();
            answered.countDown();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            boolean closed;
            try {
                closed = in.read() == -1;
            } catch (SocketTimeoutException | java.net.SocketException reset) {
                closed = !(reset instanceof SocketTimeoutException);
            }
            Duration closedAfter = Duration.ofNanos(System.nanoTime() - start);
            socket.shutdownOutput();
            sender.join(120_000);
            assertTrue(!sending.get(), "the sender finished or was cut off");
            long heapAfter;
            try (ServerJvm server = ServerJvm.connect()) {
                heapAfter = server.sample().heapUsedBytes();
            }
            Upload upload = new Upload(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8),
                    answeredAfter, closedAfter, sentWhenAnswered, sent.get(), closed, heapBefore, heapAfter);
            System.out.printf(Locale.ROOT, "Oversized upload to %s (%s, %s): %d after %d ms with %d bytes sent; "
                            + "connection closed after %d ms with %d bytes sent; server heap %.1f -> %.1f MiB%n",
                    path, chunked ? "chunked" : "declared", token == null ? "no token" : "token", upload.status(),
                    answeredAfter.toMillis(), sentWhenAnswered, closedAfter.toMillis(), upload.sentInAll(),
                    heapBefore / 1048576.0, heapAfter / 1048576.0);
            return upload;
        }
    }

    /**
     * {@code {"<field>": "aaaa...} in 64 KiB pieces up to {@code size} bytes: valid JSON as far as it goes, so
     * nothing stops it early. At {@code pauseAt} bytes it stops until {@code answered} (or the wait runs out).
     */
    private static void send(OutputStream out, boolean chunked, String field, long size, AtomicLong sent,
                             long pauseAt, CountDownLatch answered) throws IOException, InterruptedException {
        byte[] piece = new byte[64 * 1024];
        Arrays.fill(piece, (byte) 'a');
        byte[] start = ("{\"" + field + "\": \"").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, piece, 0, start.length);
        boolean paused = false;
        while (sent.get() < size) {
            if (!paused && sent.get() >= pauseAt) {
                out.flush();
                answered.await(ANSWER_WAIT_MILLIS + 5_000L, TimeUnit.MILLISECONDS);
                paused = true;
            }
            long until = paused ? size : pauseAt;
            int length = (int) Math.min(piece.length, until - sent.get());
            if (chunked) {
                out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(piece, 0, length);
            if (chunked) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            sent.addAndGet(length);
            Arrays.fill(piece, 0, start.length, (byte) 'a');
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new IOException("the connection closed before an answer: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
