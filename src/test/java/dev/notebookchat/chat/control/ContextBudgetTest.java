package dev.notebookchat.chat.control;

import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContextBudgetTest {

    /** 2,000 tokens, 500 of them for the answer: 1,500 for the prompt. */
    static final ModelWindows.Window SMALL = new ModelWindows.Window(2000, 500, 3.5);

    static final String INSTRUCTIONS = "x".repeat(350); // 100 tokens
    static final String QUESTION = "y".repeat(70);      // 20 tokens

    @Test
    void theContextGetsWhatTheAnswerInstructionsQuestionAndHistoryLeave() {
        // 1500 - 100 - 20 - 2 * 8 = 1364 tokens; the history takes 2 * (10 + 8) = 36; 1328 tokens are 4648 characters
        List<PromptMessage> history = List.of(message(Role.USER, 35), message(Role.ASSISTANT, 35));

        ContextBudget.Split split = ContextBudget.split(SMALL, INSTRUCTIONS, QUESTION, history, 400_000);

        assertEquals(history, split.history());
        assertEquals(4648, split.contextCharacters());
    }

    @Test
    void theHistoryTakesAtMostHalfTheRoomNewestFirstAndNothingOlderThanAGap() {
        // room 1364 tokens, half is 682: the newest (200 + 8) and the one before (300 + 8) fit, the one before that (300 + 8) not
        PromptMessage oldest = message(Role.USER, 35);
        PromptMessage old = message(Role.ASSISTANT, 1050);
        PromptMessage previous = message(Role.USER, 1050);
        PromptMessage newest = message(Role.ASSISTANT, 700);

        ContextBudget.Split split = ContextBudget.split(SMALL, INSTRUCTIONS, QUESTION, List.of(oldest, old, previous, newest), 400_000);

        assertEquals(List.of(previous, newest), split.history(), "the oldest would fit alone, but not without the one after it");
        assertEquals(2968, split.contextCharacters()); // (1364 - 208 - 308) * 3.5
    }

    @Test
    void theContextNeverExceedsTheCharacterLimit() {
        ModelWindows.Window large = new ModelWindows.Window(1_000_000, 4096, 3.5);

        assertEquals(400_000, ContextBudget.split(large, INSTRUCTIONS, QUESTION, List.of(), 400_000).contextCharacters());
    }

    @Test
    void aQuestionLargerThanTheWindowLeavesNoRoomAtAll() {
        ContextBudget.Split split = ContextBudget.split(SMALL, INSTRUCTIONS, "z".repeat(6000), List.of(message(Role.USER, 10)), 400_000);

        assertEquals(List.of(), split.history());
        assertEquals(0, split.contextCharacters());
    }

    private static PromptMessage message(Role role, int characters) {
        return new PromptMessage(role, "m".repeat(characters));
    }
}
