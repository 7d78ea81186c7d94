package dev.notebookchat.provider.spi;

/** Token counts as the provider reported them; {@code null} where it reported none. */
public record Usage(Integer inputTokens, Integer outputTokens) {

    public static final Usage UNKNOWN = new Usage(null, null);

    public boolean known() {
        return inputTokens != null || outputTokens != null;
    }
}
