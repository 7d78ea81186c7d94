package dev.notebookchat.operations;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.FakeProvider;
import dev.notebookchat.it.FakeProviders.Provider;
import dev.notebookchat.it.Secrets;
import dev.notebookchat.it.ServerLogs;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The one log line each turn leaves in the server's messages.log: every field, and nothing secret. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TurnLogIT {

    static final String QUESTION = "What does the notebook say about tea?";
    static final String SOURCE = "Tea is the best drink in the house. Steep it for four minutes.";
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Pattern FIELD = Pattern.compile("([a-z_]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");

    @RegisterExtension
    static final FakeProvider fake = new FakeProvider();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Test
    void aFinishedTurnLogsOneLineWithItsFieldsAndNoKeyTokenOrText() {
        Api api = Api.newUser("logged");
        String own = Secrets.newKey("usr-");
        assertEquals(200, api.put("api/credentials/mistral", Json.createObjectBuilder().add("api_key", own).build()).status());
        String notebook = api.createNotebook("Tea");
        api.addSource(notebook, "Tea notes", SOURCE);
        String session = api.createSession(notebook);
        String model = Provider.MISTRAL.model("ok");

        EventStream.Result stream = EventStream.post(api, "api/chat/execute/stream", Json.createObjectBuilder()
                .add("session_id", session).add("message", QUESTION).add("model_override", model).build());

        JsonObject complete = stream.events().get(stream.events().size() - 1).data();
        assertEquals("complete", complete.getString("type"));
        String messageId = complete.getString("message_id");
        String line = awaitLogLine("message=" + messageId);
        String logged = line.substring(line.indexOf(" turn ") + " turn ".length());
        Map<String, String> fields = fields(logged);

        assertEquals(List.of("session", "message", "user", "provider", "model", "outcome", "kind", "first_token_ms",
                "tokens", "retries", "duration_ms"), List.copyOf(fields.keySet()), line);
        assertEquals(session, fields.get("session"));
        assertEquals(messageId, fields.get("message"));
        assertEquals(subject(api.token()), fields.get("user"));
        assertEquals("mistral", fields.get("provider"));
        assertEquals(model.substring("mistral/".length()), fields.get("model"));
        assertEquals("complete", fields.get("outcome"));
        assertEquals("none", fields.get("kind"));
        // the seven text deltas of the fake's OpenAI-format answer, however the stream joined them for this client
        assertEquals("7", fields.get("tokens"));
        assertEquals("0", fields.get("retries"));
        long firstToken = Long.parseLong(fields.get("first_token_ms"));
        long duration = Long.parseLong(fields.get("duration_ms"));
        assertTrue(firstToken >= 0 && firstToken <= duration, line);

        List<String> secrets = new ArrayList<>(List.of(own, api.token()));
        Provider.MISTRAL.serverKey().ifPresent(secrets::add);
        Secrets.leakIn(line, secrets).ifPresent(leak -> fail("the turn's log line leaks " + leak));
        assertFalse(logged.contains(QUESTION), line);
        stream.events().stream().filter(e -> e.type().equals("token"))
                .map(e -> e.data().getString("content").strip())
                .filter(text -> text.length() > 3)
                .forEach(text -> assertFalse(logged.contains(text), "the log line holds answer text \"" + text + "\": " + line));
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static Map<String, String> fields(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher field = FIELD.matcher(text);
        while (field.find()) {
            fields.put(field.group(1), field.group(2));
        }
        return fields;
    }

    /** The one line of messages.log holding {@code marker}, waited for since the log is written after the event. */
    static String awaitLogLine(String marker) {
        List<String> lines = ServerLogs.awaitMessages("a turn line with " + marker,
                line -> line.contains(" turn ") && line.contains(marker), WAIT);
        assertEquals(1, lines.size(), "one line per turn: " + lines);
        return lines.get(0);
    }

    /** The {@code sub} of a JWT: the user id the server keys everything by. */
    static String subject(String token) {
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        try (var reader = Json.createReader(new StringReader(claims))) {
            return reader.readObject().getString("sub");
        }
    }
}
