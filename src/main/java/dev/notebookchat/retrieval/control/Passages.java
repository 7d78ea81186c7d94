package dev.notebookchat.retrieval.control;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/**
 * A notebook's passages, searched by meaning: the ones most similar to a question among the items a
 * turn may use.
 */
@ApplicationScoped
public class Passages {

    /**
     * A passage found for a question. Exactly one of {@code sourceId} and {@code noteId} is set;
     * {@code number} counts the item's passages from 1; {@code text} is an exact substring of the item's
     * content; {@code score} is the cosine similarity to the question.
     */
    public record Hit(String sourceId, String noteId, String title, int number, String text, float score) {
    }

    /**
     * The {@code limit} passages of the notebook most similar to {@code question}, best first, among the
     * passages of the sources and notes whose ids are in {@code itemIds}. Items not indexed yet have none.
     */
    public List<Hit> search(String notebookId, String question, Collection<String> itemIds, int limit) {
        return List.of();
    }
}
