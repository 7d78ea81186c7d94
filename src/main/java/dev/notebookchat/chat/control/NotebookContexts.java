package dev.notebookchat.chat.control;

import dev.notebookchat.chat.control.ContextBuilder.Document;
import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.chat.entity.ContextConfig;
import dev.notebookchat.chat.entity.NotebookContext;
import dev.notebookchat.notebook.control.Notebooks;
import dev.notebookchat.notebook.control.Notes;
import dev.notebookchat.notebook.control.Sources;
import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.provider.spi.KnownProvider;
import dev.notebookchat.provider.spi.ModelRef;
import dev.notebookchat.provider.spi.ProviderRequest.ContextDocument;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.retrieval.control.Passages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A notebook's context for a turn, loaded by what the config selects: first every item's size from
 * the database, then only the texts that enter the prompt (the first characters of a source that
 * stands in for its missing summary, the whole text of an item at {@code full content}).
 *
 * <p>A turn sends the selection as it is when it fits the model's window (less the answer's share,
 * the instructions, the question and the recent history, see {@link ContextBudget}) and
 * {@code notebookchat.context.max-characters}. When it does not, the turn is not refused: the
 * selection's passages closest to the question take its place, as many as fit, decided before any
 * whole text is loaded. The local model always reads passages of the full texts.
 */
@ApplicationScoped
public class NotebookContexts {

    private static final Logger LOG = Logger.getLogger(NotebookContexts.class.getName());

    static final String READY = "ready";

    @Inject
    Notebooks notebooks;

    @Inject
    Sources sources;

    @Inject
    Notes notes;

    @Inject
    Passages passages;

    @Inject
    ModelWindows windows;

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "notebookchat.context.summary-characters", defaultValue = "1000")
    int summaryCharacters;

    @Inject
    @ConfigProperty(name = "notebookchat.context.max-characters", defaultValue = "400000")
    long maxCharacters;

    /** How many passages an answer cites at most. */
    @Inject
    @ConfigProperty(name = "notebookchat.citations.max", defaultValue = "5")
    int maxCitations;

    /**
     * Whether an answer that had the whole selection cites the passages it draws on: those of the selected
     * items sharing the most words with the question and the answer, looked up when the answer ends.
     */
    @Inject
    @ConfigProperty(name = "notebookchat.citations.whole-selection", defaultValue = "true")
    boolean citeWholeSelection;

    /**
     * How many distinct words (not counting common ones like "the" or "how") a passage must share with
     * the question and the answer for an answer that had the whole selection to cite it.
     */
    @Inject
    @ConfigProperty(name = "notebookchat.citations.min-shared-words", defaultValue = "2")
    int minSharedWords;

    /** How many passages the local model reads, before it ranks their sentences. */
    @Inject
    @ConfigProperty(name = "notebookchat.local.passages", defaultValue = "8")
    int localPassages;

    /** What the config selects, as large as it is: for a preview, which reports the size and the budget. */
    public NotebookContext of(Notebook notebook, ContextConfig config) {
        Selection selection = select(notebook, config);
        return load(selection, selection.wholeSources(), selection.wholeNotes());
    }

    public long budget() {
        return maxCharacters;
    }

    /**
     * What a turn with {@code model} sends for {@code question} after the session's {@code history}
     * (oldest first, the question not in it), and what its answer cites.
     */
    public TurnContext forTurn(Notebook notebook, ContextConfig config, ModelRef model, String question,
                               List<PromptMessage> history) {
        Selection selection = select(notebook, config);
        Set<String> ready = readyItems(notebook);
        if (KnownProvider.LOCAL.id().equals(model.provider())) {
            return local(notebook, selection, ready, question, history);
        }
        ModelWindows.Window window = windows.of(model);
        ContextBudget.Split split = ContextBudget.split(window,
                ContextBuilder.INSTRUCTIONS + ContextBuilder.PASSAGES_ONLY, question, history, maxCharacters);
        if (selection.renderedLength() <= split.contextCharacters()) {
            NotebookContext context = load(selection, selection.wholeSources(), selection.wholeNotes());
            String system = ContextBuilder.systemPrompt(context);
            // The database measures in characters, Java in UTF-16 units: measured again as it is sent.
            if (system.length() - ContextBuilder.INSTRUCTIONS.length() <= split.contextCharacters()) {
                // The prompt needs no search, so neither does the first token: what the answer cites is
                // looked up from its words when it ends.
                String notebookId = notebook.id();
                Map<String, String> titles = readyTitles(selection, ready);
                return new TurnContext(TurnContext.Mode.WHOLE, system, documents(context), split.history(),
                        List.of(), null, citeWholeSelection ? answer -> cited(notebookId, titles, question, answer) : null);
            }
        }
        // Items not indexed yet have no passages: their summary or the start of their text stands in.
        List<String> readyIds = selection.ids().stream().filter(ready::contains).toList();
        NotebookContext standIns = standIns(selection, ready);
        return PassageContext.passages(passages, notebook.id(), question, readyIds, standIns,
                split.contextCharacters(), split.history(), maxCitations);
    }

    /**
     * What an answer that had the whole selection cites: the passages of the selected items it draws on,
     * by the words they share with the question and the answer ({@link Passages#sharingWords}). They only
     * point the reader to the passage, so a lookup that fails costs the citations, not the answer.
     *
     * @param titles the selected items whose passages are ready, id to title, in notebook order
     */
    List<Citation> cited(String notebookId, Map<String, String> titles, String question, String answer) {
        if (titles.isEmpty()) {
            return List.of();
        }
        try {
            return passages.sharingWords(notebookId, titles, question + "\n" + answer, maxCitations, minSharedWords).stream()
                    .map(PassageContext::citation).toList();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The passages of notebook " + notebookId + " could not be read; the answer cites none", e);
            return List.of();
        }
    }

    /** The selected items whose passages are ready, id to title, sources then notes in notebook order. */
    private static Map<String, String> readyTitles(Selection selection, Set<String> ready) {
        Set<String> selected = new HashSet<>(selection.ids());
        Map<String, String> titles = new LinkedHashMap<>();
        for (Sources.Measure source : selection.measures().sources()) {
            if (selected.contains(source.id()) && ready.contains(source.id())) {
                titles.put(source.id(), source.title());
            }
        }
        for (Notes.Measure note : selection.measures().notes()) {
            if (selected.contains(note.id()) && ready.contains(note.id())) {
                titles.put(note.id(), note.title());
            }
        }
        return titles;
    }

    /** The local model quotes whole sentences: passages of the full texts, or the full text of an item not indexed yet. */
    private TurnContext local(Notebook notebook, Selection selection, Set<String> ready, String question,
                              List<PromptMessage> history) {
        List<String> readyIds = selection.ids().stream().filter(ready::contains).toList();
        Map<String, String> sourceTexts = sources.contents(selection.sourceIds().stream().filter(id -> !ready.contains(id)).toList());
        Map<String, String> noteTexts = notes.contents(selection.noteIds().stream().filter(id -> !ready.contains(id)).toList());
        List<NotebookContext.Item> wholeSources = selection.measures().sources().stream().filter(s -> sourceTexts.containsKey(s.id()))
                .map(s -> new NotebookContext.Item(s.id(), s.title(), ContextBuilder.FULL_CONTENT, sourceTexts.get(s.id()))).toList();
        List<NotebookContext.Item> wholeNotes = selection.measures().notes().stream().filter(n -> noteTexts.containsKey(n.id()))
                .map(n -> new NotebookContext.Item(n.id(), n.title(), ContextBuilder.FULL_CONTENT, noteTexts.get(n.id()))).toList();
        return PassageContext.local(passages, notebook.id(), question, readyIds,
                new NotebookContext(wholeSources, wholeNotes), history, localPassages);
    }

    /**
     * The selected items that are not ready, as a summary stands in for each: a source's summary or
     * the start of its text, a note's start. Notes have no summary, so a note's text is read whole here
     * and cut, which a note being indexed only costs once.
     */
    private NotebookContext standIns(Selection selection, Set<String> ready) {
        ContextBuilder builder = new ContextBuilder(summaryCharacters);
        List<String> notReadySources = selection.sourceIds().stream().filter(id -> !ready.contains(id)).toList();
        Map<String, String> beginnings = new HashMap<>(selection.beginnings());
        beginnings.putAll(sources.beginnings(notReadySources.stream().filter(id -> !beginnings.containsKey(id)).toList(),
                builder.summaryBeginning()));
        List<NotebookContext.Item> sourceItems = new ArrayList<>();
        for (Sources.Measure source : selection.measures().sources()) {
            if (notReadySources.contains(source.id())) {
                sourceItems.add(new NotebookContext.Item(source.id(), source.title(), ContextBuilder.SUMMARY,
                        builder.summaryOf(new Document(source.id(), source.title(), source.summary(), beginnings.get(source.id())))));
            }
        }
        Map<String, String> noteTexts = notes.contents(selection.noteIds().stream().filter(id -> !ready.contains(id)).toList());
        List<NotebookContext.Item> noteItems = new ArrayList<>();
        for (Notes.Measure note : selection.measures().notes()) {
            if (noteTexts.containsKey(note.id())) {
                noteItems.add(new NotebookContext.Item(note.id(), note.title(), ContextBuilder.SUMMARY,
                        builder.summaryOf(new Document(note.id(), note.title(), null, noteTexts.get(note.id())))));
            }
        }
        return new NotebookContext(sourceItems, noteItems);
    }

    /**
     * What the config selects, measured: the ids of the items in the context (at any level), which of them
     * enter whole, the beginnings that stand in for missing summaries, and the length of the selection as
     * the system prompt renders it.
     */
    private record Selection(ContextConfig config, Notebooks.Measures measures, List<String> sourceIds, List<String> noteIds,
                             Set<String> wholeSources, Set<String> wholeNotes, Map<String, String> beginnings,
                             long renderedLength) {
        List<String> ids() {
            List<String> ids = new ArrayList<>(sourceIds);
            ids.addAll(noteIds);
            return ids;
        }
    }

    private Selection select(Notebook notebook, ContextConfig requested) {
        ContextConfig config = requested == null ? ContextConfig.DEFAULTS : requested;
        ContextBuilder builder = new ContextBuilder(summaryCharacters);
        Notebooks.Measures sizes = notebooks.measures(notebook);
        ContextBuilder.check(config, sizes.sources().stream().map(Sources.Measure::id).toList(),
                sizes.notes().stream().map(Notes.Measure::id).toList());

        List<String> sourceIds = new ArrayList<>();
        List<String> standIns = new ArrayList<>();
        Set<String> wholeSources = new LinkedHashSet<>();
        for (Sources.Measure source : sizes.sources()) {
            String level = ContextBuilder.sourceLevel(config, source.id());
            if (ContextBuilder.FULL_CONTENT.equals(level)) {
                wholeSources.add(source.id());
                sourceIds.add(source.id());
            } else if (ContextBuilder.SUMMARY.equals(level)) {
                sourceIds.add(source.id());
                if (source.summary() == null || source.summary().isBlank()) {
                    standIns.add(source.id());
                }
            }
        }
        List<String> noteIds = new ArrayList<>();
        Set<String> wholeNotes = new LinkedHashSet<>();
        for (Notes.Measure note : sizes.notes()) {
            if (ContextBuilder.FULL_CONTENT.equals(ContextBuilder.noteLevel(config, note.id()))) {
                wholeNotes.add(note.id());
                noteIds.add(note.id());
            }
        }
        Map<String, String> beginnings = sources.beginnings(standIns, builder.summaryBeginning());

        long rendered = 0;
        for (Sources.Measure source : sizes.sources()) {
            String level = ContextBuilder.sourceLevel(config, source.id());
            long length;
            if (ContextBuilder.FULL_CONTENT.equals(level)) {
                length = source.length();
            } else if (ContextBuilder.SUMMARY.equals(level)) {
                length = builder.summaryOf(new Document(source.id(), source.title(), source.summary(),
                        beginnings.get(source.id()))).length();
            } else {
                continue;
            }
            rendered += ContextBuilder.heading(ContextBuilder.SOURCE, source.title()).length() + length;
        }
        for (Notes.Measure note : sizes.notes()) {
            if (wholeNotes.contains(note.id())) {
                rendered += ContextBuilder.heading(ContextBuilder.NOTE, note.title()).length() + note.length();
            }
        }
        return new Selection(config, sizes, sourceIds, noteIds, wholeSources, wholeNotes, beginnings, rendered);
    }

    private NotebookContext load(Selection selection, Set<String> wholeSources, Set<String> wholeNotes) {
        ContextBuilder builder = new ContextBuilder(summaryCharacters);
        Map<String, String> texts = new HashMap<>(selection.beginnings());
        texts.putAll(sources.contents(wholeSources));
        Map<String, String> noteTexts = notes.contents(wholeNotes);
        List<Document> sourceDocuments = selection.measures().sources().stream()
                .map(s -> new Document(s.id(), s.title(), s.summary(), texts.get(s.id()))).toList();
        List<Document> noteDocuments = selection.measures().notes().stream()
                .map(n -> new Document(n.id(), n.title(), null, noteTexts.get(n.id()))).toList();
        return builder.buildFrom(sourceDocuments, noteDocuments, selection.config());
    }

    /**
     * The sources and notes of the notebook whose passages are indexed for their current text; the others
     * ({@code pending}, {@code indexing}, {@code failed}) have none yet, or stale ones.
     */
    private Set<String> readyItems(Notebook notebook) {
        List<?> ids = em.createNativeQuery("SELECT id FROM source WHERE notebook_id = ?1 AND status = ?2 "
                        + "UNION ALL SELECT id FROM note WHERE notebook_id = ?3 AND status = ?4")
                .setParameter(1, notebook.id()).setParameter(2, READY)
                .setParameter(3, notebook.id()).setParameter(4, READY).getResultList();
        Set<String> ready = new HashSet<>();
        ids.forEach(id -> ready.add((String) id));
        return ready;
    }

    static List<ContextDocument> documents(NotebookContext context) {
        List<ContextDocument> documents = new ArrayList<>();
        context.sources().forEach(s -> documents.add(new ContextDocument(s.title(), s.content())));
        context.notes().forEach(n -> documents.add(new ContextDocument(n.title(), n.content())));
        return documents;
    }
}
