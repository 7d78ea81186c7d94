package dev.notebookchat.notebook.control;

import dev.notebookchat.notebook.entity.Note;
import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.notebook.entity.ItemChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.NotFoundException;

import java.util.Collection;
import java.util.List;
import java.util.Map;

@ApplicationScoped
public class Notes {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    @Inject
    NotebookLimits limits;

    /** Keeps the notebook's passages in step (retrieval), within this transaction and after it commits. */
    @Inject
    Event<ItemChanged> changed;

    /** A note and the size of its text, without the text ({@link Notebooks#measures}). */
    public record Measure(String id, String title, long length) {
    }

    public Note add(Notebook notebook, String title, String content) {
        limits.roomFor(notebook, NotebookLimits.characters(content));
        Note note = new Note(notebook, title, content);
        em.persist(note);
        notebook.touch();
        changed.fire(ItemChanged.of(note, true));
        return note;
    }

    /** {@code null} leaves a part unchanged. */
    public void update(Note note, String title, String content) {
        if (content != null) {
            limits.roomFor(note.notebook(), NotebookLimits.characters(content) - NotebookLimits.characters(note.content()));
        }
        boolean retitled = title != null && !title.equals(note.title());
        boolean rewritten = content != null && !content.equals(note.content());
        if (rewritten || retitled) {
            // Before the row changes, so the notebook is locked before the item (retrieval's PassageTable.bump).
            changed.fire(ItemChanged.of(note, rewritten));
        }
        note.update(title, content);
    }

    /** The whole texts of these notes, by id. */
    public Map<String, String> contents(Collection<String> ids) {
        return Sources.texts(ids.isEmpty() ? List.of() : em.createNamedQuery(Note.CONTENTS, Object[].class)
                .setParameter("ids", ids).getResultList());
    }

    public List<Note> of(Notebook notebook) {
        return em.createNamedQuery(Note.BY_NOTEBOOK, Note.class).setParameter("notebook", notebook).getResultList();
    }

    public Note get(String owner, String id) {
        return em.createNamedQuery(Note.BY_ID_AND_OWNER, Note.class)
                .setParameter("id", id).setParameter("owner", owner)
                .getResultStream().findFirst()
                .orElseThrow(() -> new NotFoundException("Note not found."));
    }

    /** Its passages go with it (ON DELETE CASCADE in the schema). */
    public void delete(Note note) {
        // Before the row goes: whoever keeps the passages locks the notebook first (retrieval's PassageTable.bump).
        changed.fire(ItemChanged.of(note, false));
        em.remove(note);
    }
}
