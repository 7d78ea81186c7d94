package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ContextConfig;
import dev.notebookchat.chat.entity.NotebookContext;
import dev.notebookchat.chat.entity.NotebookContext.Item;
import dev.notebookchat.notebook.entity.Note;
import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.notebook.entity.Source;
import dev.notebookchat.platform.ValidText;
import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.ws.rs.BadRequestException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextBuilderTest {

    static final String INSTRUCTIONS = "You are a research assistant for the user's notebook. Answer from the notebook's "
            + "sources and notes below when they cover the question, and cite the title of each source you use. "
            + "If they do not cover it, say so before answering from general knowledge.";

    final Notebook notebook = new Notebook("alice", "Research", null);
    final Source guide = new Source(notebook, "Open Liberty guide", "The server starts in about two seconds on a laptop.",
            "Liberty starts fast.");
    final Source paper = new Source(notebook, "Paper", "The quick brown fox jumps over the lazy dog.", null);
    final Note meeting = new Note(notebook, "Meeting 12 May", "Measure how fast the server starts.");

    final ContextBuilder builder = new ContextBuilder(1000);

    @BeforeAll
    static void responsesWithoutServer() {
        PlainRuntimeDelegate.install();
    }

    @Test
    void byDefaultSourcesEnterAsSummariesAndNotesInFull() {
        NotebookContext context = builder.build(List.of(guide, paper), List.of(meeting), ContextConfig.DEFAULTS);

        assertEquals(List.of(
                new Item(guide.id(), "Open Liberty guide", "summary", "Liberty starts fast."),
                new Item(paper.id(), "Paper", "summary", "The quick brown fox jumps over the lazy dog.")), context.sources());
        assertEquals(List.of(new Item(meeting.id(), "Meeting 12 May", "full content", "Measure how fast the server starts.")),
                context.notes());
    }

    @Test
    void aConfigWithoutMapsMeansTheDefaults() {
        assertEquals(builder.build(List.of(guide), List.of(meeting), ContextConfig.DEFAULTS),
                builder.build(List.of(guide), List.of(meeting), new ContextConfig(null, null)));
    }

    @Test
    void aSourceAtFullContentEntersWhole() {
        NotebookContext context = builder.build(List.of(guide, paper), List.of(),
                new ContextConfig(Map.of(guide.id(), "full content"), Map.of()));

        assertEquals(List.of(
                new Item(guide.id(), "Open Liberty guide", "full content", "The server starts in about two seconds on a laptop."),
                new Item(paper.id(), "Paper", "summary", "The quick brown fox jumps over the lazy dog.")), context.sources());
    }

    @Test
    void aSourceAtSummaryNamedExplicitlyIsTheSameAsTheDefault() {
        NotebookContext context = builder.build(List.of(guide), List.of(), new ContextConfig(Map.of(guide.id(), "summary"), Map.of()));

        assertEquals(List.of(new Item(guide.id(), "Open Liberty guide", "summary", "Liberty starts fast.")), context.sources());
    }

    @Test
    void sourcesAndNotesNotInAreLeftOut() {
        NotebookContext context = builder.build(List.of(guide, paper), List.of(meeting),
                new ContextConfig(Map.of(guide.id(), "not in"), Map.of(meeting.id(), "not in")));

        assertEquals(List.of(new Item(paper.id(), "Paper", "summary", "The quick brown fox jumps over the lazy dog.")),
                context.sources());
        assertEquals(List.of(), context.notes());
    }

    @Test
    void aNoteAtFullContentNamedExplicitlyEntersWhole() {
        NotebookContext context = builder.build(List.of(), List.of(meeting), new ContextConfig(Map.of(), Map.of(meeting.id(), "full content")));

        assertEquals(List.of(new Item(meeting.id(), "Meeting 12 May", "full content", "Measure how fast the server starts.")),
                context.notes());
    }

    @Test
    void withoutASummaryTheStartOfTheContentIsCutAtAWord() {
        // Character 20 is the "j" of "jumps": the cut moves back to the space before it.
        assertEquals("The quick brown fox …", new ContextBuilder(20).summaryOf(paper));
    }

    @Test
    void aBlankSummaryCountsAsNone() {
        Source blank = new Source(notebook, "Blank", "The quick brown fox jumps over the lazy dog.", "  \n ");
        Source empty = new Source(notebook, "Empty", "The quick brown fox jumps over the lazy dog.", "");

        assertEquals("The quick brown fox …", new ContextBuilder(20).summaryOf(blank));
        assertEquals("The quick brown fox …", new ContextBuilder(20).summaryOf(empty));
    }

    @Test
    void contentThatFitsEntersWholeWithoutAnEllipsis() {
        Source twenty = new Source(notebook, "Twenty", "exactly twenty chars", null);

        assertEquals(20, twenty.content().length());
        assertEquals("exactly twenty chars", new ContextBuilder(20).summaryOf(twenty));
        assertEquals("exactly twenty …", new ContextBuilder(19).summaryOf(twenty));
    }

    @Test
    void spacesBeforeTheCutAreNotKept() {
        Source spaced = new Source(notebook, "Spaced", "Hello   world again", null);

        assertEquals("Hello …", new ContextBuilder(8).summaryOf(spaced));
    }

    @Test
    void aWordLongerThanHalfTheSummaryIsCutInside() {
        Source longWord = new Source(notebook, "Long word", "abcdefghij klmnopqrstuvwxyz", null);

        assertEquals("abcdefghij klmnopqrs …", new ContextBuilder(20).summaryOf(longWord));
    }

    @Test
    void anEmojiAtTheCutIsLeftOutRatherThanSplit() {
        Source emoji = new Source(notebook, "Emoji", "abcd\uD83D\uDE00efgh", null);

        assertEquals("abcd …", new ContextBuilder(5).summaryOf(emoji));
        assertEquals("abcd\uD83D\uDE00 …", new ContextBuilder(6).summaryOf(emoji));
    }

    @Test
    void noCutEverSplitsASurrogatePair() {
        String text = "\uD83D\uDE00a\uD83D\uDC4D\uD83C\uDFFD \uD835\uDC00\uD835\uDC01 b\uD83D\uDE00\uD83D\uDE00 c\uD83D\uDE00";
        Source source = new Source(notebook, "Emoji", text, null);

        for (int characters = 1; characters <= text.length(); characters++) {
            String summary = new ContextBuilder(characters).summaryOf(source);
            assertTrue(ValidText.Validator.isWellFormed(summary), characters + ": " + summary);
            assertTrue(text.startsWith(summary.replaceFirst(" …$", "")), characters + ": " + summary);
        }
    }

    @Test
    void anUnknownSourceLevelIsABadRequestNamingTheAllowedOnes() {
        var config = new ContextConfig(Map.of(guide.id(), "everything"), Map.of());

        var e = assertThrows(BadRequestException.class, () -> builder.build(List.of(guide), List.of(meeting), config));

        assertEquals("context_config.sources." + guide.id() + " must be one of 'full content', 'not in', 'summary'.", e.getMessage());
        assertEquals(400, e.getResponse().getStatus());
    }

    @Test
    void aNoteHasNoSummaryLevel() {
        var config = new ContextConfig(Map.of(), Map.of(meeting.id(), "summary"));

        var e = assertThrows(BadRequestException.class, () -> builder.build(List.of(guide), List.of(meeting), config));

        assertEquals("context_config.notes." + meeting.id() + " must be one of 'full content', 'not in'.", e.getMessage());
    }

    @Test
    void anIdNotInTheNotebookIsABadRequest() {
        var sources = new ContextConfig(Map.of("no-such-source", "summary"), Map.of());
        var notes = new ContextConfig(Map.of(), Map.of("no-such-note", "not in"));
        var sourceAsNote = new ContextConfig(Map.of(), Map.of(guide.id(), "full content"));

        assertEquals("context_config.sources names 'no-such-source', which is not in this notebook.",
                assertThrows(BadRequestException.class, () -> builder.build(List.of(guide), List.of(meeting), sources)).getMessage());
        assertEquals("context_config.notes names 'no-such-note', which is not in this notebook.",
                assertThrows(BadRequestException.class, () -> builder.build(List.of(guide), List.of(meeting), notes)).getMessage());
        assertEquals("context_config.notes names '" + guide.id() + "', which is not in this notebook.",
                assertThrows(BadRequestException.class, () -> builder.build(List.of(guide), List.of(meeting), sourceAsNote)).getMessage());
    }

    @Test
    void theSystemPromptListsEachSourceThenEachNoteUnderItsTitle() {
        NotebookContext context = builder.build(List.of(guide, paper), List.of(meeting),
                new ContextConfig(Map.of(paper.id(), "full content"), Map.of()));

        assertEquals(INSTRUCTIONS + """


                ## Source: Open Liberty guide
                Liberty starts fast.

                ## Source: Paper
                The quick brown fox jumps over the lazy dog.

                ## Note: Meeting 12 May
                Measure how fast the server starts.""", ContextBuilder.systemPrompt(context));
    }

    @Test
    void anEmptyContextIsSaidToBeEmpty() {
        NotebookContext context = builder.build(List.of(guide), List.of(meeting),
                new ContextConfig(Map.of(guide.id(), "not in"), Map.of(meeting.id(), "not in")));

        assertTrue(context.isEmpty());
        assertEquals(INSTRUCTIONS + "\n\nThe notebook context is empty for this question.", ContextBuilder.systemPrompt(context));
    }

    @Test
    void theCountsAreThoseOfTheTextThatEntersThePrompt() {
        NotebookContext context = builder.build(List.of(guide, paper), List.of(meeting), ContextConfig.DEFAULTS);

        // 20 + 44 + 35 characters of content; titles are not counted.
        assertEquals(99, context.charCount());
        assertEquals(25, context.tokenCount());
        assertFalse(context.isEmpty());
    }

    @Test
    void tokensAreAQuarterOfTheCharactersRoundedUp() {
        assertEquals(0, contextOf("").tokenCount());
        assertEquals(1, contextOf("a").tokenCount());
        assertEquals(1, contextOf("abcd").tokenCount());
        assertEquals(2, contextOf("abcde").tokenCount());
        assertEquals(0, new NotebookContext(List.of(), List.of()).charCount());
    }

    @Test
    void charactersAreCountedInUtf16UnitsAsJavaScriptDoes() {
        assertEquals(2, contextOf("\uD83D\uDE00").charCount());
    }

    private static NotebookContext contextOf(String noteContent) {
        return new NotebookContext(List.of(), List.of(new Item("n", "Note", "full content", noteContent)));
    }
}
