package dev.notebookchat.it;

import dev.notebookchat.provider.fake.FakeProviderServer;
import dev.notebookchat.provider.fake.RecordedRequest;
import dev.notebookchat.provider.fake.WireFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * The eight providers as the integration-test server is configured: every base URL points at the fake
 * provider on {@code it.fake-provider.port}, with a path prefix per provider. The settings are read
 * from this JVM's environment, which failsafe gives the tests and the server alike (see pom.xml), so
 * tests and server cannot disagree about a key or a timeout.
 */
public final class FakeProviders {

    /** A provider as the tests address it; the display names are the ones the contract promises. */
    public enum Provider {
        OPENAI("openai", "OpenAI", WireFormat.OPENAI),
        ANTHROPIC("anthropic", "Anthropic", WireFormat.ANTHROPIC),
        GROQ("groq", "Groq", WireFormat.OPENAI),
        GOOGLE("google", "Google Gemini", WireFormat.GEMINI),
        MISTRAL("mistral", "Mistral", WireFormat.OPENAI),
        DEEPSEEK("deepseek", "DeepSeek", WireFormat.OPENAI),
        OLLAMA("ollama", "Ollama", WireFormat.OLLAMA),
        OPENROUTER("openrouter", "OpenRouter", WireFormat.OPENAI);

        private final String id;
        private final String displayName;
        private final WireFormat format;

        Provider(String id, String displayName, WireFormat format) {
            this.id = id;
            this.displayName = displayName;
            this.format = format;
        }

        public String id() {
            return id;
        }

        public String displayName() {
            return displayName;
        }

        public WireFormat format() {
            return format;
        }

        /** The server-wide key, if the server has one for this provider. */
        public Optional<String> serverKey() {
            return Optional.ofNullable(System.getenv(env("API_KEY"))).filter(key -> !key.isBlank());
        }

        /** The path of the configured base URL, e.g. {@code /openai/v1}: every request of this provider starts with it. */
        public String pathPrefix() {
            String base = System.getenv(env("BASE_URL"));
            if (base == null) {
                throw new IllegalStateException(env("BASE_URL") + " is not set: run the integration tests through 'mvn verify'");
            }
            return URI.create(base).getPath();
        }

        /** A model that makes the fake play {@code scenario}, and that no other test asks for. */
        public String model(String scenario) {
            return id + "/" + scenario + "/" + id + "-" + UUID.randomUUID().toString().substring(0, 8);
        }

        /** The key a request carried in this provider's key header, without {@code Bearer }. */
        public Optional<String> keySent(RecordedRequest request) {
            Optional<String> value = switch (format) {
                case ANTHROPIC -> request.header("x-api-key");
                case GEMINI -> request.header("x-goog-api-key");
                default -> request.header("Authorization");
            };
            return value.map(v -> v.regionMatches(true, 0, "Bearer ", 0, 7) ? v.substring(7) : v);
        }

        /** The provider that sent {@code request}, told by the path prefix of its base URL. */
        public static Provider of(RecordedRequest request) {
            for (Provider provider : values()) {
                if (request.path().startsWith(provider.pathPrefix() + "/")) {
                    return provider;
                }
            }
            throw new IllegalArgumentException("no provider sends to " + request.path());
        }

        private String env(String setting) {
            return "NOTEBOOKCHAT_PROVIDERS_" + id.toUpperCase(Locale.ROOT) + "_" + setting;
        }
    }

    private FakeProviders() {
    }

    /** The model name the fake sees for {@code model}, a {@code provider/…} name: the part after the provider. */
    public static String modelSent(String model) {
        return model.substring(model.indexOf('/') + 1);
    }

    /** Starts the fake where the server expects it. */
    public static FakeProviderServer start() {
        return start(50);
    }

    /**
     * Starts the fake with room for {@code backlog} connections waiting to be accepted: a crowd of turns
     * opens provider connections in bursts, and a dropped handshake is retried only a second later.
     */
    public static FakeProviderServer start(int backlog) {
        int port = Integer.parseInt(System.getProperty("it.fake-provider.port", "9977"));
        // The previous test class's fake may still be letting go of the port: try again for a few seconds.
        long deadline = System.nanoTime() + BIND_PATIENCE.toNanos();
        while (true) {
            try {
                return new FakeProviderServer().start(port, backlog);
            } catch (BindException busy) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("The fake provider could not listen on it.fake-provider.port " + port, busy);
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            } catch (IOException e) {
                throw new UncheckedIOException("The fake provider could not listen on it.fake-provider.port " + port, e);
            }
        }
    }

    private static final Duration BIND_PATIENCE = Duration.ofSeconds(10);

    /** {@code notebookchat.stream.idle-timeout.first-token} as the server has it. */
    public static Duration firstTokenTimeout() {
        return seconds("NOTEBOOKCHAT_STREAM_IDLE_TIMEOUT_FIRST_TOKEN");
    }

    /** {@code notebookchat.stream.idle-timeout.between-tokens} as the server has it. */
    public static Duration betweenTokensTimeout() {
        return seconds("NOTEBOOKCHAT_STREAM_IDLE_TIMEOUT_BETWEEN_TOKENS");
    }

    /** {@code notebookchat.providers.retry.max-attempts} as the server has it. */
    public static int maxAttempts() {
        return Integer.parseInt(required("NOTEBOOKCHAT_PROVIDERS_RETRY_MAX_ATTEMPTS"));
    }

    private static Duration seconds(String variable) {
        return Duration.ofMillis(Math.round(Double.parseDouble(required(variable)) * 1000));
    }

    private static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " is not set: run the integration tests through 'mvn verify'");
        }
        return value.strip();
    }
}
