package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.chat.entity.NotebookContext;
import dev.notebookchat.chat.entity.NotebookContext.Item;
import dev.notebookchat.provider.spi.ProviderRequest.ContextDocument;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import dev.notebookchat.retrieval.control.Passages;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A selection too large for the window, and the local model's reading, built from a fake search. */
class PassageContextTest {

    static final String QUESTION = "How long does extraction take?";
    static final List<PromptMessage> HISTORY = List.of(new PromptMessage(Role.USER, "Hi"), new PromptMessage(Role.ASSISTANT, "Hello"));

    static final Passages.Hit EXTRACTION = new Passages.Hit("s-1", null, "Espresso guide", 7, "Extraction takes about 25 seconds.", 0.81f);
    static final Passages.Hit DOSE = new Passages.Hit(null, "n-1", "Dose", 1, "Use 18 grams for a double shot.", 0.62f);
    static final Passages.Hit LONG = new Passages.Hit("s-2", null, "History", 2, "Coffee came to Venice in 1570. ".repeat(20).strip(), 0.55f);
    static final Passages.Hit GRIND = new Passages.Hit("s-1", null, "Espresso guide", 2, "Grind fine.", 0.41f);

    static final String EXTRACTION_SECTION = "\n\n## Source: Espresso guide (passage 7)\nExtraction takes about 25 seconds.";
    static final String DOSE_SECTION = "\n\n## Note: Dose (passage 1)\nUse 18 grams for a double shot.";
    static final String GRIND_SECTION = "\n\n## Source: Espresso guide (passage 2)\nGrind fine.";
    static final String COLD_BREW_SECTION = "\n\n## Source: Cold brew\nHow cold brew is made.";

    final FakePassages passages = new FakePassages(EXTRACTION, DOSE, LONG, GRIND);

    @Test
    void theClosestPassagesThatFitAreSentBestFirstUnderTheirTitleAndNumber() {
        long budget = EXTRACTION_SECTION.length() + DOSE_SECTION.length() + GRIND_SECTION.length();

        TurnContext context = PassageContext.passages(passages, "nb-1", QUESTION, List.of("s-1", "s-2", "n-1"),
                new NotebookContext(List.of(), List.of()), budget, HISTORY, 5);

        assertEquals(TurnContext.Mode.PASSAGES, context.mode());
        assertEquals(ContextBuilder.INSTRUCTIONS + ContextBuilder.PASSAGES_ONLY + EXTRACTION_SECTION + DOSE_SECTION + GRIND_SECTION,
                context.system(), "the long passage does not fit and is left out; the shorter one after it does");
        assertEquals(List.of(new ContextDocument("Espresso guide (passage 7)", EXTRACTION.text()),
                new ContextDocument("Dose (passage 1)", DOSE.text()),
                new ContextDocument("Espresso guide (passage 2)", GRIND.text())), context.documents());
        assertEquals(List.of(new Citation("s-1", null, "Espresso guide", 7, EXTRACTION.text()),
                new Citation(null, "n-1", "Dose", 1, DOSE.text()),
                new Citation("s-1", null, "Espresso guide", 2, GRIND.text())), context.citations());
        assertEquals(HISTORY, context.history());
        assertNull(context.documentPassages());
        assertEquals(List.of("nb-1|" + QUESTION + "|[s-1, s-2, n-1]|" + (budget / 100 + 20)), passages.asked);
    }

    @Test
    void theAnswerCitesAtMostTheLimitOfWhatWasSent() {
        TurnContext context = PassageContext.passages(passages, "nb-1", QUESTION, List.of("s-1", "s-2", "n-1"),
                new NotebookContext(List.of(), List.of()), 100_000, List.of(), 2);

        assertEquals(4, context.documents().size());
        assertEquals(List.of("s-1", "n-1"), context.citations().stream()
                .map(c -> c.sourceId() != null ? c.sourceId() : c.noteId()).toList());
    }

    @Test
    void itemsNotIndexedYetStandInWithTheirSummaryWhileTheyTakeAtMostHalfTheBudget() {
        Item coldBrew = new Item("s-3", "Cold brew", ContextBuilder.SUMMARY, "How cold brew is made.");
        Item tooLong = new Item("n-2", "Diary", ContextBuilder.SUMMARY, "d".repeat(500));
        long budget = COLD_BREW_SECTION.length() + GRIND_SECTION.length();

        TurnContext context = PassageContext.passages(passages, "nb-1", QUESTION, List.of("s-1"),
                new NotebookContext(List.of(coldBrew), List.of(tooLong)), budget, List.of(), 5);

        // The stand-in fits in half the budget, the diary does not; beside it the closest passage is too long, the next one fits.
        assertEquals(ContextBuilder.INSTRUCTIONS + ContextBuilder.PASSAGES_ONLY + GRIND_SECTION + COLD_BREW_SECTION, context.system());
        assertEquals(List.of(new ContextDocument("Espresso guide (passage 2)", GRIND.text()),
                new ContextDocument("Cold brew", "How cold brew is made.")), context.documents());
        assertEquals(List.of(new Citation("s-1", null, "Espresso guide", 2, GRIND.text())), context.citations());
    }

    @Test
    void nothingThatFitsIsAnEmptyContextNotAnError() {
        TurnContext context = PassageContext.passages(passages, "nb-1", QUESTION, List.of(), new NotebookContext(List.of(), List.of()),
                10, List.of(), 5);

        assertEquals(ContextBuilder.INSTRUCTIONS + ContextBuilder.PASSAGES_ONLY + "\n\nThe notebook context is empty for this question.",
                context.system());
        assertEquals(List.of(), context.documents());
        assertEquals(List.of(), context.citations());
        assertEquals(List.of(), passages.asked, "nothing to search");
    }

    @Test
    void theLocalModelReadsTheTopPassagesThenTheWholeTextOfItemsNotIndexedYet() {
        Item coldBrew = new Item("s-3", "Cold brew", ContextBuilder.FULL_CONTENT, "Cold brew steeps for 12 hours.");

        TurnContext context = PassageContext.local(passages, "nb-1", QUESTION, List.of("s-1", "n-1"),
                new NotebookContext(List.of(coldBrew), List.of()), HISTORY, 2);

        assertEquals(TurnContext.Mode.LOCAL, context.mode());
        assertEquals(List.of(new ContextDocument("Espresso guide", EXTRACTION.text()), new ContextDocument("Dose", DOSE.text()),
                new ContextDocument("Cold brew", "Cold brew steeps for 12 hours.")), context.documents());
        assertEquals(Arrays.asList(new Citation("s-1", null, "Espresso guide", 7, EXTRACTION.text()),
                new Citation(null, "n-1", "Dose", 1, DOSE.text()), null), context.documentPassages());
        assertEquals(List.of(), context.citations(), "the model says which it quotes");
        assertEquals(List.of("nb-1|" + QUESTION + "|[s-1, n-1]|2"), passages.asked);
    }

    /** A search over fixed hits, best first, that records what it was asked. */
    static final class FakePassages extends Passages {
        final List<Hit> hits;
        final List<String> asked = new ArrayList<>();

        FakePassages(Hit... hits) {
            this.hits = List.of(hits);
        }

        @Override
        public List<Hit> search(String notebookId, String question, Collection<String> itemIds, int limit) {
            asked.add(notebookId + "|" + question + "|" + itemIds + "|" + limit);
            return hits.stream().filter(h -> itemIds.contains(h.sourceId() != null ? h.sourceId() : h.noteId())).limit(limit).toList();
        }
    }
}
