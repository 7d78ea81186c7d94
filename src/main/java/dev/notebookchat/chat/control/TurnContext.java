package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.provider.spi.ProviderRequest.ContextDocument;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * What a turn sends to its model, and what the answer will cite.
 *
 * @param mode             how the notebook entered the prompt
 * @param system           the system prompt: instructions and the context, rendered
 * @param documents        the context as separate documents (what the local model reads)
 * @param history          the session's recent messages that are sent, oldest first, without the new question
 * @param citations        the passages the answer cites, best first, unless {@code documentPassages} is set
 * @param documentPassages for a model that says which documents it quotes: the passage each document is
 *                         (null entries for documents that are not passages); otherwise null
 * @param laterCitations   for a prompt that did not need a search, the lookup of what the answer cites, from
 *                         the answer's text once it has ended; otherwise null
 */
public record TurnContext(Mode mode, String system, List<ContextDocument> documents, List<PromptMessage> history,
                         List<Citation> citations, List<Citation> documentPassages,
                         Function<String, List<Citation>> laterCitations) {

    public enum Mode {
        /** The selection as the context config asks, since it fits. */
        WHOLE,
        /** The selection's passages closest to the question, as many as fit, since the whole does not. */
        PASSAGES,
        /** The local model's reading: the closest passages of the whole texts. */
        LOCAL
    }

    public TurnContext {
        documents = List.copyOf(documents);
        history = List.copyOf(history);
        citations = List.copyOf(citations);
        documentPassages = documentPassages == null ? null : Collections.unmodifiableList(new ArrayList<>(documentPassages));
    }

    public TurnContext(Mode mode, String system, List<ContextDocument> documents, List<PromptMessage> history,
                       List<Citation> citations, List<Citation> documentPassages) {
        this(mode, system, documents, history, citations, documentPassages, null);
    }
}
