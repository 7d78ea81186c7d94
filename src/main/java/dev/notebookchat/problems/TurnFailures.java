package dev.notebookchat.problems;

import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.provider.spi.ProviderFailure;
import jakarta.ws.rs.core.Response;

/**
 * A failed turn as an HTTP answer, for the caller that waited for the whole answer instead of the
 * stream. What the caller can fix (a key the provider rejected, a model it does not know, a request
 * it refused) is a 400 with the provider's words; a provider's 401 is about the key, not about the
 * caller's token, so it must not read as one. Outages, timeouts, broken streams and a database that
 * could not save are 503: trying again later may work.
 */
public final class TurnFailures {

    private TurnFailures() {
    }

    public static Response response(ChatEvent.Error error) {
        return ApiError.response(status(error.cause()), error.message());
    }

    static int status(ProviderFailure.Kind cause) {
        if (cause == null) {
            return 503;
        }
        return switch (cause) {
            case AUTHENTICATION, NOT_FOUND, BAD_REQUEST -> 400;
            case RATE_LIMITED, UNAVAILABLE, CONNECTION, IN_BAND, TRUNCATED, IDLE_TIMEOUT, PROTOCOL, UNRECOGNISED_ANSWER -> 503;
        };
    }
}
