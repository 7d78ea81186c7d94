package dev.notebookchat.chat.entity;

import java.util.List;

/** The part of a notebook a turn talks about, as it enters the prompt. */
public record NotebookContext(List<Item> sources, List<Item> notes) {

    public NotebookContext {
        sources = List.copyOf(sources);
        notes = List.copyOf(notes);
    }

    /** One source or note at its level; {@code content} is exactly the text that enters the prompt. */
    public record Item(String id, String title, String level, String content) {
    }

    public int charCount() {
        return sources.stream().mapToInt(i -> i.content().length()).sum()
                + notes.stream().mapToInt(i -> i.content().length()).sum();
    }

    /**
     * An estimate of the tokens the context costs: about four characters a token for English text,
     * the usual rule of thumb; providers count exactly, and report it in the usage of the answer.
     */
    public int tokenCount() {
        return (charCount() + 3) / 4;
    }

    public boolean isEmpty() {
        return sources.isEmpty() && notes.isEmpty();
    }
}
