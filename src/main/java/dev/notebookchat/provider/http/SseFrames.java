package dev.notebookchat.provider.http;

/**
 * Server-sent-event framing: collects {@code event:} and {@code data:} lines until the blank line
 * that ends an event. Comment lines ({@code : keep-alive}, {@code : OPENROUTER PROCESSING}) are
 * dropped here, so no wire format ever sees them; {@code id:} and {@code retry:} mean nothing to a
 * one-shot answer.
 */
final class SseFrames implements StreamParser {

    /** Receives complete events. */
    interface Handler {
        /** One event; {@code type} is {@code null} when the event had no {@code event:} line. */
        void event(String type, String data);

        /** The body ended; called after any event still being collected. */
        default void end() {
        }
    }

    private final Handler handler;
    private String type;
    /** The event's only data line so far; most events have one, which then needs no builder. */
    private String data;
    /** The data lines joined, once there is more than one. */
    private StringBuilder lines;

    SseFrames(Handler handler) {
        this.handler = handler;
    }

    @Override
    public void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(':');
        int nameEnd = colon < 0 ? line.length() : colon;
        if (nameEnd == 4 && line.startsWith("data")) {
            data(value(line, colon));
        } else if (nameEnd == 5 && line.startsWith("event")) {
            type = value(line, colon);
        }
    }

    private static String value(String line, int colon) {
        if (colon < 0) {
            return "";
        }
        int start = colon + 1;
        if (start < line.length() && line.charAt(start) == ' ') {
            start++;
        }
        return line.substring(start);
    }

    private void data(String value) {
        if (lines != null) {
            lines.append('\n').append(value);
        } else if (data != null) {
            lines = new StringBuilder(data.length() + value.length() + 16).append(data).append('\n').append(value);
            data = null;
        } else {
            data = value;
        }
    }

    @Override
    public void end() {
        // The spec drops an event the body ended in the middle of; a server that closes right after
        // "data: [DONE]" without the blank line still said it was done, so it counts.
        dispatch();
        handler.end();
    }

    private void dispatch() {
        String payload = lines != null ? lines.toString() : data;
        String event = type;
        type = null;
        data = null;
        lines = null;
        if (payload != null) {
            handler.event(event, payload);
        }
    }
}
