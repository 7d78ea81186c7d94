package dev.notebookchat.notebook.entity;

/**
 * Fired in the transaction that adds, edits or deletes a source or a note (exactly one of
 * {@code sourceId} and {@code noteId} is set), so the passages of the notebook follow without the
 * notebook component knowing who keeps them. {@code reindex}: its text is new or changed (the item is
 * now {@link IndexStatus#pending}); otherwise only what is shown with its passages (the title) changed,
 * or it is gone.
 */
public record ItemChanged(String notebookId, String sourceId, String noteId, boolean reindex) {

    public static ItemChanged of(Source source, boolean reindex) {
        return new ItemChanged(source.notebook().id(), source.id(), null, reindex);
    }

    public static ItemChanged of(Note note, boolean reindex) {
        return new ItemChanged(note.notebook().id(), null, note.id(), reindex);
    }
}
