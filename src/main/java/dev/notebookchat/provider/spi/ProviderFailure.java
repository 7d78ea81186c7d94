package dev.notebookchat.provider.spi;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

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
        /** No answer text or reasoning arrived for longer than the idle timeout; keep-alives do not count. */
        IDLE_TIMEOUT,
        /** The provider sent something that cannot be read. */
        PROTOCOL,
        /** A 2xx body ended, or said it was finished, without any answer text the adapter could find in it. */
        UNRECOGNISED_ANSWER
    }

    /** Provider text is quoted to help the user, but a page of it helps nobody. */
    private static final int MAX_DETAIL = 300;

    /** Providers quote keys back (OpenAI: "Incorrect API key provided: sk-proj-****abcd"); these shapes are masked even when they are not the key that was sent. */
    private static final Pattern KEY_SHAPES = Pattern.compile(
            "(sk-ant-|sk-proj-|sk-or-v1-|sk-|sk_|gsk_|AIza)[A-Za-z0-9_\\-*]{6,}");

    /** A window of this many characters of the key is enough to count as leaking it. */
    private static final int KEY_WINDOW = 8;

    private static final String MASK = "****";

    /**
     * Maps a non-2xx answer. Retrying is decided elsewhere ({@link #retryable(int)}); this says what
     * the user reads once the attempts are used up.
     *
     * @param body     the error body as sent, JSON or not; only its message is quoted
     * @param attempts how many requests were made, this one included
     */
    public static ProviderFailure fromStatus(String provider, ProviderRequest request, int status, String body, int attempts) {
        String name = KnownProvider.displayName(provider);
        String key = request.apiKey();
        String detail = mask(detail(body), key);
        String said = detail.isEmpty() ? "" : " " + name + " said: " + detail;
        if (status == 401 || status == 403 || (status == 400 && isInvalidKey(body))) {
            // A 401 body tends to quote the key back; it adds nothing the user can act on.
            String quoted = status == 401 ? "" : said;
            return new ProviderFailure(Kind.AUTHENTICATION, provider,
                    "The " + name + " API key was rejected (HTTP " + status + "). Check the key in Settings." + quoted);
        }
        if (status == 404) {
            return new ProviderFailure(Kind.NOT_FOUND, provider,
                    name + " does not know the model \"" + request.model() + "\" (HTTP 404). Check the model name or pick another model." + said);
        }
        if (status == 429) {
            return new ProviderFailure(Kind.RATE_LIMITED, provider,
                    name + " is limiting requests (HTTP 429)" + afterAttempts(attempts)
                            + ". Wait a moment and try again." + said);
        }
        if (status == 408 || status >= 500) {
            return new ProviderFailure(Kind.UNAVAILABLE, provider,
                    name + " is overloaded or unavailable (HTTP " + status + ")" + afterAttempts(attempts)
                            + ". Try again later." + said);
        }
        if (status == 402) {
            return new ProviderFailure(Kind.BAD_REQUEST, provider,
                    name + " refused the request for lack of credit (HTTP 402)." + said);
        }
        if (status >= 400) {
            return new ProviderFailure(Kind.BAD_REQUEST, provider,
                    name + " rejected the request (HTTP " + status + ")" + (detail.isEmpty() ? "." : ": " + detail));
        }
        return new ProviderFailure(Kind.PROTOCOL, provider,
                name + " answered with HTTP " + status + " instead of an answer. Check the " + name + " base URL.");
    }

    /** An error the provider reported inside a 200 stream, after the answer may have started. */
    public static ProviderFailure inBand(String provider, ProviderRequest request, String detail) {
        String name = KnownProvider.displayName(provider);
        String text = mask(trim(detail), request.apiKey());
        return new ProviderFailure(Kind.IN_BAND, provider,
                name + " reported an error during the answer: " + (text.isEmpty() ? "no details given" : text));
    }

    /**
     * The body ended (or broke off) before the provider's end marker, so the answer is incomplete.
     *
     * @param how what happened instead, e.g. {@code "the connection broke"}; {@code null} for a body that simply ended
     */
    public static ProviderFailure truncated(String provider, String how) {
        String name = KnownProvider.displayName(provider);
        String why = how == null ? "the stream ended without its end marker" : how;
        return new ProviderFailure(Kind.TRUNCATED, provider,
                "The " + name + " answer stopped before it was finished: " + why + ". The partial answer was kept.");
    }

    /**
     * The idle watchdog fired: no answer text or reasoning arrived for {@code silence}. The provider may
     * have sent keep-alives meanwhile, so the message speaks of the answer, not of silence.
     */
    public static ProviderFailure idle(String provider, Duration silence, boolean answerStarted) {
        String name = KnownProvider.displayName(provider);
        String seconds = seconds(silence);
        String text = answerStarted
                ? name + " paused for " + seconds + " in the middle of the answer, so the connection was closed. The partial answer was kept."
                : name + " did not start answering within " + seconds + ", so the request was abandoned. Try again later.";
        return new ProviderFailure(Kind.IDLE_TIMEOUT, provider, text);
    }

    /**
     * A 2xx answer without any answer text the adapter could read: the body ended, or the provider said
     * it was finished, before any text. Typically a base URL that points at another API, or a format
     * changed under the adapter; reported so that it never passes as an empty answer.
     *
     * @param finishReason the provider's finish reason if it sent its end marker, else {@code null}
     * @param sample       the start of the body as sent, to show what came instead; may be empty
     */
    public static ProviderFailure unrecognised(String provider, ProviderRequest request, String finishReason, String sample) {
        String name = KnownProvider.displayName(provider);
        String what = finishReason == null
                ? name + " sent no answer Notebook Chat could read"
                : name + " ended the answer (" + finishReason + ") without any answer text Notebook Chat could read";
        String quoted = mask(trim(sample), request.apiKey());
        return new ProviderFailure(Kind.UNRECOGNISED_ANSWER, provider, what
                + (quoted.isEmpty() ? "" : "; its response began: " + quoted)
                + ". Check the " + name + " base URL and the model name.");
    }

    /** The request never got an answer: refused, unknown host, TLS, connect timeout. */
    public static ProviderFailure connection(String provider, ProviderRequest request, Throwable cause) {
        String name = KnownProvider.displayName(provider);
        String reason = mask(reason(cause), request.apiKey());
        return new ProviderFailure(Kind.CONNECTION, provider,
                "Could not reach " + name + " at " + hostAndPort(request.baseUrl()) + " (" + reason + "). "
                        + "Check the " + name + " base URL and that the service is running.");
    }

    /** The provider sent something no wire format allows, e.g. a frame that is not JSON. */
    public static ProviderFailure protocol(String provider, ProviderRequest request, String detail) {
        String name = KnownProvider.displayName(provider);
        return new ProviderFailure(Kind.PROTOCOL, provider,
                name + " sent a response Notebook Chat cannot read (" + mask(trim(detail), request.apiKey()) + ").");
    }

    /** The provider cannot answer at all in this installation. */
    public static ProviderFailure unavailable(String provider, String reason) {
        return new ProviderFailure(Kind.UNAVAILABLE, provider, KnownProvider.displayName(provider) + " is not available: " + reason);
    }

    /** Statuses worth another attempt before the answer starts: the provider is busy, not refusing. */
    public static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /**
     * Replaces the key, any 8-character piece of it, and anything shaped like a provider key by
     * {@code ****}. Pieces count because providers quote keys partly masked.
     */
    public static String mask(String text, String apiKey) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        String masked = text;
        if (apiKey != null && !apiKey.isBlank()) {
            masked = maskPieces(masked, apiKey.strip());
        }
        return KEY_SHAPES.matcher(masked).replaceAll(MASK);
    }

    private static String maskPieces(String text, String key) {
        boolean[] covered = new boolean[text.length()];
        int window = Math.min(KEY_WINDOW, key.length());
        boolean any = false;
        for (int start = 0; start + window <= key.length(); start++) {
            String piece = key.substring(start, start + window);
            for (int at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + 1)) {
                for (int i = at; i < at + window; i++) {
                    covered[i] = true;
                }
                any = true;
            }
        }
        if (!any) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!covered[i]) {
                out.append(text.charAt(i));
            } else if (i == 0 || !covered[i - 1]) {
                out.append(MASK);
            }
        }
        return out.toString();
    }

    /**
     * The provider's own words from an error body or frame of any wire format: OpenAI-style
     * {@code {"error":{"message"}}}, Anthropic {@code {"type":"error","error":{"type","message"}}},
     * Gemini {@code {"error":{"code","message","status"}}}, Ollama {@code {"error":"..."}}, Mistral's
     * {@code {"message":..., "detail":[{"msg"}]}}. Anything else is quoted as plain text unless it is HTML.
     */
    public static String detail(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String trimmed = body.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try (JsonReader reader = Json.createReader(new StringReader(trimmed))) {
                return detail(reader.readValue());
            } catch (RuntimeException notJson) {
                return trim(trimmed);
            }
        }
        if (trimmed.startsWith("<")) {
            return ""; // a proxy's HTML error page: the status says more than its markup
        }
        return trim(trimmed);
    }

    /** As {@link #detail(String)}, for a frame already parsed. */
    public static String detail(JsonValue value) {
        if (value == null) {
            return "";
        }
        switch (value.getValueType()) {
            case STRING:
                return trim(((JsonString) value).getString());
            case ARRAY: {
                JsonArray array = (JsonArray) value;
                List<String> parts = new ArrayList<>();
                for (JsonValue item : array) {
                    String part = detail(item);
                    if (!part.isEmpty()) {
                        parts.add(part);
                    }
                }
                return trim(String.join("; ", parts));
            }
            case OBJECT: {
                JsonObject object = (JsonObject) value;
                for (String field : List.of("error", "message", "msg", "detail")) {
                    if (object.containsKey(field) && object.get(field).getValueType() != JsonValue.ValueType.NULL) {
                        String inner = detail(object.get(field));
                        if (!inner.isEmpty()) {
                            return inner;
                        }
                    }
                }
                return trim(object.toString());
            }
            default:
                return trim(value.toString());
        }
    }

    /** Gemini answers a bad key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID. */
    private static boolean isInvalidKey(String body) {
        return body != null && (body.contains("API_KEY_INVALID") || body.contains("API key not valid"));
    }

    private static String afterAttempts(int attempts) {
        return attempts > 1 ? " and still was after " + attempts + " attempts" : "";
    }

    private static String trim(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "…";
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 == 0) {
            return (millis / 1000) + " s";
        }
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    static String hostAndPort(URI base) {
        if (base == null || base.getHost() == null) {
            return String.valueOf(base);
        }
        int port = base.getPort();
        if (port < 0) {
            port = "http".equalsIgnoreCase(base.getScheme()) ? 80 : 443;
        }
        String host = base.getHost().contains(":") && !base.getHost().startsWith("[") ? "[" + base.getHost() + "]" : base.getHost();
        return host + ":" + port;
    }

    private static String reason(Throwable failure) {
        Throwable cause = unwrap(failure);
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "connection timed out";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SSLException) {
                return "TLS handshake failed" + (t.getMessage() == null ? "" : ": " + trim(t.getMessage()));
            }
            if (t instanceof HttpTimeoutException) {
                return "timed out";
            }
        }
        String text = cause.getMessage();
        return text == null || text.isBlank() ? cause.getClass().getSimpleName() : trim(text);
    }

    /** The JDK client wraps the interesting exception in CompletionException or a bare IOException. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
