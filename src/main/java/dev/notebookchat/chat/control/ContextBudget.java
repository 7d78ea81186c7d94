package dev.notebookchat.chat.control;

import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Splits a model's window between the parts of a turn's prompt: the answer's share and the instructions
 * and the question come first; the session's recent history may take up to half of what is left, newest
 * messages first; the notebook's context gets the rest (and never more than
 * {@code notebookchat.context.max-characters}). Every part is estimated by {@link ModelWindows.Window}.
 */
public final class ContextBudget {

    /** What a chat template wraps around each message (role markers, separators), in tokens, on the safe side. */
    static final int MESSAGE_OVERHEAD = 8;

    /**
     * @param history           the recent messages that fit, oldest first
     * @param contextCharacters what the rendered context (headings included) may take
     */
    public record Split(List<PromptMessage> history, long contextCharacters) {
    }

    private ContextBudget() {
    }

    /**
     * @param instructions  the system prompt without the context (the longest it may be)
     * @param question      the new message
     * @param history       the recent messages that could be sent, oldest first
     * @param maxCharacters the most context a turn sends, whatever the window
     */
    public static Split split(ModelWindows.Window window, String instructions, String question,
                              List<PromptMessage> history, long maxCharacters) {
        long room = (long) window.promptTokens() - window.tokens(instructions) - window.tokens(question) - 2L * MESSAGE_OVERHEAD;
        if (room <= 0) {
            return new Split(List.of(), 0);
        }
        long historyRoom = room / 2;
        long used = 0;
        List<PromptMessage> kept = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0; i--) {
            long cost = window.tokens(history.get(i).content()) + MESSAGE_OVERHEAD;
            if (used + cost > historyRoom) {
                // An older message without the ones after it would be out of context: the rest goes too.
                break;
            }
            used += cost;
            kept.add(history.get(i));
        }
        Collections.reverse(kept);
        long contextTokens = room - used;
        return new Split(kept, Math.min(maxCharacters, window.characters((int) Math.min(Integer.MAX_VALUE, contextTokens))));
    }
}
