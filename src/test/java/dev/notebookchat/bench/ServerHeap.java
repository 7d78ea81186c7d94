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
import java.util.ArrayList;
import java.util.List;

/**
 * The heap of one Liberty server, or of several summed, read over each server's local JMX connector
 * (feature {@code localConnector-1.0}, whose address the server writes to
 * {@code logs/state/com.ibm.ws.jmx.local.address}). One read is a single call per server over an open
 * connection, cheap enough to sample every second.
 */
final class ServerHeap implements AutoCloseable {

    private final List<JMXConnector> connectors;
    private final List<MemoryMXBean> memories;

    private ServerHeap(List<JMXConnector> connectors, List<MemoryMXBean> memories) {
        this.connectors = connectors;
        this.memories = memories;
    }

    /** Connects through the address file; null (and a line on the console saying why) when it cannot. */
    static ServerHeap connect(Path addressFile) {
        return connect(addressFile == null ? null : List.of(addressFile));
    }

    /**
     * Connects to every server through its address file; null (and a line on the console saying why)
     * when any cannot be reached, since a sum that leaves a server out would understate the heap.
     */
    static ServerHeap connect(List<Path> addressFiles) {
        if (addressFiles == null || addressFiles.isEmpty()) {
            System.out.println("[benchmark] No JMX address: the server's heap is not reported");
            return null;
        }
        List<JMXConnector> connectors = new ArrayList<>();
        List<MemoryMXBean> memories = new ArrayList<>();
        for (Path addressFile : addressFiles) {
            if (!Files.isReadable(addressFile)) {
                System.out.println("[benchmark] No JMX address at " + addressFile + ": the servers' heap is not reported");
                closeAll(connectors);
                return null;
            }
            try {
                String address = Files.readString(addressFile, StandardCharsets.UTF_8).strip();
                JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
                connectors.add(connector);
                MBeanServerConnection connection = connector.getMBeanServerConnection();
                MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
                memory.getHeapMemoryUsage();
                memories.add(memory);
            } catch (IOException | RuntimeException e) {
                System.out.println("[benchmark] Could not reach the server of " + addressFile + " over JMX (" + e + "): the heap is not reported");
                closeAll(connectors);
                return null;
            }
        }
        return new ServerHeap(connectors, memories);
    }

    /** Heap in use and committed, bytes, summed over the servers; null if a read failed. */
    MemoryUsage heap() {
        long used = 0;
        long committed = 0;
        for (MemoryMXBean memory : memories) {
            try {
                MemoryUsage usage = memory.getHeapMemoryUsage();
                used += usage.getUsed();
                committed += usage.getCommitted();
            } catch (RuntimeException e) {
                return null;
            }
        }
        return new MemoryUsage(-1, used, committed, -1);
    }

    @Override
    public void close() {
        closeAll(connectors);
    }

    private static void closeAll(List<JMXConnector> connectors) {
        for (JMXConnector connector : connectors) {
            try {
                connector.close();
            } catch (IOException ignored) {
                // the server may be gone already
            }
        }
    }
}
