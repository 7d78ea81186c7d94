package dev.notebookchat.chat.control;

import dev.notebookchat.chat.control.ContextBuilder.Document;
import dev.notebookchat.chat.entity.ContextConfig;
import dev.notebookchat.chat.entity.NotebookContext;
import dev.notebookchat.notebook.control.Notebooks;
import dev.notebookchat.notebook.control.Notes;
import dev.notebookchat.notebook.control.Sources;
import dev.notebookchat.notebook.entity.Notebook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A notebook's context for a turn, loaded by what the config selects: first every item's size from
 * the database, then only the texts that enter the prompt (the first characters of a source that
 * stands in for its missing summary, the whole text of an item at {@code full content}). A turn whose
 * selection is larger than {@code notebookchat.context.max-characters} is refused before any whole
 * text is loaded.
 */
@ApplicationScoped
public class NotebookContexts {

    @Inject
    Notebooks notebooks;

    @Inject
    Sources sources;

    @Inject
    Notes notes;

    @Inject
    @ConfigProperty(name = "notebookchat.context.summary-characters", defaultValue = "1000")
    int summaryCharacters;

    @Inject
    @ConfigProperty(name = "notebookchat.context.max-characters", defaultValue = "400000")
    long maxCharacters;

    /** What the config selects, as large as it is: for a preview, which reports the size and the budget. */
    public NotebookContext of(Notebook notebook, ContextConfig config) {
        return load(notebook, config, false);
    }

    /** What a turn sends: refused with 413 when the selection is over the budget. */
    public NotebookContext withinBudget(Notebook notebook, ContextConfig config) {
        return load(notebook, config, true);
    }

    public long budget() {
        return maxCharacters;
    }

    private NotebookContext load(Notebook notebook, ContextConfig requested, boolean enforce) {
        ContextConfig config = requested == null ? ContextConfig.DEFAULTS : requested;
        ContextBuilder builder = new ContextBuilder(summaryCharacters);
        Notebooks.Measures sizes = notebooks.measures(notebook);
        List<Sources.Measure> sourceSizes = sizes.sources();
        List<Notes.Measure> noteSizes = sizes.notes();
        ContextBuilder.check(config, sourceSizes.stream().map(Sources.Measure::id).toList(),
                noteSizes.stream().map(Notes.Measure::id).toList());

        List<String> standIns = new ArrayList<>();
        List<String> wholeSources = new ArrayList<>();
        for (Sources.Measure source : sourceSizes) {
            String level = ContextBuilder.sourceLevel(config, source.id());
            if (ContextBuilder.FULL_CONTENT.equals(level)) {
                wholeSources.add(source.id());
            } else if (ContextBuilder.SUMMARY.equals(level) && (source.summary() == null || source.summary().isBlank())) {
                standIns.add(source.id());
            }
        }
        Set<String> wholeNotes = noteSizes.stream()
                .filter(n -> ContextBuilder.FULL_CONTENT.equals(ContextBuilder.noteLevel(config, n.id())))
                .map(Notes.Measure::id).collect(Collectors.toSet());

        Map<String, String> beginnings = sources.beginnings(standIns, builder.summaryBeginning());
        if (enforce) {
            long selected = 0;
            for (Sources.Measure source : sourceSizes) {
                String level = ContextBuilder.sourceLevel(config, source.id());
                if (ContextBuilder.FULL_CONTENT.equals(level)) {
                    selected += source.length();
                } else if (ContextBuilder.SUMMARY.equals(level)) {
                    selected += builder.summaryOf(new Document(source.id(), source.title(), source.summary(),
                            beginnings.get(source.id()))).length();
                }
            }
            for (Notes.Measure note : noteSizes) {
                if (wholeNotes.contains(note.id())) {
                    selected += note.length();
                }
            }
            if (selected > maxCharacters) {
                throw new ClientErrorException("The selected context is " + selected + " characters, more than the "
                        + maxCharacters + " a turn may send (notebookchat.context.max-characters). Put fewer sources or notes "
                        + "in the context, or use summaries instead of full content.", Response.Status.REQUEST_ENTITY_TOO_LARGE);
            }
        }

        Map<String, String> texts = new HashMap<>(beginnings);
        texts.putAll(sources.contents(wholeSources));
        Map<String, String> noteTexts = notes.contents(wholeNotes);
        List<Document> sourceDocuments = sourceSizes.stream()
                .map(s -> new Document(s.id(), s.title(), s.summary(), texts.get(s.id()))).toList();
        List<Document> noteDocuments = noteSizes.stream()
                .map(n -> new Document(n.id(), n.title(), null, noteTexts.get(n.id()))).toList();
        return builder.buildFrom(sourceDocuments, noteDocuments, config);
    }
}
