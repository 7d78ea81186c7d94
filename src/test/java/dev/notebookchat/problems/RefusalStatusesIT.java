package dev.notebookchat.problems;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.FakeProvider;
import dev.notebookchat.it.FakeProviders.Provider;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.notebookchat.it.Api.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refusals that depend on what else happens at the same moment, or on what a provider answered. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RefusalStatusesIT {

    @RegisterExtension
    static final FakeProvider fake = new FakeProvider();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Test
    void simultaneousKeysForOneProviderAllSucceedAndOneIsKept() throws Exception {
        Api alice = Api.newUser("alice");
        List<String> keys = IntStream.range(0, 10).mapToObj(i -> "sk-proj-race" + i + "x" + (1000 + i)).toList();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(keys.size());
        try {
            List<Future<Api.Response>> answers = new ArrayList<>();
            for (String key : keys) {
                answers.add(clients.submit(() -> {
                    go.await();
                    return alice.put("api/credentials/openai", object("api_key", key));
                }));
            }
            go.countDown();
            for (Future<Api.Response> answer : answers) {
                Api.Response response = answer.get();
                assertEquals(200, response.status(), response.body());
            }
        } finally {
            clients.shutdownNow();
        }

        JsonArray stored = alice.get("api/credentials").array();
        assertEquals(1, stored.size(), stored.toString());
        assertEquals("openai", stored.getJsonObject(0).getString("provider"));
        Set<String> hints = keys.stream().map(k -> "****" + k.substring(k.length() - 4)).collect(Collectors.toSet());
        assertTrue(hints.contains(stored.getJsonObject(0).getString("key_hint")), stored.toString());
    }

    @Test
    void aKeyTheProviderRejectedIsA400OnTheWholeAnswerEndpoint() {
        Api alice = Api.newUser("alice");
        assertEquals(200, alice.put("api/credentials/openai", object("api_key", "sk-proj-aliceQ2w3E4r5T6y7")).status());
        String session = alice.createSession(alice.createNotebook("Coffee"));

        Api.Response rejected = alice.post("api/chat/execute", ask(session, Provider.OPENAI.model("unauthorized")));

        assertEquals(400, rejected.status(), rejected.body());
        assertEquals(Json.createObjectBuilder().add("error", "bad_request")
                .add("message", "The OpenAI API key was rejected (HTTP 401). Check the key in Settings.").build(), rejected.json());
        JsonArray messages = alice.get("api/chat/sessions/" + session).json().getJsonArray("messages");
        assertEquals(2, messages.size());
        assertEquals("error", messages.getJsonObject(1).getString("status"));
    }

    @Test
    void anUnknownModelIsA400AndAProviderOutageA503() {
        Api alice = Api.newUser("alice");
        String session = alice.createSession(alice.createNotebook("Coffee"));

        Api.Response unknown = alice.post("api/chat/execute", ask(session, Provider.OPENAI.model("not-found")));
        assertEquals(400, unknown.status(), unknown.body());
        assertEquals("bad_request", unknown.json().getString("error"));
        assertTrue(unknown.json().getString("message").startsWith("OpenAI does not know the model"), unknown.body());

        Api.Response outage = alice.post("api/chat/execute", ask(session, Provider.OPENAI.model("overloaded")));
        assertEquals(503, outage.status(), outage.body());
        assertEquals("unavailable", outage.json().getString("error"));
        assertTrue(outage.json().getString("message").startsWith("OpenAI is overloaded or unavailable (HTTP 503)"), outage.body());
    }

    private static JsonObject ask(String session, String model) {
        return Json.createObjectBuilder().add("session_id", session).add("message", "How is espresso brewed?")
                .add("model_override", model).build();
    }
}
