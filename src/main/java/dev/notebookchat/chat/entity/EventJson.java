package dev.notebookchat.chat.entity;

import jakarta.json.spi.JsonProvider;

/**
 * The JSON-P provider, looked up once: {@code Json.createObjectBuilder()} looks it up on every call,
 * which costs more than building a small event.
 */
final class EventJson {

    static final JsonProvider JSON = JsonProvider.provider();

    private EventJson() {
    }
}
