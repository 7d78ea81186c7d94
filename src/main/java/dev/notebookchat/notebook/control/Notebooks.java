package dev.notebookchat.notebook.control;

import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.notebook.entity.NotebookDeleting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.NotFoundException;

import java.util.List;
import java.util.Optional;

/** Notebooks by owner. A notebook of someone else is reported exactly like a missing one. */
@ApplicationScoped
public class Notebooks {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    @Inject
    Event<NotebookDeleting> deleting;

    public Notebook create(String owner, String name, String description) {
        Notebook notebook = new Notebook(owner, name, description);
        em.persist(notebook);
        return notebook;
    }

    public List<Notebook> all(String owner) {
        return em.createNamedQuery(Notebook.BY_OWNER, Notebook.class).setParameter("owner", owner).getResultList();
    }

    public Optional<Notebook> find(String owner, String id) {
        return Optional.ofNullable(id == null ? null : em.find(Notebook.class, id)).filter(n -> n.ownedBy(owner));
    }

    public Notebook get(String owner, String id) {
        return find(owner, id).orElseThrow(() -> new NotFoundException("Notebook not found."));
    }

    /**
     * Sources, notes and chat sessions go with it (ON DELETE CASCADE in the schema). Whoever holds
     * work for the notebook (a running turn) hears of it first, synchronously, and lets go.
     */
    public void delete(Notebook notebook) {
        deleting.fire(new NotebookDeleting(notebook.id()));
        em.remove(notebook);
        em.flush();
    }
}
