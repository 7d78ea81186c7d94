package dev.notebookchat.provider.local;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TermsTest {

    @Test
    void wordsAreLowerCasedLettersAndDigitsInAnyScript() {
        assertEquals(List.of("the", "café", "in", "zürich", "opens", "at", "7", "on", "straße", "12"),
                Terms.words("The Café in Zürich opens at 7 on Straße 12!"));
    }

    @Test
    void apostrophesAndDecimalPointsStayInsideAWord() {
        assertEquals(List.of("dont", "notebooks", "version", "2.5", "costs", "1,200"),
                Terms.words("Don't notebook\u2019s version 2.5 costs 1,200."));
    }

    @Test
    void compatibilityFormsMatchTheirPlainLetters() {
        assertEquals(List.of("abc", "fi"), Terms.words("\uFF21\uFF22\uFF23 \uFB01"));
    }

    @Test
    void eachHanAndKanaCharacterIsAWord() {
        assertEquals(List.of("東", "京", "は", "大", "き", "い"), Terms.words("東京は大きい。"));
    }

    @Test
    void termsDropStopWordsAndPlurals() {
        assertEquals(List.of("many", "query", "source", "notebook", "store"),
                Terms.of("How many queries do the sources of this notebook store?"));
    }

    @Test
    void singularFollowsTheSStemmer() {
        assertEquals("query", Terms.singular("queries"));
        assertEquals("source", Terms.singular("sources"));
        assertEquals("note", Terms.singular("notes"));
        assertEquals("class", Terms.singular("class"));
        assertEquals("status", Terms.singular("status"));
        assertEquals("goes", Terms.singular("goes"));
        assertEquals("is", Terms.singular("is"));
    }
}
