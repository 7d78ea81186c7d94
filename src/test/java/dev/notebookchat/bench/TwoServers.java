package dev.notebookchat.bench;

import dev.notebookchat.it.JarServer;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Two servers of the runnable jar behind nginx balancing them round-robin, deployed as README "Several
 * servers" describes: one PostgreSQL schema, running turns shared through Redis, one data folder (the
 * dev login's signing key, the crypto key), and otherwise the very settings the benchmark's Liberty
 * server has ({@code benchmark.server.setting.*}). Started before the loads, always stopped after them,
 * also when the benchmark is interrupted.
 */
final class TwoServers implements AutoCloseable {

    static final String SETTING = "benchmark.server.setting.";

    private final List<JarServer> servers;
    private final Nginx balancer;
    private final ServerHeap heap;

    private TwoServers(List<JarServer> servers, Nginx balancer, ServerHeap heap) {
        this.servers = servers;
        this.balancer = balancer;
        this.heap = heap;
    }

    /**
     * Starts both servers (on the four ports after {@code port}) and the balancer (on {@code port}),
     * and waits until both servers are ready. On any failure, what did start is stopped again.
     */
    static TwoServers start(Properties p, String nginxBinary, Path output, int port, int maxStreams) throws Exception {
        Path jar = JarServer.build().resolve("notebookchat.jar");
        Path war = JarServer.build().resolve("notebookchat.war");
        if (!Files.isRegularFile(jar) || Files.isRegularFile(war)
                && Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(war)) < 0) {
            throw new IllegalStateException(jar + " is missing or older than the WAR: the target app2 runs the runnable jar of "
                    + "this build, which the benchmark builds on PostgreSQL unless -Drunnable-jar.skip=true");
        }
        Map<String, String> settings = new HashMap<>(environment(p));
        settings.putAll(JarServer.sharedData(output.resolve("app2-data")));
        settings.put("NOTEBOOKCHAT_TURNS_REDIS_URL", p.getProperty("benchmark.redis-url", "redis://127.0.0.1:6379/5"));
        // The same heap bound as the one server, for each of the two (the runnable jar runs the server in the JVM it starts).
        String maxHeap = p.getProperty("benchmark.server.heap", "");
        if (!maxHeap.isBlank()) {
            settings.put("JAVA_TOOL_OPTIONS", "-Xmx" + maxHeap);
        }
        List<JarServer> servers = new ArrayList<>();
        Nginx balancer = null;
        try {
            String name = p.getProperty("benchmark.server.name", "notebookchat-bench");
            servers.add(new JarServer(name + "-app2-a", port + 1, port + 2, settings));
            servers.add(new JarServer(name + "-app2-b", port + 3, port + 4, settings));
            for (JarServer server : servers) {
                server.start();
                ProcessHandle process = server.handle();
                // Also when the benchmark is interrupted (Ctrl-C): no server outlives the run.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }, "stop-" + name));
            }
            for (JarServer server : servers) {
                server.awaitReady();
                RelayBenchmark.log("Server of the runnable jar ready at " + server.base() + ", process " + server.handle().pid()
                        + ", log " + server.log());
            }
            balancer = Nginx.start(nginxBinary, output.resolve("nginx-app2"), port, List.of(port + 1, port + 3), maxStreams);
            RelayBenchmark.log("nginx " + balancer.masterPid() + " balancing both on 127.0.0.1:" + port + ", workers " + balancer.workerPids());
            ServerHeap heap = ServerHeap.connect(servers.stream().map(JarServer::jmxAddressFile).toList());
            return new TwoServers(servers, balancer, heap);
        } catch (Exception | Error e) {
            stopAll(servers, balancer);
            throw e;
        }
    }

    /**
     * The Liberty server's settings as the benchmark was told them ({@code benchmark.server.setting.<property>}),
     * as the environment variables a runnable jar reads ({@code notebookchat.chat.max-running-turns} →
     * {@code NOTEBOOKCHAT_CHAT_MAX_RUNNING_TURNS}).
     */
    static Map<String, String> environment(Properties p) {
        Map<String, String> environment = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith(SETTING)) {
                String property = name.substring(SETTING.length());
                environment.put(property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT), p.getProperty(name));
            }
        }
        return environment;
    }

    /** Where the clients connect: the balancer. */
    URI base() {
        return URI.create("http://127.0.0.1:" + balancer.port() + "/");
    }

    /** Both servers' processes (and any they started), whose CPU, memory, threads and files are summed. */
    List<Long> pids() {
        return servers.stream().map(JarServer::handle)
                .flatMap(process -> Stream.concat(Stream.of(process), process.descendants()))
                .filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    }

    /** Both servers' heaps summed; null when either has no reachable local JMX connector. */
    ServerHeap heap() {
        return heap;
    }

    String javaCommand() {
        return servers.get(0).handle().info().command().orElse("?") + " -jar notebookchat.jar";
    }

    @Override
    public void close() {
        if (heap != null) {
            heap.close();
        }
        stopAll(servers, balancer);
    }

    /** Each stopped even if another could not be. */
    private static void stopAll(List<JarServer> servers, Nginx balancer) {
        if (balancer != null) {
            balancer.close();
        }
        for (JarServer server : servers) {
            try {
                server.stop();
            } catch (InterruptedException e) {
                server.handle().destroyForcibly();
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                System.err.println("[benchmark] " + e.getMessage());
            }
        }
        RelayBenchmark.log("Both servers of the runnable jar and their nginx stopped");
    }
}
