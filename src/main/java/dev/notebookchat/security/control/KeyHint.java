package dev.notebookchat.security.control;

/**
 * What a user sees of a stored key: {@code ****} and the key's last 4 characters, enough to tell two
 * keys apart. A short key (8 characters or fewer) shows only its last 2, and no key ever shows more
 * than half of itself, so the hint never narrows a guess much.
 */
public final class KeyHint {

    static final String MASK = "****";

    private KeyHint() {
    }

    public static String of(String apiKey) {
        int length = apiKey.codePointCount(0, apiKey.length());
        int shown = Math.min(length > 8 ? 4 : 2, length / 2);
        // counted in code points so a hint never ends in half a surrogate pair
        return MASK + apiKey.substring(apiKey.offsetByCodePoints(apiKey.length(), -shown));
    }
}
