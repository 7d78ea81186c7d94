package dev.notebookchat.operations;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.ApiAssertions;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.FakeProvider;
import dev.notebookchat.it.FakeProviders.Provider;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /metrics} after turns whose outcome is known: each metric of README's Metrics section, with
 * its labels, moves by exactly what these turns did. Counters are cumulative over the whole test run,
 * so every check compares a scrape before with one after.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MetricsIT {

    static final String SOURCE = "Espresso is brewed by forcing hot water through finely ground coffee. "
            + "A good espresso takes about 25 seconds to extract.";
    static final Duration WAIT = Duration.ofSeconds(10);

    static final Map<String, String> LOCAL = Map.of("provider", "local", "model", "extractive");
    /** Models the fake plays are not among the offered ones, so their label is "other". */
    static final Map<String, String> MISTRAL = Map.of("provider", "mistral", "model", "other");

    @RegisterExtension
    static final FakeProvider fake = new FakeProvider();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Test
    void aCompleteTurnCountsItsOutcomeTokensAndTimings() {
        Chat chat = new Chat();
        PrometheusText before = PrometheusText.scrape();

        EventStream.Result stream = chat.ask("local/extractive");

        assertEquals("complete", last(stream).type());
        long tokens = stream.events().stream().filter(e -> e.type().equals("token")).count();
        assertTrue(tokens > 1, "the answer came in tokens");
        PrometheusText after = PrometheusText.scrape();
        assertEquals(1, delta(before, after, "notebookchat_turns_total", with(LOCAL, "outcome", "complete", "kind", "none")));
        assertEquals(tokens, delta(before, after, "notebookchat_tokens_total", LOCAL));
        assertEquals(1, delta(before, after, "notebookchat_turn_first_token_seconds_count", LOCAL));
        assertEquals(1, delta(before, after, "notebookchat_turn_duration_seconds_count", LOCAL));
        assertEquals(0, delta(before, after, "notebookchat_provider_retries_total", LOCAL));
        assertTrue(after.value("notebookchat_turn_duration_seconds_sum", LOCAL) > before.value("notebookchat_turn_duration_seconds_sum", LOCAL),
                "the turn's duration is added");
        assertTrue(after.has("notebookchat_turn_first_token_seconds_bucket", with(LOCAL, "le", "0.5")), after.text());
        assertTrue(after.has("notebookchat_turn_duration_seconds_bucket", with(LOCAL, "le", "120.0")), after.text());
        assertTrue(after.has("notebookchat_turn_duration_seconds", with(LOCAL, "quantile", "0.95")), after.text());
    }

    @Test
    void aStoppedTurnCountsAsStoppedWithTheTokensItRelayed() {
        Chat chat = new Chat();
        PrometheusText before = PrometheusText.scrape();
        AtomicReference<Api.Response> stop = new AtomicReference<>();

        EventStream.Result stream = chat.ask(Provider.MISTRAL.model("stall-mid"), event -> {
            if (event.type().equals("token") && stop.get() == null) {
                stop.set(chat.api.post("api/chat/sessions/" + chat.session + "/stop", ""));
            }
        });

        assertNotNull(stop.get(), "a token arrived");
        assertEquals(202, stop.get().status(), stop.get().body());
        assertEquals("stopped", last(stream).data().getString("finish_reason"));
        // The fake's three deltas before it stalls; the metric counts the deltas relayed, however the
        // stream joined them for this client.
        long tokens = ApiAssertions.assertMergedFrom(List.of("The", " notebook", " says"),
                stream.events().stream().filter(e -> e.type().equals("token")).map(e -> e.data().getString("content")).toList());
        PrometheusText after = PrometheusText.scrape();
        assertEquals(1, delta(before, after, "notebookchat_turns_total", with(MISTRAL, "outcome", "stopped", "kind", "none")));
        assertEquals(0, delta(before, after, "notebookchat_turns_total", with(MISTRAL, "outcome", "complete", "kind", "none")));
        assertEquals(tokens, delta(before, after, "notebookchat_tokens_total", MISTRAL));
        assertEquals(1, delta(before, after, "notebookchat_turn_first_token_seconds_count", MISTRAL));
        assertEquals(1, delta(before, after, "notebookchat_turn_duration_seconds_count", MISTRAL));
    }

    @Test
    void aProviderErrorCountsByKindAndHasNoTimeToFirstToken() {
        Chat chat = new Chat();
        PrometheusText before = PrometheusText.scrape();

        EventStream.Result stream = chat.ask(Provider.MISTRAL.model("unauthorized"));

        assertEquals("error", last(stream).type());
        PrometheusText after = PrometheusText.scrape();
        assertEquals(1, delta(before, after, "notebookchat_turns_total", with(MISTRAL, "outcome", "error", "kind", "authentication")));
        assertEquals(0, delta(before, after, "notebookchat_tokens_total", MISTRAL));
        assertEquals(0, delta(before, after, "notebookchat_turn_first_token_seconds_count", MISTRAL));
        assertEquals(1, delta(before, after, "notebookchat_turn_duration_seconds_count", MISTRAL));
    }

    @Test
    void aRetriedRequestIsCountedOnce() {
        Chat chat = new Chat();
        PrometheusText before = PrometheusText.scrape();

        // The fake answers the first attempt of this model with 429 and the second one properly.
        EventStream.Result stream = chat.ask(Provider.MISTRAL.model("rate-limited"));

        assertEquals("complete", last(stream).type());
        PrometheusText after = PrometheusText.scrape();
        assertEquals(1, delta(before, after, "notebookchat_provider_retries_total", MISTRAL));
        assertEquals(1, delta(before, after, "notebookchat_turns_total", with(MISTRAL, "outcome", "complete", "kind", "none")));
    }

    @Test
    void runningTurnsAndOpenStreamsAreGaugedWhileAnAnswerStreams() {
        Chat chat = new Chat();
        awaitScrape("no turn running and no stream open", m -> running(m) == 0 && open(m) == 0);
        AtomicReference<PrometheusText> during = new AtomicReference<>();
        AtomicReference<Api.Response> stop = new AtomicReference<>();

        EventStream.Result stream = chat.ask(Provider.MISTRAL.model("stall-mid"), event -> {
            if (event.type().equals("token") && during.get() == null) {
                during.set(PrometheusText.scrape());
                stop.set(chat.api.post("api/chat/sessions/" + chat.session + "/stop", ""));
            }
        });

        assertEquals("complete", last(stream).type());
        assertNotNull(during.get(), "a token arrived");
        assertEquals(1, running(during.get()));
        assertEquals(1, open(during.get()));
        awaitScrape("the turn's end and its stream's close are gauged", m -> running(m) == 0 && open(m) == 0);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static double running(PrometheusText metrics) {
        return metrics.value("notebookchat_turns_running", Map.of());
    }

    static double open(PrometheusText metrics) {
        return metrics.value("notebookchat_streams_open", Map.of());
    }

    static void awaitScrape(String what, Predicate<PrometheusText> condition) {
        AtomicReference<PrometheusText> last = new AtomicReference<>();
        Await.until(() -> what + "\n" + last.get().text(), WAIT, () -> condition.test(last.updateAndGet(seen -> PrometheusText.scrape())));
    }

    static long delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return Math.round(after.value(name, labels) - before.value(name, labels));
    }

    static Map<String, String> with(Map<String, String> labels, String... more) {
        java.util.Map<String, String> all = new java.util.HashMap<>(labels);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return all;
    }

    static EventStream.Event last(EventStream.Result stream) {
        return stream.events().get(stream.events().size() - 1);
    }

    /** A fresh user with a notebook, a source and a chat session. */
    static final class Chat {
        final Api api = Api.newUser("metrics");
        final String session;

        Chat() {
            String notebook = api.createNotebook("Coffee");
            api.addSource(notebook, "Brewing guide", SOURCE);
            session = api.createSession(notebook);
        }

        EventStream.Result ask(String model) {
            return ask(model, event -> { });
        }

        EventStream.Result ask(String model, java.util.function.Consumer<EventStream.Event> onEvent) {
            JsonObject body = Json.createObjectBuilder().add("session_id", session)
                    .add("message", "How long does espresso take?").add("model_override", model).build();
            return EventStream.post(api, "api/chat/execute/stream", body, onEvent);
        }
    }
}
