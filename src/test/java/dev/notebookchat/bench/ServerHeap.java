package dev.notebookchat.bench;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Liberty server's heap, read over its local JMX connector (feature {@code localConnector-1.0},
 * whose address the server writes to {@code logs/state/com.ibm.ws.jmx.local.address}). One read is a
 * single call over an open connection, cheap enough to sample every second.
 */
final class ServerHeap implements AutoCloseable {

    private final JMXConnector connector;
    private final MemoryMXBean memory;

    private ServerHeap(JMXConnector connector, MemoryMXBean memory) {
        this.connector = connector;
        this.memory = memory;
    }

    /** Connects through the address file; null (and a line on the console saying why) when it cannot. */
    static ServerHeap connect(Path addressFile) {
        if (addressFile == null || !Files.isReadable(addressFile)) {
            System.out.println("[benchmark] No JMX address at " + addressFile + ": the server's heap is not reported");
            return null;
        }
        try {
            String address = Files.readString(addressFile, StandardCharsets.UTF_8).strip();
            JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            memory.getHeapMemoryUsage();
            return new ServerHeap(connector, memory);
        } catch (IOException | RuntimeException e) {
            System.out.println("[benchmark] Could not reach the server over JMX (" + e + "): the server's heap is not reported");
            return null;
        }
    }

    /** Heap in use and committed, bytes; null if the read failed. */
    MemoryUsage heap() {
        try {
            return memory.getHeapMemoryUsage();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // the server may be gone already
        }
    }
}
