package dev.notebookchat.bench;

import dev.notebookchat.provider.fake.FakeProviderServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayProbeTest {

    @Test
    void pacedModelNamesSelectTheirScenarioWhateverFollowsTheSlash() {
        assertEquals("paced-5-0", FakeProviderServer.scenario("paced-5-0/c17"));
        assertEquals("paced-40-1000", FakeProviderServer.scenario("paced-40-1000"));
        assertEquals("ok", FakeProviderServer.scenario("paced-5"));
        assertEquals("slow", FakeProviderServer.scenario("slow/c3"));
    }

    @Test
    void countsEveryStampInTheAppsTokenEventsAndNothingElse() {
        long stamp = FakeProviderServer.epochMicros() - 5_000;
        RelayProbe probe = new RelayProbe(RelayProbe.Via.APP, System.nanoTime());
        probe.onNext("data: {\"type\":\"user_message\",\"content\":\"How long?\"}");
        probe.onNext("data: {\"type\":\"token\",\"content\":\" tok" + stamp + "\"}");
        probe.onNext("");
        // Two tokens merged into one event still count as two.
        probe.onNext("data: {\"type\":\"token\",\"content\":\" tok" + stamp + " tok" + stamp + "\"}");
        probe.onNext(": keep-alive");
        probe.onNext("data: {\"type\":\"ai_message_complete\",\"content\":\" tok" + stamp + " tok" + stamp + " tok" + stamp + "\"}");
        long after = FakeProviderServer.epochMicros();

        RelayProbe.Result result = probe.result(null, new IOException("cut"));

        assertEquals(RelayProbe.Outcome.IO_FAILURE, result.outcome());
        assertEquals(3, result.tokenLatencyMicros().length);
        for (long latency : result.tokenLatencyMicros()) {
            assertTrue(latency >= 5_000 && latency <= after - stamp, "latency " + latency + " us");
        }
        long[] arrivals = result.tokenArrivals();
        assertEquals(3, arrivals.length);
        assertEquals(result.firstToken(), arrivals[0]);
        assertEquals(arrivals[1], arrivals[2], "the tokens of one event arrived together");
        assertTrue(arrivals[1] - arrivals[0] >= 0, "in order of arrival");
    }

    @Test
    void readsThePacedStreamAsTheProviderSendsIt() throws Exception {
        try (FakeProviderServer fake = new FakeProviderServer().start(0)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(fake.root() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"paced-4-10/n1\",\"stream\":true,\"messages\":[]}"))
                    .build();
            long before = FakeProviderServer.epochMicros();
            RelayProbe probe = new RelayProbe(RelayProbe.Via.NGINX, System.nanoTime());
            HttpResponse<String> response = http.sendAsync(request, probe.handler()).get(30, TimeUnit.SECONDS);
            long after = FakeProviderServer.epochMicros();

            RelayProbe.Result result = probe.result(response, null);

            assertEquals(RelayProbe.Outcome.OK, result.outcome(), result.detail());
            assertEquals(4, result.tokenLatencyMicros().length);
            for (long latency : result.tokenLatencyMicros()) {
                assertTrue(latency >= 0 && latency <= after - before, "latency " + latency + " us");
            }
            assertTrue(result.firstToken() > 0);
        }
    }

    @Test
    void refusesPacedStreamsInOtherFormats() throws Exception {
        try (FakeProviderServer fake = new FakeProviderServer().start(0)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(fake.root() + "/v1/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"paced-4-10\",\"stream\":true,\"messages\":[]}"))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(400, response.statusCode(), response.body());
        }
    }
}
