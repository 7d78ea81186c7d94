package dev.notebookchat.it;

import dev.notebookchat.operations.PrometheusText;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/** A small JSON client for the API, signed in as one user. */
public final class Api {

    public static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI base;
    private final String token;

    private Api(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    private static volatile boolean serverReady;

    /**
     * Liberty reports the application started before its HTTP port necessarily listens, so the first
     * call of a test run waits until the readiness check answers.
     */
    public static URI base() {
        URI base = URI.create("http://localhost:" + System.getProperty("it.http.port", "9080") + "/");
        if (!serverReady) {
            awaitReady(base);
        }
        return base;
    }

    private static synchronized void awaitReady(URI base) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!serverReady) {
            try {
                HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(base.resolve("health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                serverReady = ready.statusCode() == 200;
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (!serverReady) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The server at " + base + " did not become ready");
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Signs in through the dev login as a fresh user, so tests never see each other's data. */
    public static Api newUser(String name) {
        return newUser(base(), name);
    }

    /** As {@link #newUser(String)}, on a server of its own at {@code base} (one the test started itself). */
    public static Api newUser(URI base, String name) {
        String username = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Response answer = new Api(base, null).post("api/auth/dev-token", Json.createObjectBuilder().add("username", username).build());
        if (answer.status() != 200) {
            throw new IllegalStateException("dev login failed: " + answer);
        }
        return new Api(base, answer.json().getString("token"));
    }

    public static Api anonymous() {
        return new Api(base(), null);
    }

    public static Api withToken(String token) {
        return withToken(base(), token);
    }

    /** As {@link #withToken(String)}, on a server of its own at {@code base} (one the test started itself). */
    public static Api withToken(URI base, String token) {
        return new Api(base, token);
    }

    public String token() {
        return token;
    }

    /** The same user on another server that shares the sign-in keys. */
    public Api on(URI otherBase) {
        return new Api(otherBase, token);
    }

    public record Response(int status, String body, HttpResponse<?> raw) {
        public JsonObject json() {
            return (JsonObject) parse();
        }

        public JsonArray array() {
            return (JsonArray) parse();
        }

        private JsonStructure parse() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.read();
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, JsonValue body) {
        return post(path, body.toString());
    }

    public Response post(String path, String rawBody) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(rawBody)));
    }

    public Response put(String path, JsonValue body) {
        return put(path, body.toString());
    }

    public Response put(String path, String rawBody) {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(rawBody)));
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    public Response send(HttpRequest.Builder request) {
        return send(HTTP, request);
    }

    /** Through a client of the caller's, e.g. one whose connections a test lets go of afterwards. */
    public static Response send(HttpClient client, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A JSON body of {@code bytes} bytes (an object of white space). The client waits for
     * {@code 100 Continue} before sending it, so a server that refuses it unread is seen answering,
     * not cutting the connection mid-write.
     */
    public Response sendBodyOf(long bytes, String method, String path) {
        byte[] body = new byte[Math.toIntExact(bytes)];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        return send(request(path).expectContinue(true).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    // Shortcuts for the objects most tests need.

    /** A JSON object of string fields: {@code object("name", "Coffee", "description", "Beans")}. */
    public static JsonObject object(String... namesAndValues) {
        var builder = Json.createObjectBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /** The {@code id}s of a list answer, in its order. */
    public static java.util.List<String> ids(JsonArray items) {
        return items.getValuesAs(JsonObject.class).stream().map(o -> o.getString("id")).toList();
    }

    public String createNotebook(String name) {
        return created(post("api/notebooks", Json.createObjectBuilder().add("name", name).build())).getString("id");
    }

    public String addSource(String notebookId, String title, String content) {
        return created(post("api/notebooks/" + notebookId + "/sources",
                Json.createObjectBuilder().add("title", title).add("content", content).build())).getString("id");
    }

    public String addNote(String notebookId, String title, String content) {
        return created(post("api/notebooks/" + notebookId + "/notes",
                Json.createObjectBuilder().add("title", title).add("content", content).build())).getString("id");
    }

    /**
     * Waits until the source or note at {@code path} (e.g. {@code api/sources/<id>}) is indexed: its
     * {@code status} changes in the background after it is saved, so a test that compares what a user
     * has before and after a refused request waits for it first.
     */
    public void awaitIndexed(String path) {
        AtomicReference<String> seen = new AtomicReference<>();
        Await.until(() -> path + " ready, last seen " + seen.get(), INDEXING, () -> {
            Response item = get(path);
            seen.set(item.status() + " " + item.body());
            return item.status() == 200 && "ready".equals(item.json().getString("status", null));
        });
    }

    /**
     * Waits until the indexer has taken up the source or note at {@code path} (its status is no longer
     * {@code pending}): it has read the item's text by then. Deleting a large item while that read runs
     * can fail on the embedded H2, whose large-text storage does not take a concurrent delete well.
     */
    public void awaitClaimed(String path) {
        AtomicReference<String> seen = new AtomicReference<>();
        Await.until(() -> path + " taken up for indexing, last seen " + seen.get(), INDEXING, () -> {
            Response item = get(path);
            seen.set(item.status() + " " + (item.status() == 200 ? item.json().getString("status", null) : ""));
            return item.status() == 200 && !"pending".equals(item.json().getString("status", null));
        });
    }

    /** Nothing queued or being indexed on the server: its embedding counter and heap move only by what a test does next. */
    public static void awaitIndexingIdle() {
        AtomicReference<Double> seen = new AtomicReference<>();
        Await.until(() -> "no item being indexed, last seen " + seen.get(), INDEXING,
                () -> seen.updateAndGet(v -> PrometheusText.scrape().value("notebookchat_indexing_items", Map.of())) == 0);
    }

    /** How long indexing one small item may take: the first one also loads the model. */
    public static final Duration INDEXING = Duration.ofSeconds(60);

    public String createSession(String notebookId) {
        return created(post("api/chat/sessions", Json.createObjectBuilder().add("notebook_id", notebookId).build())).getString("id");
    }

    private static JsonObject created(Response response) {
        if (response.status() != 201) {
            throw new IllegalStateException("expected 201, got " + response.status() + ": " + response.body());
        }
        return response.json();
    }
}
