package dev.notebookchat.it;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The integration-test server's JVM seen from the tests: heap, threads and open client connections.
 * Heap and threads come through the local JMX connector that Arquillian already needs
 * ({@code localConnector-1.0} writes its address under the server's {@code logs/state}); connections
 * are counted from {@code /proc/net/tcp*}, so nothing in the application has to expose them.
 */
public final class ServerJvm implements AutoCloseable {

    /** What the server holds at one moment. */
    public record Sample(long heapUsedBytes, int threads, int httpConnections) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "heap %.1f MiB, %d threads, %d HTTP connections",
                    heapUsedBytes / 1048576.0, threads, httpConnections);
        }
    }

    private final JMXConnector connector;
    private final MBeanServerConnection mbeans;
    private final int httpPort;

    private ServerJvm(JMXConnector connector, int httpPort) throws IOException {
        this.connector = connector;
        this.mbeans = connector.getMBeanServerConnection();
        this.httpPort = httpPort;
    }

    /** Connects to the server the failsafe configuration names ({@code it.server.directory}). */
    public static ServerJvm connect() {
        Path server = Path.of(System.getProperty("it.server.directory", "target/liberty/wlp/usr/servers/notebookchat-it"));
        Path address = server.resolve("logs/state/com.ibm.ws.jmx.local.address");
        try {
            String url = Files.readString(address, StandardCharsets.UTF_8).strip();
            return new ServerJvm(JMXConnectorFactory.connect(new JMXServiceURL(url)),
                    Integer.parseInt(System.getProperty("it.http.port", "9080")));
        } catch (IOException e) {
            throw new UncheckedIOException("The test server's local JMX connector at " + address + " is not reachable", e);
        }
    }

    /** Heap after a full collection, so garbage waiting to be collected does not count as held. */
    public Sample sample() {
        try {
            ObjectName memory = new ObjectName("java.lang:type=Memory");
            mbeans.invoke(memory, "gc", null, null);
            long heap = (Long) ((CompositeData) mbeans.getAttribute(memory, "HeapMemoryUsage")).get("used");
            int threads = (Integer) mbeans.getAttribute(new ObjectName("java.lang:type=Threading"), "ThreadCount");
            return new Sample(heap, threads, establishedConnectionsTo(httpPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Reading the test server's JVM failed", e);
        }
    }

    /** The server's live threads, read without disturbing it (no collection). */
    public int threads() {
        try {
            return (Integer) mbeans.getAttribute(new ObjectName("java.lang:type=Threading"), "ThreadCount");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Reading the test server's threads failed", e);
        }
    }

    /** TCP connections in state ESTABLISHED whose local port is {@code port}: the server's side of its clients' connections. */
    static int establishedConnectionsTo(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(path, StandardCharsets.US_ASCII)) {
                    String[] fields = line.strip().split("\\s+");
                    // sl local_address rem_address st ...; 01 is ESTABLISHED
                    if (fields.length > 3 && fields[1].endsWith(hexPort) && "01".equals(fields[3])) {
                        count++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return count;
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // the server may already be gone
        }
    }
}
