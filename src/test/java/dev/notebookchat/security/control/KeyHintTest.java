package dev.notebookchat.security.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeyHintTest {

    @Test
    void aLongKeyShowsItsLastFourCharacters() {
        assertEquals("****wxyz", KeyHint.of("sk-proj-abcdefghijklmnopqrstuvwxyz"));
        assertEquals("****6789", KeyHint.of("123456789"));
    }

    @Test
    void aKeyOfEightCharactersOrFewerShowsOnlyItsLastTwo() {
        assertEquals("****78", KeyHint.of("12345678"));
        assertEquals("****34", KeyHint.of("1234"));
    }

    @Test
    void aTinyKeyNeverShowsMoreThanHalfOfItself() {
        assertEquals("****3", KeyHint.of("123"));
        assertEquals("****2", KeyHint.of("12"));
        assertEquals("****", KeyHint.of("1"));
    }

    @Test
    void charactersOutsideTheBasicPlaneAreNeverCutInHalf() {
        assertEquals("****\uD83D\uDD11\uD83D\uDD12", KeyHint.of("ab\uD83D\uDD11\uD83D\uDD12"));
    }
}
