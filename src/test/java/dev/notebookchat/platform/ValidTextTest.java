package dev.notebookchat.platform;

import org.junit.jupiter.api.Test;

import static dev.notebookchat.platform.ValidText.Validator.isWellFormed;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidTextTest {

    private final ValidText.Validator validator = new ValidText.Validator();

    @Test
    void ordinaryTextPasses() {
        assertTrue(isWellFormed(""));
        assertTrue(isWellFormed("What do the sources say?"));
        assertTrue(isWellFormed("Caf\u00e9 \u4e2d\u6587 \u0645\u0631\u062d\u0628\u0627\n\ttab"));
    }

    @Test
    void emojiAndOtherCharactersBeyondTheBasicPlanePass() {
        assertTrue(isWellFormed("\uD83D\uDE00"));
        assertTrue(isWellFormed("smile \uD83D\uDE00 and \uD83D\uDC4D\uD83C\uDFFD, math \uD835\uDC00"));
        assertTrue(isWellFormed("\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00"));
    }

    @Test
    void aLoneHighSurrogateFails() {
        assertFalse(isWellFormed("\uD800"));
        assertFalse(isWellFormed("a\uD83Db"));
        assertFalse(isWellFormed("\uD83D\uD83D\uDE00"));
    }

    @Test
    void aHighSurrogateAtTheEndFails() {
        assertFalse(isWellFormed("text ends in half an emoji \uD83D"));
    }

    @Test
    void aLoneLowSurrogateFails() {
        assertFalse(isWellFormed("\uDC00"));
        assertFalse(isWellFormed("a\uDE00b"));
        assertFalse(isWellFormed("\uD83D\uDE00\uDE00"));
    }

    @Test
    void aPairInTheWrongOrderFails() {
        assertFalse(isWellFormed("\uDE00\uD83D"));
    }

    @Test
    void nullIsLeftToNotNull() {
        assertTrue(validator.isValid(null, null));
        assertTrue(validator.isValid("\uD83D\uDE00", null));
        assertFalse(validator.isValid("\uD800", null));
    }
}
