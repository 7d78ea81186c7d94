package dev.notebookchat.platform;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonObjectBodiesTest {

    static final int BODY = 16 * 1024 * 1024;

    /** Like a servlet stream: hands over at most 64 KiB a read and never says that more is ready. */
    static final class Trickle extends InputStream {
        private final InputStream in;

        Trickle(byte[] body) {
            in = new ByteArrayInputStream(body);
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, Math.min(len, 64 * 1024));
        }

        @Override
        public int available() {
            return 0;
        }
    }

    /** How many reads a reader needs to hand a parser the whole body, asking each time for all the room it has. */
    private static int readerCalls(InputStream body) throws IOException {
        Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8);
        char[] room = new char[BODY];
        int calls = 0;
        int total = 0;
        for (int n = reader.read(room, total, room.length - total); n > 0; n = reader.read(room, total, room.length - total)) {
            calls++;
            total += n;
            if (total == room.length) {
                break;
            }
        }
        assertEquals(BODY, total);
        return calls;
    }

    @Test
    void aReaderOverTheRawStreamGetsEightKibibytesACall() throws IOException {
        byte[] body = new byte[BODY];
        Arrays.fill(body, (byte) 'a');

        // What made a 16 MiB string cost seconds: the parser moves what it has read once per call.
        assertEquals(BODY / 8192, readerCalls(new Trickle(body)));
    }

    @Test
    void aReaderOverTheGatheredStreamGetsAWholeBufferACall() throws IOException {
        byte[] body = new byte[BODY];
        Arrays.fill(body, (byte) 'a');

        int calls = readerCalls(new JsonObjectBodies.Gathered(new Trickle(body)));

        // 8 KiB, 32 KiB, 128 KiB, 512 KiB, then 1 MiB pieces: 4 + 15.5 -> at most 21 calls for 16 MiB
        assertTrue(calls <= 4 + BODY / JsonObjectBodies.Gathered.LARGEST + 1, calls + " reader calls");
    }

    @Test
    void everyByteArrivesInOrderWhateverTheReadSizes() throws IOException {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + 7);
        }
        InputStream gathered = new JsonObjectBodies.Gathered(new Trickle(body));
        byte[] read = new byte[body.length];
        int at = 0;
        int size = 1;
        while (at < body.length) {
            if (size % 5 == 0) {
                int b = gathered.read();
                assertTrue(b >= 0);
                read[at++] = (byte) b;
            } else {
                int n = gathered.read(read, at, Math.min(size, body.length - at));
                assertTrue(n > 0);
                at += n;
            }
            size = size * 3 % 100_003 + 1;
        }
        assertEquals(-1, gathered.read());
        assertEquals(-1, gathered.read(new byte[10], 0, 10));
        assertArrayEquals(body, read);
    }

    @Test
    void aShortBodyIsOneSmallBuffer() throws IOException {
        byte[] body = "{\"name\": \"Tea\"}".getBytes(StandardCharsets.UTF_8);
        InputStream gathered = new JsonObjectBodies.Gathered(new Trickle(body));

        assertEquals('{', gathered.read());
        assertEquals(body.length - 1, gathered.available());
        assertArrayEquals(Arrays.copyOfRange(body, 1, body.length), gathered.readNBytes(100));
    }
}
