package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.chat.entity.NotebookContext;
import dev.notebookchat.chat.entity.NotebookContext.Item;
import dev.notebookchat.provider.spi.ProviderRequest.ContextDocument;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.retrieval.control.Passages;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static dev.notebookchat.chat.control.ContextBuilder.NOTE;
import static dev.notebookchat.chat.control.ContextBuilder.SOURCE;

/**
 * A turn's context built from passages instead of whole items: for a selection too large for the
 * model's window, and for the local model, which always quotes from passages of the full texts.
 * Pure apart from the search it is given.
 */
final class PassageContext {

    /** Enough hits to fill the largest budget with short passages; the search ranks them all anyway. */
    static final int MAX_SEARCH = 5_000;

    /**
     * Passages are a few hundred characters or more, so a budget of {@code n} characters holds fewer than
     * n / 100 of them; a short note is one short passage, and a few more hits leave room for such.
     */
    static final int SHORTEST_PASSAGE = 100;
    static final int SHORT_ITEMS = 20;

    private PassageContext() {
    }

    /**
     * The passages of the ready items closest to {@code question}, best first, as many as fit in
     * {@code budget} characters of rendered context, and after them the stand-ins of the items whose
     * passages are not ready yet (just added or edited and still being indexed, or failed): their
     * summary or the start of their text, in notebook order, while they take at most half the budget,
     * so a notebook being indexed still answers from every item it can.
     *
     * @param standIns the items not ready, at their summary or beginning
     * @param history  the recent messages that fit beside the context
     */
    static TurnContext passages(Passages passages, String notebookId, String question, Collection<String> readyIds,
                                NotebookContext standIns, long budget, List<PromptMessage> history, int citationLimit) {
        long used = 0;
        StringBuilder standInText = new StringBuilder();
        List<ContextDocument> standInDocuments = new ArrayList<>();
        for (Item item : items(standIns)) {
            String section = ContextBuilder.section(standIns.sources().contains(item) ? SOURCE : NOTE, item.title(), item.content());
            if (used + section.length() <= budget / 2) {
                used += section.length();
                standInText.append(section);
                standInDocuments.add(new ContextDocument(item.title(), item.content()));
            }
        }

        List<Passages.Hit> hits = readyIds.isEmpty() || budget <= 0 ? List.of()
                : passages.search(notebookId, question, readyIds, searchLimit(budget));
        StringBuilder prompt = new StringBuilder(ContextBuilder.INSTRUCTIONS).append(ContextBuilder.PASSAGES_ONLY);
        List<ContextDocument> documents = new ArrayList<>();
        List<Citation> sent = new ArrayList<>();
        for (Passages.Hit hit : hits) {
            String heading = ContextBuilder.passageHeading(hit.title(), hit.number());
            String section = ContextBuilder.section(hit.sourceId() != null ? SOURCE : NOTE, heading, hit.text());
            if (used + section.length() > budget) {
                // A shorter one further down may still fit; the order stays best first.
                continue;
            }
            used += section.length();
            prompt.append(section);
            documents.add(new ContextDocument(heading, hit.text()));
            sent.add(citation(hit));
        }
        prompt.append(standInText);
        documents.addAll(standInDocuments);
        if (documents.isEmpty()) {
            prompt.append("\n\nThe notebook context is empty for this question.");
        }
        return new TurnContext(TurnContext.Mode.PASSAGES, prompt.toString(), documents, history,
                sent.subList(0, Math.min(citationLimit, sent.size())), null);
    }

    /**
     * What the local model reads: the {@code top} passages of the ready items closest to the question,
     * best first, then the whole text of each item whose passages are not ready yet (never a summary or
     * a cut beginning: it quotes whole sentences). Each passage document carries its citation, so the
     * answer cites exactly the passages its quotes come from.
     */
    static TurnContext local(Passages passages, String notebookId, String question, Collection<String> readyIds,
                             NotebookContext wholeTexts, List<PromptMessage> history, int top) {
        List<Passages.Hit> hits = readyIds.isEmpty() ? List.of() : passages.search(notebookId, question, readyIds, top);
        List<ContextDocument> documents = new ArrayList<>();
        List<Citation> documentPassages = new ArrayList<>();
        StringBuilder prompt = new StringBuilder(ContextBuilder.INSTRUCTIONS);
        for (Passages.Hit hit : hits) {
            // The title alone: the answer names the item a quote comes from, the citation its passage.
            documents.add(new ContextDocument(hit.title(), hit.text()));
            documentPassages.add(citation(hit));
            prompt.append(ContextBuilder.section(hit.sourceId() != null ? SOURCE : NOTE,
                    ContextBuilder.passageHeading(hit.title(), hit.number()), hit.text()));
        }
        for (Item item : items(wholeTexts)) {
            documents.add(new ContextDocument(item.title(), item.content()));
            documentPassages.add(null);
            prompt.append(ContextBuilder.section(wholeTexts.sources().contains(item) ? SOURCE : NOTE, item.title(), item.content()));
        }
        return new TurnContext(TurnContext.Mode.LOCAL, prompt.toString(), documents, history, List.of(), documentPassages);
    }

    static Citation citation(Passages.Hit hit) {
        return new Citation(hit.sourceId(), hit.noteId(), hit.title(), hit.number(), hit.text());
    }

    static int searchLimit(long budget) {
        return (int) Math.min(MAX_SEARCH, budget / SHORTEST_PASSAGE + SHORT_ITEMS);
    }

    private static List<Item> items(NotebookContext context) {
        List<Item> items = new ArrayList<>(context.sources());
        items.addAll(context.notes());
        return items;
    }
}
