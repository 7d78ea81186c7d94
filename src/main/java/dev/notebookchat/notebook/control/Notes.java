package dev.notebookchat.notebook.control;

import dev.notebookchat.notebook.entity.Note;
import dev.notebookchat.notebook.entity.Notebook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.NotFoundException;

import java.util.List;

@ApplicationScoped
public class Notes {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    public Note add(Notebook notebook, String title, String content) {
        Note note = new Note(notebook, title, content);
        em.persist(note);
        notebook.touch();
        return note;
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

    public void delete(Note note) {
        em.remove(note);
    }
}
