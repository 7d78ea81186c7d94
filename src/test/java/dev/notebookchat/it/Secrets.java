package dev.notebookchat.it;

import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds API keys in text a client or an operator could read. A key counts as leaked when the whole
 * key or any {@value #WINDOW}-character piece of it shows up: the masking promised by the contract
 * covers pieces too, since providers quote keys partly masked. Keys used with it must be distinctive
 * (no provider names, no words), so that no piece of one occurs in honest text.
 */
public final class Secrets {

    /** The length of a key piece that already counts as leaking the key. */
    public static final int WINDOW = 8;

    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Secrets() {
    }

    /**
     * A new key: {@code prefix} and 24 random letters of both cases. Not hex, so no piece of it turns
     * up by chance in the ids and hashes that responses and logs are full of.
     */
    public static String newKey(String prefix) {
        StringBuilder key = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) {
            key.append(LETTERS.charAt(ThreadLocalRandom.current().nextInt(LETTERS.length())));
        }
        return key.toString();
    }

    /** The first key (or piece of one) found in {@code text}, described without repeating the key. */
    public static Optional<String> leakIn(String text, Collection<String> keys) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        for (String key : keys) {
            int window = Math.min(WINDOW, key.length());
            for (int start = 0; start + window <= key.length(); start++) {
                String piece = key.substring(start, start + window);
                int at = text.indexOf(piece);
                if (at >= 0) {
                    String around = hidden(text.substring(Math.max(0, at - 60), Math.min(text.length(), at + window + 60)), key, window);
                    return Optional.of("characters " + start + ".." + (start + window) + " of the key ending in \""
                            + key.substring(key.length() - 2) + "\" at offset " + at + ": ..." + around + "...");
                }
            }
        }
        return Optional.empty();
    }

    /** {@code text} with every piece of {@code key} shown as {@code <key>}, so a failure report does not spread it further. */
    private static String hidden(String text, String key, int window) {
        boolean[] covered = new boolean[text.length()];
        for (int start = 0; start + window <= key.length(); start++) {
            String piece = key.substring(start, start + window);
            for (int at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + 1)) {
                Arrays.fill(covered, at, at + window, true);
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            if (!covered[i]) {
                out.append(text.charAt(i));
            } else if (i == 0 || !covered[i - 1]) {
                out.append("<key>");
            }
        }
        return out.toString();
    }
}
