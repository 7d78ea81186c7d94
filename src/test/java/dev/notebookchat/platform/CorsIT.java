package dev.notebookchat.platform;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import jakarta.json.Json;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser frontend on another origin (the test server allows https://sso.example.test and
 * https://portal.example.test) can call the API, the streaming endpoint included; others cannot.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CorsIT {

    static final String ALLOWED = "https://sso.example.test";
    static final String OTHER_ALLOWED = "https://portal.example.test";
    static final String STRANGER = "https://evil.example.test";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api.Response preflight(String path, String method, String origin) {
        return Api.anonymous().send(Api.anonymous().request(path)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", "authorization, content-type, last-event-id"));
    }

    @Test
    void preflightsOfAllowedOriginsAreAnsweredWithoutAToken() {
        for (String path : List.of("api/chat/execute/stream", "api/notebooks", "api/chat/sessions/x/stream", "api/credentials/openai")) {
            Api.Response answer = preflight(path, "POST", ALLOWED);

            assertEquals(204, answer.status(), path);
            assertEquals(ALLOWED, answer.header("Access-Control-Allow-Origin"), path);
            assertTrue(answer.header("Access-Control-Allow-Methods").contains("POST"), path);
            String headers = answer.header("Access-Control-Allow-Headers").toLowerCase();
            for (String needed : List.of("authorization", "content-type", "last-event-id")) {
                assertTrue(headers.contains(needed), path + " allows " + needed + ": " + headers);
            }
        }
        assertEquals(OTHER_ALLOWED, preflight("api/notebooks", "GET", OTHER_ALLOWED).header("Access-Control-Allow-Origin"));
    }

    @Test
    void otherOriginsGetNoPermission() {
        Api.Response answer = preflight("api/chat/execute/stream", "POST", STRANGER);

        assertNull(answer.header("Access-Control-Allow-Origin"));

        Api alice = Api.newUser("alice");
        Api.Response list = alice.send(alice.request("api/notebooks").header("Origin", STRANGER).GET());
        assertEquals(200, list.status(), "the server answers; the browser withholds it from the page");
        assertNull(list.header("Access-Control-Allow-Origin"));
    }

    @Test
    void jsonAnswersAndTheEventStreamCarryThePermission() {
        Api alice = Api.newUser("alice");
        Api.Response list = alice.send(alice.request("api/notebooks").header("Origin", ALLOWED).GET());
        assertEquals(200, list.status());
        assertEquals(ALLOWED, list.header("Access-Control-Allow-Origin"));

        Api.Response refused = alice.send(alice.request("api/notebooks/nope").header("Origin", ALLOWED).GET());
        assertEquals(404, refused.status());
        assertEquals(ALLOWED, refused.header("Access-Control-Allow-Origin"), "errors are readable by the page too");

        String session = alice.createSession(alice.createNotebook("Coffee"));
        EventStream.Result stream = EventStream.read(alice.request("api/chat/execute/stream")
                .header("Origin", ALLOWED)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder()
                        .add("session_id", session).add("message", "Hello?").build().toString())));
        assertEquals(200, stream.status());
        assertEquals(ALLOWED, stream.header("Access-Control-Allow-Origin"));
        assertEquals("complete", stream.events().get(stream.events().size() - 1).type());
    }
}
