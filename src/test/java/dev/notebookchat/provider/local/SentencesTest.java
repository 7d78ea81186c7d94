package dev.notebookchat.provider.local;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SentencesTest {

    @Test
    void fullStopsExclamationAndQuestionMarksEndSentences() {
        assertEquals(List.of("It works.", "Does it scale?", "Yes!", "\"Quoted,\" she said."),
                Sentences.of("It works. Does it scale? Yes! \"Quoted,\" she said."));
    }

    @Test
    void abbreviationsInitialsAndNumbersDoNotEndASentence() {
        assertEquals(List.of("Dr. Smith met J. R. R. Tolkien in the U.S. Army in 1950.",
                        "Version 2.5 runs on example.com, e.g. in Europe."),
                Sentences.of("Dr. Smith met J. R. R. Tolkien in the U.S. Army in 1950. Version 2.5 runs on example.com, e.g. in Europe."));
    }

    @Test
    void aLineBreakEndsASentenceUnlessTheTextIsWrapped() {
        assertEquals(List.of("Release notes", "The server starts faster than before and uses less memory.",
                        "Logs go to the console"),
                Sentences.of("Release notes\nThe server starts faster than before\nand uses less memory.\r\n\r\nLogs go to the console"));
    }

    @Test
    void listItemsAndHeadingsAreSentencesWithoutTheirMarkers() {
        assertEquals(List.of("Plan", "Write the tests", "Ship it", "Tell the team"),
                Sentences.of("## Plan\n- Write the tests\n* Ship it\n1. Tell the team"));
    }

    @Test
    void sentencesInOtherScriptsSplitToo() {
        assertEquals(List.of("東京は大きい。", "人が多い。"), Sentences.of("東京は大きい。人が多い。"));
        assertEquals(List.of("Где сервер?", "Он там."), Sentences.of("Где сервер? Он там."));
    }

    @Test
    void whitespaceInsideASentenceBecomesOneSpace() {
        assertEquals(List.of("Tabs and spaces here."), Sentences.of("  Tabs\tand   spaces here.  "));
    }

    @Test
    void emptyTextHasNoSentences() {
        assertEquals(List.of(), Sentences.of(" \n\n "));
    }
}
