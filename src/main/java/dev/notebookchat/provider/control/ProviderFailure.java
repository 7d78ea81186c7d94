package dev.notebookchat.provider.control;

/**
 * Why a provider answer failed, in words a user can act on. The one place where HTTP statuses,
 * in-band error frames and transport faults of every wire format become a message: adapters create
 * failures only through the factory methods here. A message never contains the API key.
 */
public record ProviderFailure(Kind kind, String provider, String message) {

    public enum Kind {
        /** 401/403: the key is missing, wrong or lacks access. */
        AUTHENTICATION,
        /** 404: the model (or endpoint) does not exist. */
        NOT_FOUND,
        /** 400/422: the provider rejected the request. */
        BAD_REQUEST,
        /** 429 after retries. */
        RATE_LIMITED,
        /** 5xx/529 after retries. */
        UNAVAILABLE,
        /** Connection refused, reset, DNS, TLS. */
        CONNECTION,
        /** An error reported inside a 200 stream. */
        IN_BAND,
        /** The stream ended without the provider's end marker. */
        TRUNCATED,
        /** Nothing arrived for longer than the idle timeout. */
        IDLE_TIMEOUT,
        /** The provider sent something that cannot be read. */
        PROTOCOL
    }
}
