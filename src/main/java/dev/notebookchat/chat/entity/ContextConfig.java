package dev.notebookchat.chat.entity;

import java.util.Map;

/**
 * How much of each source and note enters a turn's context, by id: sources {@code not in},
 * {@code summary} or {@code full content}; notes {@code not in} or {@code full content}. Items not
 * named keep their default: sources at {@code summary}, notes at {@code full content}.
 */
public record ContextConfig(Map<String, String> sources, Map<String, String> notes) {

    public static final ContextConfig DEFAULTS = new ContextConfig(Map.of(), Map.of());

    public ContextConfig {
        sources = sources == null ? Map.of() : Map.copyOf(sources);
        notes = notes == null ? Map.of() : Map.copyOf(notes);
    }
}
