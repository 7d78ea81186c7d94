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
    private StringBuilder data;

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
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if ("data".equals(field)) {
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        } else if ("event".equals(field)) {
            type = value;
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
        if (data != null) {
            String event = type;
            String payload = data.toString();
            type = null;
            data = null;
            handler.event(event, payload);
        } else {
            type = null;
        }
    }
}
