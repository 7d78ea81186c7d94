package dev.notebookchat.security.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.FakeProvider;
import dev.notebookchat.it.FakeProviders.Provider;
import dev.notebookchat.it.Secrets;
import dev.notebookchat.it.ServerLogs;
import dev.notebookchat.provider.fake.RecordedRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * No API key ever leaves the server other than towards its provider: not in any answer a client gets
 * (JSON bodies, stream events, headers) and not in the server's logs. The keys are the server-wide
 * ones from the environment and users' own keys stored here; the turns include failures whose provider
 * error bodies quote the key back (rejected key, rejected request), so the masking is really put to
 * work. This class runs its own turns and does not depend on any other test having run.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecretsLeakIT {

    static final String QUESTION = "What does the notebook say about tea?";
    /** Turns with the server's key, then with the user's own: answers, and failures that quote the key back. */
    static final List<String> SERVER_KEY_SCENARIOS = List.of("ok", "unauthorized", "bad-request", "not-found", "inband-error");
    static final List<String> OWN_KEY_SCENARIOS = List.of("ok", "unauthorized", "bad-request");

    @RegisterExtension
    static final FakeProvider fake = new FakeProvider();

    /** Every response the tests saw, as text: status, headers, body or events. */
    static final List<String> responses = new ArrayList<>();
    /** The users' own keys stored (or refused) during the exercise. */
    static final List<String> ownKeys = new ArrayList<>();
    static boolean exercised;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Test
    void noResponseCarriesAKey() {
        exercise();

        List<String> keys = allKeys();
        for (String response : responses) {
            Secrets.leakIn(response, keys).ifPresent(leak -> fail("a response leaks a key: " + leak));
        }
    }

    /**
     * Every file under the server's {@code logs}: {@code messages.log} and its rotated copies, FFDC
     * incidents, and {@code console.log} and {@code trace.log} where they exist. (The managed container
     * starts the server without the script that writes {@code console.log}; what the console shows,
     * System.out and System.err included, is in {@code messages.log} as well.)
     */
    @Test
    void theServerLogsCarryNoKey() throws IOException {
        exercise();

        Path logs = ServerLogs.directory();
        assertTrue(Files.isRegularFile(ServerLogs.messages()), "the server writes " + ServerLogs.messages());
        List<String> keys = allKeys();
        List<Path> read = new ArrayList<>();
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                // Keys are ASCII, so reading every byte as one character finds them.
                String text = ServerLogs.read(file);
                Secrets.leakIn(text, keys).ifPresent(leak -> fail(logs.relativize(file) + " leaks a key: " + leak));
                read.add(logs.relativize(file));
            }
        }
        assertTrue(read.contains(Path.of("messages.log")), read.toString());
    }

    /**
     * Stores keys and runs turns with every provider, once for both tests, keeping every response.
     * Afterwards each key must have reached the fake provider in a request whose error answer quotes it,
     * or the masking was never tested.
     */
    static synchronized void exercise() {
        if (exercised) {
            return;
        }
        for (Provider provider : Provider.values()) {
            exercise(provider);
        }
        Api anyone = Api.newUser("secrets");
        keep(anyone.get("api/models"));
        keep(anyone.get("api/models/providers"));
        exercised = true;

        for (String key : allKeys()) {
            if (!key.contains(" ")) { // the refused key was never stored, so never sent
                assertTrue(fake.requests().stream().anyMatch(r -> quotesBack(r) && sent(r, key)),
                        "a provider error quoted the key ending in " + key.substring(key.length() - 2));
            }
        }
    }

    private static void exercise(Provider provider) {
        Api user = Api.newUser("secrets-" + provider.id());
        String notebook = user.createNotebook("Tea");
        user.addSource(notebook, "Tea notes", "Tea is the best drink in the house.");
        String session = user.createSession(notebook);

        if (provider.serverKey().isPresent()) {
            for (String scenario : SERVER_KEY_SCENARIOS) {
                keep(EventStream.post(user, "api/chat/execute/stream", ask(session, provider.model(scenario))));
            }
        } else {
            Api.Response refused = user.post("api/chat/execute/stream", ask(session, provider.model("ok")));
            assertEquals(400, refused.status(), refused.body());
            keep(refused);
        }

        String refusedKey = Secrets.newKey("usr ");
        ownKeys.add(refusedKey);
        Api.Response badKey = user.put("api/credentials/" + provider.id(), Json.createObjectBuilder().add("api_key", refusedKey).build());
        assertEquals(400, badKey.status(), "a key with a space inside is refused: " + badKey.body());
        keep(badKey);

        String own = Secrets.newKey("usr-");
        ownKeys.add(own);
        Api.Response stored = user.put("api/credentials/" + provider.id(), Json.createObjectBuilder().add("api_key", own).build());
        assertEquals(200, stored.status(), stored.body());
        keep(stored);
        keep(user.get("api/credentials"));
        keep(user.get("api/models/providers"));

        for (String scenario : OWN_KEY_SCENARIOS) {
            keep(EventStream.post(user, "api/chat/execute/stream", ask(session, provider.model(scenario))));
        }
        // The same failure through the endpoint that answers with JSON instead of a stream.
        Api.Response whole = user.post("api/chat/execute", ask(session, provider.model("bad-request")));
        assertFalse(whole.status() == 200, "a rejected request is no answer: " + whole.body());
        keep(whole);

        keep(user.get("api/chat/sessions/" + session));
        keep(user.get("api/chat/sessions?notebook_id=" + notebook));
        keep(EventStream.read(user.request("api/chat/sessions/" + session + "/stream").header("Accept", "text/event-stream").GET()));
    }

    private static JsonObject ask(String session, String model) {
        return Json.createObjectBuilder().add("session_id", session).add("message", QUESTION).add("model_override", model).build();
    }

    private static boolean quotesBack(RecordedRequest request) {
        return request.scenario().equals("unauthorized") || request.scenario().equals("bad-request");
    }

    private static boolean sent(RecordedRequest request, String key) {
        return Provider.of(request).keySent(request).filter(key::equals).isPresent();
    }

    private static List<String> allKeys() {
        List<String> keys = new ArrayList<>(ownKeys);
        for (Provider provider : Provider.values()) {
            provider.serverKey().ifPresent(keys::add);
        }
        return keys;
    }

    private static void keep(Api.Response response) {
        responses.add(response.status() + " " + headers(response.raw().headers()) + "\n" + response.body());
    }

    private static void keep(EventStream.Result stream) {
        StringBuilder text = new StringBuilder().append(stream.status()).append(' ').append(headers(stream.response().headers()));
        Optional.ofNullable(stream.errorBody()).ifPresent(body -> text.append('\n').append(body));
        stream.events().forEach(event -> text.append("\nid: ").append(event.id()).append("\ndata: ").append(event.data()));
        stream.comments().forEach(comment -> text.append("\n: ").append(comment));
        responses.add(text.toString());
    }

    private static String headers(HttpHeaders headers) {
        return headers.map().toString();
    }
}
