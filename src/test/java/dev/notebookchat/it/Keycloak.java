package dev.notebookchat.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Keycloak for the identity-provider integration tests: started when a test first needs it, from
 * the distribution the build unpacked to {@code it.keycloak.home}, with the realms of
 * {@code src/test/resources/keycloak} imported into an in-memory database, and stopped when the test run
 * ends, failed or not (or, at the latest, with the test JVM). A run that needs no token never starts it.
 *
 * <p>The tests ask it for tokens the way any client does, and change its keys through its admin API.
 */
public class Keycloak implements LauncherSessionListener {

    public static final String REALM = "notebookchat";
    public static final String OTHER_REALM = "elsewhere";
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "it-admin-password";
    private static final List<String> REALM_FILES = List.of("notebookchat-realm.json", "elsewhere-realm.json");

    private static Process process;

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        stop();
    }

    /** Keycloak's address, e.g. {@code http://localhost:18180/}, once it serves the realms. */
    public static URI base() {
        ensureStarted();
        return address();
    }

    private static URI address() {
        return URI.create("http://localhost:" + System.getProperty("it.keycloak.port", "18180") + "/");
    }

    private static synchronized void ensureStarted() {
        if (process == null) {
            String home = System.getProperty("it.keycloak.home");
            if (home == null) {
                throw new IllegalStateException("it.keycloak.home is not set: run the identity-provider tests through 'mvn verify'");
            }
            process = start(Path.of(home));
            Runtime.getRuntime().addShutdownHook(new Thread(Keycloak::stop));
        }
    }

    /** The issuer of {@code realm}'s tokens, as the server under test is told to expect it. */
    public static String issuer(String realm) {
        return base().resolve("realms/" + realm).toString();
    }

    private static Process start(Path home) {
        URI base = address();
        if (answers(base.resolve("realms/master"))) {
            throw new IllegalStateException("Something already answers at " + base + " (a Keycloak left running?): "
                    + "stop it, or move the tests' Keycloak with -Dkeycloak.port=...");
        }
        try {
            Path imports = Files.createDirectories(home.resolve("data/import"));
            for (String file : REALM_FILES) {
                try (InputStream realm = Keycloak.class.getResourceAsStream("/keycloak/" + file)) {
                    Files.copy(realm, imports.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path log = Path.of(System.getProperty("it.build.directory", "target"), "keycloak.log");
            // through bash: the unpacked script may have lost its executable bit
            ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-port=" + base.getPort(),
                    "--http-management-port=" + System.getProperty("it.keycloak.management-port", "18190"),
                    "--db=dev-mem", "--import-realm")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            // the page's redirect URI, filled into the imported realm
            env.put("NOTEBOOKCHAT_PAGE_URL", "http://localhost:" + System.getProperty("it.http.port", "9080") + "/*");
            Process started = builder.start();
            awaitRealm(started, log);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak could not be started from " + home, e);
        }
    }

    /** The first start of a fresh distribution builds it first, which takes minutes on a small machine. */
    private static void awaitRealm(Process started, Path log) {
        URI discovery = address().resolve("realms/" + REALM + "/.well-known/openid-configuration");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!answers(discovery)) {
            if (!started.isAlive()) {
                throw new IllegalStateException("Keycloak stopped while starting (exit " + started.exitValue() + "): see " + log);
            }
            if (System.nanoTime() > deadline) {
                started.destroyForcibly();
                throw new IllegalStateException("Keycloak did not serve " + discovery + " within 10 minutes: see " + log);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                started.destroyForcibly();
                throw new IllegalStateException(e);
            }
        }
    }

    private static synchronized void stop() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    private static boolean answers(URI uri) {
        try {
            return Api.HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- what the tests ask of it ----------------------------------------------------------------

    /** An access token of {@code realm} for the user, through {@code client}'s direct access grant. */
    public static String accessToken(String realm, String client, String username, String password) {
        return tokenResponse(realm, Map.of("grant_type", "password", "client_id", client,
                "username", username, "password", password, "scope", "openid")).getString("access_token");
    }

    /** A token of the {@code notebookchat} realm for the API, as the page would get one. */
    public static String accessToken(String username, String password) {
        return accessToken(REALM, "notebookchat-tests", username, password);
    }

    private static JsonObject tokenResponse(String realm, Map<String, String> form) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(issuer(realm) + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused a token for " + form.get("username") + ": " + answer.body());
        }
        return json(answer.body());
    }

    /** A call to Keycloak's admin REST API, signed in as the bootstrap admin. */
    public static HttpResponse<String> admin(String method, String path, String jsonBody) {
        String token = tokenResponse("master", Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", ADMIN, "password", ADMIN_PASSWORD)).getString("access_token");
        HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve("admin/realms/" + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> answer = send(request);
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException("Keycloak's admin API answered " + answer.statusCode() + " to " + method + " " + path
                    + ": " + answer.body());
        }
        return answer;
    }

    /** The realm's public description, e.g. its current {@code public_key} (base64 DER). */
    public static String realmInfo(String realm) {
        return send(HttpRequest.newBuilder(base().resolve("realms/" + realm))).body();
    }

    /** Gives the realm a new RS256 signing key, above the current ones, so new tokens are signed with it. */
    public static void addSigningKey(String name) {
        int top = rs256Keys().stream().mapToInt(key -> key.getInt("providerPriority", 0)).max().orElse(100);
        admin("POST", REALM + "/components", Json.createObjectBuilder()
                .add("name", name)
                .add("providerId", "rsa-generated")
                .add("providerType", "org.keycloak.keys.KeyProvider")
                .add("parentId", REALM)
                .add("config", Json.createObjectBuilder()
                        .add("priority", Json.createArrayBuilder().add(String.valueOf(top + 10)))
                        .add("enabled", Json.createArrayBuilder().add("true"))
                        .add("active", Json.createArrayBuilder().add("true"))
                        .add("algorithm", Json.createArrayBuilder().add("RS256"))
                        .add("keySize", Json.createArrayBuilder().add("2048")))
                .build().toString());
    }

    /** Deletes the key provider of the key {@code kid}: the realm no longer publishes it. */
    public static void removeKey(String kid) {
        JsonObject key = rs256Keys().stream().filter(k -> kid.equals(k.getString("kid")))
                .findFirst().orElseThrow(() -> new IllegalStateException("the realm has no key " + kid));
        admin("DELETE", REALM + "/components/" + key.getString("providerId"), null);
    }

    private static List<JsonObject> rs256Keys() {
        return json(admin("GET", REALM + "/keys", null).body()).getJsonArray("keys").getValuesAs(JsonObject.class).stream()
                .filter(key -> "RS256".equals(key.getString("algorithm", "")))
                .toList();
    }

    public static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return Api.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
