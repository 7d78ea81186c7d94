package dev.notebookchat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx relaying the fake provider, as the floor a pure relay reaches on this machine, or balancing
 * several servers of the app round-robin: a plain process
 * ({@code nginx -p DIR -c FILE}, in the foreground, never a system service) with a configuration this
 * class writes, started before the measured loads and always stopped after them.
 *
 * <p>Relay settings are those of a streaming proxy: {@code proxy_buffering off} (each frame goes on as
 * it arrives), {@code tcp_nodelay on}, HTTP/1.1 to an upstream keep-alive pool, one worker per core.
 */
public final class Nginx implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Process process;

    private Nginx(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts nginx on 127.0.0.1:{@code port} in front of 127.0.0.1 at each of {@code upstreamPorts}
     * (round-robin when there are several); waits until it accepts.
     */
    static Nginx start(String binary, Path dir, int port, List<Integer> upstreamPorts, int maxStreams) throws IOException, InterruptedException {
        return start(binary, dir, port, config(dir.toAbsolutePath(), port, upstreamPorts, maxStreams, "auto", ""));
    }

    /**
     * Starts nginx on 127.0.0.1:{@code port} balancing 127.0.0.1:{@code upstreamPorts} round-robin, as a
     * deployment of several servers without sticky sessions; every response names the server that
     * answered in {@code X-Served-By} ({@code 127.0.0.1:<port>}). One worker, so the turns are taken
     * over all requests in the order they come (each worker would keep turns of its own).
     */
    public static Nginx balance(String binary, Path dir, int port, List<Integer> upstreamPorts) throws IOException, InterruptedException {
        return start(binary, dir, port, balanceConfig(dir.toAbsolutePath(), port, upstreamPorts));
    }

    static String balanceConfig(Path dir, int port, List<Integer> upstreamPorts) {
        return config(dir, port, upstreamPorts, 100, "1", "            add_header X-Served-By $upstream_addr always;\n");
    }

    private static Nginx start(String binary, Path dir, int port, String config) throws IOException, InterruptedException {
        // A port another process listens on would answer the readiness probe below for an nginx that could not bind it.
        try (ServerSocket free = new ServerSocket()) {
            free.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException taken) {
            throw new IllegalStateException("127.0.0.1:" + port + " is taken, so nginx cannot listen there: " + taken.getMessage());
        }
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("temp"));
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(binary, "-p", dir.toAbsolutePath() + "/", "-c", file.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/stdout.log").toFile())
                .start();
        Nginx nginx = new Nginx(dir, port, process);
        // Also when the benchmark is interrupted (Ctrl-C): no nginx outlives the run.
        Runtime.getRuntime().addShutdownHook(new Thread(nginx::close, "stop-nginx"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("logs/stdout.log")) + readQuietly(dir.resolve("logs/error.log")));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return nginx;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        nginx.close();
        throw new IllegalStateException("nginx did not listen on " + port + " within 10 s: " + readQuietly(dir.resolve("logs/error.log")));
    }

    /** The whole configuration: one {@code upstream} of all the ports, each request to the next in turn (nginx's default). */
    static String config(Path dir, int port, List<Integer> upstreamPorts, int maxStreams) {
        return config(dir, port, upstreamPorts, maxStreams, "auto", "");
    }

    private static String config(Path dir, int port, List<Integer> upstreamPorts, int maxStreams, String workers, String location) {
        if (upstreamPorts.isEmpty()) {
            throw new IllegalArgumentException("nginx needs at least one upstream");
        }
        StringBuilder servers = new StringBuilder();
        for (int upstream : upstreamPorts) {
            servers.append("        server 127.0.0.1:").append(upstream).append(";\n");
        }
        // Two descriptors per stream (client and upstream) spread over the workers, plus slack.
        int connections = 2 * maxStreams + 1024;
        return """
                # Written by the benchmark or the scale-out test for each run.
                daemon off;
                master_process on;
                worker_processes %6$s;
                worker_rlimit_nofile %1$d;
                pid %2$s/nginx.pid;
                error_log %2$s/logs/error.log warn;
                events {
                    worker_connections %1$d;
                    multi_accept on;
                }
                http {
                    access_log off;
                    client_body_temp_path %2$s/temp/body;
                    proxy_temp_path %2$s/temp/proxy;
                    fastcgi_temp_path %2$s/temp/fastcgi;
                    uwsgi_temp_path %2$s/temp/uwsgi;
                    scgi_temp_path %2$s/temp/scgi;
                    tcp_nodelay on;
                    keepalive_requests 100000;
                    upstream relayed {
                %3$s        keepalive 1024;
                        keepalive_requests 100000;
                    }
                    server {
                        listen 127.0.0.1:%4$d backlog=%5$d;
                        location / {
                            proxy_pass http://relayed;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_buffering off;
                            proxy_request_buffering off;
                            proxy_read_timeout 3600s;
                %7$s        }
                    }
                }
                """.formatted(connections, dir, servers, port, Math.max(511, maxStreams), workers, location);
    }

    /** The nginx binary: {@code benchmark.nginx} if set, else {@code nginx} on the PATH or in /usr/sbin; null if none. */
    public static String binary(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    public int port() {
        return port;
    }

    long masterPid() {
        return process.pid();
    }

    /** The worker processes (children of the master), which do all the relaying. */
    List<Long> workerPids() {
        return process.toHandle().children().map(ProcessHandle::pid).toList();
    }

    Path dir() {
        return dir;
    }

    /** Graceful stop (SIGQUIT lets workers finish), then SIGTERM, then SIGKILL; the workers go with the master. */
    @Override
    public synchronized void close() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> workers = process.toHandle().children().toList();
        try {
            new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.isReadable(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
