package dev.notebookchat.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One server of the runnable jar ({@code target/notebookchat.jar}), started with {@code java -jar} as
 * an operator would, its settings from the environment only; nothing of the integration tests' own
 * server (its database, its dev login) reaches it. The integration tests of the jar and of several
 * servers use it, and so does the relay benchmark for its two-server target.
 */
public final class JarServer {

    /** Extracting the jar and starting a server on a busy 2-core machine. */
    public static final Duration START = Duration.ofMinutes(10);

    private final String name;
    private final int httpPort;
    private final int httpsPort;
    private final Map<String, String> settings;
    private final Path extracted;
    private final Path output;
    private Process process;

    /**
     * @param name     names its folder and log under the build directory
     * @param settings environment variables on top of the ports and the extract folder
     */
    public JarServer(String name, int httpPort, int httpsPort, Map<String, String> settings) {
        this.name = name;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        this.settings = settings;
        Path build = build();
        this.extracted = build.resolve(name);
        this.output = build.resolve(name + ".log");
    }

    public static Path build() {
        return Path.of(System.getProperty("it.build.directory", "target"));
    }

    public URI base() {
        return URI.create("http://localhost:" + httpPort + "/");
    }

    public Path log() {
        return output;
    }

    /** Starts the process; {@link #awaitReady()} waits for it. */
    public JarServer start() throws IOException {
        Path jar = build().resolve("notebookchat.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is built in pre-integration-test: run through 'mvn verify'");
        }
        // The jar unpacks itself into a fresh folder on every start.
        deleteTree(extracted);
        Files.createDirectories(extracted);
        ProcessBuilder java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toAbsolutePath().toString());
        Map<String, String> environment = java.environment();
        environment.keySet().removeIf(n -> n.startsWith("NOTEBOOKCHAT_") || n.startsWith("WLP_")
                || n.equals("HTTP_PORT") || n.equals("HTTPS_PORT"));
        environment.put("WLP_JAR_EXTRACT_DIR", extracted.toAbsolutePath().toString());
        environment.put("HTTP_PORT", Integer.toString(httpPort));
        environment.put("HTTPS_PORT", Integer.toString(httpsPort));
        environment.putAll(settings);
        process = java.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        return this;
    }

    public JarServer awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("java -jar notebookchat.jar (" + name + ") exited with " + process.exitValue() + "; see " + output);
            }
            try {
                HttpResponse<Void> ready = Api.HTTP.send(HttpRequest.newBuilder(base().resolve("health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the jar's server " + name + " was not ready within " + START.toMinutes() + " minutes; see " + output);
            }
            Thread.sleep(250);
        }
    }

    /** The running process, for watching it from outside ({@code /proc}) and for a last-resort kill. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /**
     * The file where the server's local JMX connector writes its address when it starts (in the unpacked
     * server {@code notebookchat}, as the build packages it).
     */
    public Path jmxAddressFile() {
        return extracted.resolve(Path.of("wlp", "usr", "servers", "notebookchat", "logs", "state", "com.ibm.ws.jmx.local.address"));
    }

    /**
     * Settings for servers that share one data folder, made afresh: its dev-login signing key and a
     * crypto key are made here, before any server starts, so that servers started at once do not race
     * to generate different ones.
     */
    public static Map<String, String> sharedData(Path folder) throws IOException, GeneralSecurityException {
        deleteTree(folder);
        Files.createDirectories(folder);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Path devLoginKey = folder.resolve("dev-login-private-key.pem");
        Files.writeString(devLoginKey, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(devLoginKey, PosixFilePermissions.fromString("rw-------"));
        byte[] cryptoKey = new byte[32];
        new SecureRandom().nextBytes(cryptoKey);
        return Map.of("NOTEBOOKCHAT_CRYPTO_KEY", Base64.getEncoder().encodeToString(cryptoKey),
                "NOTEBOOKCHAT_DATA_DIR", folder.toAbsolutePath().toString());
    }

    /** SIGTERM: Liberty stops the application and the server. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the jar's server " + name + " did not stop within 60 s of SIGTERM; see " + output);
            }
        }
    }

    /** SIGKILL: the server dies on the spot, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    public static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
