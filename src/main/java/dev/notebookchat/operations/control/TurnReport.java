package dev.notebookchat.operations.control;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one turn did, as metrics and the log see it: who asked which model, how it ended, and how long
 * it took. It never holds a key, a token text or a message.
 *
 * @param outcome    {@code complete}, {@code stopped}, {@code error}, {@code interrupted} or {@code refused}
 * @param kind       why an {@code error} or {@code refused} turn ended (a provider failure kind such as {@code rate_limited}, {@code server},
 *                   or the limit's name); {@code none} otherwise
 * @param firstToken from the start of the turn to its first token; empty when no token came
 * @param tokens     token events relayed to the clients
 * @param retries    requests the provider was sent again before it answered
 */
public record TurnReport(String sessionId, String messageId, String userId, String provider, String model,
                         String outcome, String kind, Optional<Duration> firstToken, long tokens, int retries,
                         Duration duration) {

    /** Values that need no quoting in a key=value line. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:/@+\\-]+");

    /**
     * One line of {@code key=value} pairs in a fixed order. Values a user chose (user id, model) are
     * quoted and escaped when they hold anything but plain characters, so no value can forge a field
     * or a second line.
     */
    public String logLine() {
        return "turn session=" + value(sessionId)
                + " message=" + value(messageId)
                + " user=" + value(userId)
                + " provider=" + value(provider)
                + " model=" + value(model)
                + " outcome=" + outcome
                + " kind=" + kind
                + " first_token_ms=" + firstToken.map(d -> Long.toString(d.toMillis())).orElse("none")
                + " tokens=" + tokens
                + " retries=" + retries
                + " duration_ms=" + duration.toMillis();
    }

    static String value(String text) {
        if (text == null) {
            return "none";
        }
        if (PLAIN.matcher(text).matches()) {
            return text;
        }
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
