package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ContextConfig;
import dev.notebookchat.chat.entity.NotebookContext.Item;
import dev.notebookchat.chat.entity.NotebookContext;
import dev.notebookchat.notebook.entity.Note;
import dev.notebookchat.notebook.entity.Source;
import jakarta.ws.rs.BadRequestException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses what of a notebook enters a turn, following the context config, and renders it into the
 * system prompt. Pure: the caller loads the sources and notes.
 */
public class ContextBuilder {

    public static final String NOT_IN = "not in";
    public static final String SUMMARY = "summary";
    public static final String FULL_CONTENT = "full content";

    private final int summaryCharacters;

    /** @param summaryCharacters how much of a source's start stands in for a missing summary */
    public ContextBuilder(int summaryCharacters) {
        this.summaryCharacters = summaryCharacters;
    }

    /**
     * A source or note as far as the context needs it: {@code content} is the whole text for an item
     * at {@code full content}, and for a source at {@code summary} without a summary at least its first
     * {@link #summaryBeginning()} characters; otherwise it may be {@code null}.
     */
    public record Document(String id, String title, String summary, String content) {
        static Document of(Source source) {
            return new Document(source.id(), source.title(), source.summary(), source.content());
        }

        static Document of(Note note) {
            return new Document(note.id(), note.title(), null, note.content());
        }

        boolean hasSummary() {
            return summary != null && !summary.isBlank();
        }
    }

    public NotebookContext build(List<Source> sources, List<Note> notes, ContextConfig config) {
        return buildFrom(sources.stream().map(Document::of).toList(), notes.stream().map(Document::of).toList(), config);
    }

    public NotebookContext buildFrom(List<Document> sources, List<Document> notes, ContextConfig config) {
        check(config, sources.stream().map(Document::id).toList(), notes.stream().map(Document::id).toList());
        List<Item> sourceItems = new ArrayList<>();
        for (Document source : sources) {
            String level = sourceLevel(config, source.id());
            if (SUMMARY.equals(level)) {
                sourceItems.add(new Item(source.id(), source.title(), level, summaryOf(source)));
            } else if (FULL_CONTENT.equals(level)) {
                sourceItems.add(new Item(source.id(), source.title(), level, source.content()));
            }
        }
        List<Item> noteItems = new ArrayList<>();
        for (Document note : notes) {
            String level = noteLevel(config, note.id());
            if (FULL_CONTENT.equals(level)) {
                noteItems.add(new Item(note.id(), note.title(), level, note.content()));
            }
        }
        return new NotebookContext(sourceItems, noteItems);
    }

    /** Refuses a config that names an item not in the notebook, or a level that does not exist. */
    public static void check(ContextConfig config, List<String> sourceIds, List<String> noteIds) {
        requireKnown("sources", config.sources(), sourceIds, Set.of(NOT_IN, SUMMARY, FULL_CONTENT));
        requireKnown("notes", config.notes(), noteIds, Set.of(NOT_IN, FULL_CONTENT));
    }

    public static String sourceLevel(ContextConfig config, String id) {
        return config.sources().getOrDefault(id, SUMMARY);
    }

    public static String noteLevel(ContextConfig config, String id) {
        return config.notes().getOrDefault(id, FULL_CONTENT);
    }

    /** How much of a source's start is enough to cut its stand-in summary exactly as from the whole text. */
    public int summaryBeginning() {
        return summaryCharacters + 1;
    }

    /** The summary if the source has one, else the start of its content, cut at a word. */
    String summaryOf(Source source) {
        return summaryOf(Document.of(source));
    }

    String summaryOf(Document source) {
        if (source.hasSummary()) {
            return source.summary();
        }
        String content = source.content();
        if (content.length() <= summaryCharacters) {
            return content;
        }
        int cut = summaryCharacters;
        if (Character.isLowSurrogate(content.charAt(cut))) {
            cut--;
        }
        int space = content.lastIndexOf(' ', cut);
        if (space > summaryCharacters / 2) {
            cut = space;
        }
        return content.substring(0, cut).stripTrailing() + " …";
    }

    /** How to answer, the start of every system prompt. */
    static final String INSTRUCTIONS = "You are a research assistant for the user's notebook. Answer from the notebook's "
            + "sources and notes below when they cover the question, and cite the title of each "
            + "source you use. If they do not cover it, say so before answering from general knowledge.";

    /** Said when the notebook's selection did not fit and its closest passages stand in for it. */
    static final String PASSAGES_ONLY = "\n\nThe selected sources and notes are more than fits here, so below are "
            + "their passages closest to the question, best first, each under its title and passage number.";

    static final String SOURCE = "Source";
    static final String NOTE = "Note";

    /** The system prompt: how to answer, then every item of the context under its title. */
    public static String systemPrompt(NotebookContext context) {
        StringBuilder prompt = new StringBuilder(256 + context.charCount()).append(INSTRUCTIONS);
        if (context.isEmpty()) {
            prompt.append("\n\nThe notebook context is empty for this question.");
        }
        for (Item source : context.sources()) {
            prompt.append(section(SOURCE, source.title(), source.content()));
        }
        for (Item note : context.notes()) {
            prompt.append(section(NOTE, note.title(), note.content()));
        }
        return prompt.toString();
    }

    /** One item of the prompt under its heading; {@code kind} is {@link #SOURCE} or {@link #NOTE}. */
    static String section(String kind, String heading, String content) {
        return heading(kind, heading) + content;
    }

    static String heading(String kind, String heading) {
        return "\n\n## " + kind + ": " + heading + "\n";
    }

    /** A passage's heading: its item's title and its number there. */
    static String passageHeading(String title, int number) {
        return title + " (passage " + number + ")";
    }

    private static void requireKnown(String kind, Map<String, String> levels, List<String> ids, Set<String> allowed) {
        Set<String> known = new HashSet<>(ids);
        for (Map.Entry<String, String> entry : levels.entrySet()) {
            if (!known.contains(entry.getKey())) {
                throw new BadRequestException("context_config." + kind + " names '" + entry.getKey()
                        + "', which is not in this notebook.");
            }
            if (!allowed.contains(entry.getValue())) {
                throw new BadRequestException("context_config." + kind + "." + entry.getKey() + " must be one of "
                        + String.join(", ", allowed.stream().sorted().map(l -> "'" + l + "'").toList()) + ".");
            }
        }
    }
}
