package dev.notebookchat.provider.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model as users name it, {@code provider/model}. The model part is the provider's own name and may
 * itself contain slashes ({@code openrouter/openai/gpt-4o-mini}) or colons ({@code ollama/qwen3:0.6b}).
 *
 * <p>The one rule for model names: a session's {@code model_override}, a turn's and the configured
 * model list are all read by {@link #parse}, and a client is told why with {@link #refusal}.
 */
public record ModelRef(String provider, String model) {

    private static final Pattern PROVIDER = Pattern.compile("[a-z][a-z0-9_-]*");

    public ModelRef {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        if (!PROVIDER.matcher(provider).matches()) {
            throw new IllegalArgumentException("\"" + provider + "\" is not a provider name (lower-case letters, digits, _ and -)");
        }
        if (model.isEmpty() || model.startsWith("/") || model.endsWith("/") || model.contains("//")
                || model.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("Not a model name: \"" + model + "\"");
        }
    }

    /**
     * Reads {@code provider/model}.
     *
     * @throws IllegalArgumentException when there is no provider, no model, or either holds spaces or
     *                                  empty path segments
     */
    public static ModelRef parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("A model name is needed, as provider/model");
        }
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1) {
            throw new IllegalArgumentException("Not a model name: \"" + name + "\" (expected provider/model)");
        }
        return new ModelRef(name.substring(0, slash), name.substring(slash + 1));
    }

    /**
     * Why a client's {@code model_override} is not a model name, worded alike wherever one is sent
     * (creating or changing a session, starting a turn).
     */
    public static String refusal(String name, IllegalArgumentException why) {
        return "model_override '" + name + "' is not a model name: " + why.getMessage();
    }

    /** {@code provider/model}, as {@link #parse} reads it. */
    public String id() {
        return provider + "/" + model;
    }

    @Override
    public String toString() {
        return id();
    }
}
