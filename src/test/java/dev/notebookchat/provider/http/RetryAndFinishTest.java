package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.ProviderSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How long to wait before another attempt, and which finish reason the application sees. */
class RetryAndFinishTest {

    private static HttpHeaders headers(Map<String, String> values) {
        return HttpHeaders.of(values.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
                (name, value) -> true);
    }

    @Test
    void backoffDoublesFromTheInitialWaitUpToTheCap() {
        ProviderSettings settings = ProviderSettings.DEFAULTS;
        assertEquals(Duration.ofMillis(500), settings.backoff(2, null));
        assertEquals(Duration.ofMillis(1000), settings.backoff(3, null));
        assertEquals(Duration.ofMillis(2000), settings.backoff(4, null));
        assertEquals(Duration.ofSeconds(10), settings.backoff(30, null));
    }

    @Test
    void retryAfterIsHonouredUpToTheCap() {
        ProviderSettings settings = ProviderSettings.DEFAULTS;
        assertEquals(Duration.ofSeconds(3), settings.backoff(2, Duration.ofSeconds(3)));
        assertEquals(Duration.ofSeconds(10), settings.backoff(2, Duration.ofMinutes(5)));
    }

    @Test
    void readsRetryAfterInSecondsDatesAndMilliseconds() {
        assertEquals(Duration.ofSeconds(2), HttpChatProvider.retryAfter(headers(Map.of("retry-after", "2"))));
        assertEquals(Duration.ofMillis(1500), HttpChatProvider.retryAfter(headers(Map.of("retry-after", "1.5"))));
        assertEquals(Duration.ofMillis(250), HttpChatProvider.retryAfter(headers(Map.of("retry-after-ms", "250", "retry-after", "1"))));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(10));
        Duration untilDate = HttpChatProvider.retryAfter(headers(Map.of("retry-after", inTenSeconds)));
        assertTrue(untilDate.compareTo(Duration.ofSeconds(8)) >= 0 && untilDate.compareTo(Duration.ofSeconds(10)) <= 0, untilDate.toString());
        assertNull(HttpChatProvider.retryAfter(headers(Map.of("retry-after", "soon"))));
        assertNull(HttpChatProvider.retryAfter(headers(Map.of())));
    }

    @Test
    void finishReasonsAreNormalised() {
        assertEquals("stop", HttpChatProvider.normaliseFinishReason("stop"));
        assertEquals("stop", HttpChatProvider.normaliseFinishReason("end_turn"));
        assertEquals("stop", HttpChatProvider.normaliseFinishReason("STOP"));
        assertEquals("stop", HttpChatProvider.normaliseFinishReason(null));
        assertEquals("length", HttpChatProvider.normaliseFinishReason("max_tokens"));
        assertEquals("length", HttpChatProvider.normaliseFinishReason("MAX_TOKENS"));
        assertEquals("length", HttpChatProvider.normaliseFinishReason("length"));
        assertEquals("content_filter", HttpChatProvider.normaliseFinishReason("content_filter"));
        assertEquals("safety", HttpChatProvider.normaliseFinishReason("SAFETY"));
    }

    @Test
    void baseUrlsJoinWithOrWithoutATrailingSlash() {
        assertEquals(URI.create("https://api.openai.com/v1/chat/completions"),
                HttpChatProvider.resolve(URI.create("https://api.openai.com/v1/"), "/chat/completions"));
        assertEquals(URI.create("http://localhost:11434/api/chat"),
                HttpChatProvider.resolve(URI.create("http://localhost:11434"), "/api/chat"));
    }
}
