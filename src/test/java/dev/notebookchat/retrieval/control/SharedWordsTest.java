package dev.notebookchat.retrieval.control;

import dev.notebookchat.retrieval.control.SharedWords.Ranked;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedWordsTest {

    static final String ESPRESSO = "A double shot of espresso takes about 25 seconds to extract at nine bars of pressure. "
            + "Grind the beans just before brewing.";
    static final String TEA = "Green tea steeps for two minutes in water below boiling.";

    @Test
    void wordsAreRunsOfLettersAndDigitsInLowerCaseWithoutPluralsOrCommonWords() {
        assertEquals(List.of("keeper", "cat", "25", "second", "cherry", "café", "gram"),
                SharedWords.words("The keeper's cats, and 25 SECONDS; cherries! Is this a Café? Not grams"));
        assertEquals(List.of("glass", "bus", "analysis"), SharedWords.words("glass bus analysis"));
        assertEquals(List.of(), SharedWords.words("  how did it do that? "));
    }

    @Test
    void aPassageIsRankedByTheRarityOfTheWordsItSharesAndItsLength() {
        String query = "How long does a double shot of espresso take to extract?\nThe notebook says tea is best.";

        List<Ranked> ranked = SharedWords.rank(query, List.of(ESPRESSO, TEA), 5, 1);

        // Two texts, each word of the query in one of them: every shared word has rarity ln 2. The espresso
        // passage (14 words, the average 11) shares double, shot, espresso, take and extract once each; the
        // tea passage (8 words) shares tea.
        double rarity = Math.log(2);
        assertEquals(List.of(0, 1), ranked.stream().map(Ranked::index).toList());
        assertEquals(List.of(5, 1), ranked.stream().map(Ranked::shared).toList());
        assertEquals(5 * rarity * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 14 / 11.0)), ranked.get(0).score(), 1e-12);
        assertEquals(rarity * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 8 / 11.0)), ranked.get(1).score(), 1e-12);
    }

    @Test
    void aPassageSharingFewerWordsThanAskedIsLeftOut() {
        String query = "How long does a double shot of espresso take to extract?\nThe notebook says tea is best.";

        assertEquals(List.of(0), SharedWords.rank(query, List.of(ESPRESSO, TEA), 5, 2).stream().map(Ranked::index).toList());
        assertEquals(List.of(), SharedWords.rank(query, List.of(ESPRESSO, TEA), 5, 6));
    }

    @Test
    void aRareWordOutweighsACommonOneAndRepeatsCountLessEachTime() {
        List<String> texts = List.of(
                "Coffee and milk.",
                "Coffee, coffee, coffee and milk.",
                "Cardamom and milk.",
                "Coffee and milk again.");

        List<Ranked> ranked = SharedWords.rank("coffee cardamom", texts, 4, 1);

        assertEquals(List.of(2, 1, 0, 3), ranked.stream().map(Ranked::index).toList(),
                "cardamom is in one text of four, coffee in three; three coffees beat one, a longer text loses to a shorter");
        double once = ranked.get(2).score();
        double thrice = ranked.get(1).score();
        assertTrue(thrice > once && thrice < 3 * once, once + " once, " + thrice + " three times");
    }

    @Test
    void equalScoresKeepTheTextsOrderAndTheLimitCutsTheTail() {
        List<String> texts = List.of("Steamed milk.", "Tea leaves.", "Steamed milk.", "Steamed milk.");

        assertEquals(List.of(0, 2), SharedWords.rank("steamed milk", texts, 2, 1).stream().map(Ranked::index).toList());
        assertEquals(List.of(), SharedWords.rank("the of and", texts, 2, 1), "a query of common words shares nothing");
        assertEquals(List.of(), SharedWords.rank("steamed milk", texts, 0, 1));
    }
}
