package dev.notebookchat.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Liberty server of its own for a test that is about how the server starts: the configuration the
 * build's {@code liberty:create} wrote for defaultServer, the packaged WAR in its dropins folder, and an
 * environment that holds only what the test gives it (no setting of the test JVM leaks in). It runs on
 * the spare ports beside the integration tests' server, and {@link #close()} stops it.
 */
public final class SpareServer implements AutoCloseable {

    private static final List<String> CONFIGURATION = List.of("server.xml", "server.env", "bootstrap.properties", "jvm.options");

    private final Process process;
    private final Path directory;
    private final Path log;
    private final URI base;

    private SpareServer(Process process, Path directory, Path log, URI base) {
        this.process = process;
        this.directory = directory;
        this.log = log;
        this.base = base;
    }

    /**
     * Lays the server out afresh and starts it with {@code environment} (and its ports); returns once
     * its HTTP port answers anything, the application started or not.
     *
     * @param dropins extra configuration files, by name, for its {@code configDropins/defaults} folder
     */
    public static SpareServer start(Map<String, String> environment, Map<String, String> dropins) {
        Path build = Path.of(System.getProperty("it.build.directory", "target"));
        Path wlp = build.resolve("liberty/wlp");
        String name = System.getProperty("it.spare.server.name", "notebookchat-spare");
        Path created = wlp.resolve("usr/servers/defaultServer");
        Path directory = wlp.resolve("usr/servers").resolve(name);
        try {
            deleteTree(directory);
            Files.createDirectories(directory.resolve("dropins"));
            for (String file : CONFIGURATION) {
                if (Files.exists(created.resolve(file))) {
                    Files.copy(created.resolve(file), directory.resolve(file));
                }
            }
            copyTree(created.resolve("configDropins"), directory.resolve("configDropins"));
            copyTree(created.resolve("jdbc"), directory.resolve("jdbc"));
            for (Map.Entry<String, String> dropin : dropins.entrySet()) {
                Path file = directory.resolve("configDropins/defaults").resolve(dropin.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, dropin.getValue());
            }
            Files.copy(build.resolve("notebookchat.war"), directory.resolve("dropins/notebookchat.war"));

            String port = System.getProperty("it.spare.http.port", "18191");
            Path log = build.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder("bash", wlp.resolve("bin/server").toString(), "run", name)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(key -> key.startsWith("NOTEBOOKCHAT_") || key.startsWith("MP_JWT_")
                    || key.equals("HTTP_PORT") || key.equals("HTTPS_PORT"));
            env.put("HTTP_PORT", port);
            env.put("HTTPS_PORT", System.getProperty("it.spare.https.port", "18192"));
            env.putAll(environment);
            SpareServer server = new SpareServer(builder.start(), directory, log, URI.create("http://localhost:" + port + "/"));
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("The spare server " + name + " could not be laid out", e);
        }
    }

    public URI base() {
        return base;
    }

    /** What the server wrote to its console so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file in the server's data folder. */
    public Path dataFile(String name) {
        return directory.resolve("notebookchat-data").resolve(name);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return Api.HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the console shows {@code text}, failing with the console after three minutes. */
    public void awaitOutput(String text) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!output().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("The spare server never wrote \"" + text + "\":\n" + output());
            }
            pause();
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            try {
                Api.HTTP.send(HttpRequest.newBuilder(base.resolve("health/live")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("The spare server did not listen on " + base + ":\n" + output());
                }
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
