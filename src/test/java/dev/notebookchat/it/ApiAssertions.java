package dev.notebookchat.it;

import jakarta.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on what every answer of the contract shares: the error body, the timestamps, the token events. */
public final class ApiAssertions {

    /** ISO-8601 in UTC: {@code 2026-11-26T17:09:57.123Z} (a whole second may drop its fraction). */
    private static final Pattern UTC_TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    /** What a leaked stack trace, exception or SQL statement looks like in a message. */
    private static final Pattern INTERNALS = Pattern.compile(
            "Exception|\\bat [a-z]+\\.[a-z]+\\.|\\.java:\\d+|\\b(SELECT|INSERT|UPDATE|DELETE) .*\\b(FROM|INTO|SET|WHERE)\\b|\\bSQL|RESTEASY|SRVE|CWWK");

    private ApiAssertions() {
    }

    /**
     * The response is the contract's error: this status, a JSON body of exactly {@code error} and
     * {@code message}, the code for the status, and a message in words, with nothing internal.
     *
     * @return the message, for further checks
     */
    public static String assertError(Api.Response response, int status, String code) {
        String text = response.body();
        assertEquals(status, response.status(), text);
        String type = response.header("Content-Type");
        assertTrue(type != null && type.startsWith("application/json"), "JSON error body, not " + type + ": " + text);
        JsonObject body = response.json();
        assertEquals(Set.of("error", "message"), body.keySet(), text);
        assertEquals(code, body.getString("error"), text);
        String message = body.getString("message");
        assertFalse(message.isBlank(), text);
        assertFalse(INTERNALS.matcher(message).find(), "nothing internal in the message: " + message);
        return message;
    }

    /** As {@link #assertError(Api.Response, int, String)}, for a stream refused before it started: plain JSON, no events. */
    public static String assertError(EventStream.Result stream, int status, String code) {
        return assertError(stream.refusal(), status, code);
    }

    /** A timestamp of the contract, within {@code [from, to]} (at the millisecond the server keeps). */
    public static Instant assertTimestamp(String text, Instant from, Instant to) {
        assertTrue(UTC_TIMESTAMP.matcher(text).matches(), "ISO-8601 UTC timestamp ending in Z: " + text);
        Instant instant = Instant.parse(text);
        assertFalse(instant.isBefore(from.truncatedTo(ChronoUnit.MILLIS)), text + " is before " + from);
        assertFalse(instant.isAfter(to), text + " is after " + to);
        return instant;
    }

    /**
     * The {@code token} contents a client received, against the text deltas the provider sent: a client
     * that fell behind gets the deltas it missed joined into one event, so each content must be one or
     * more consecutive deltas, in order, and together they must be the first {@code n} of them.
     *
     * @return {@code n}, the number of provider deltas the events carry
     */
    public static int assertMergedFrom(List<String> deltas, List<String> received) {
        int next = 0;
        for (String content : received) {
            StringBuilder joined = new StringBuilder();
            int from = next;
            while (next < deltas.size() && joined.length() < content.length()) {
                joined.append(deltas.get(next++));
            }
            int upTo = next;
            assertEquals(content, joined.toString(),
                    () -> "a token event is provider deltas " + from + ".." + upTo + " of " + deltas + " joined: " + received);
        }
        return next;
    }
}
