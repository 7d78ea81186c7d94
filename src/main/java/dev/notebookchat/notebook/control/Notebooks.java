package dev.notebookchat.notebook.control;

import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.notebook.entity.NotebookDeleting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.NotFoundException;

import java.util.ArrayList;
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

    /** A notebook's sources and notes with the size of each text, without the texts, each kind oldest first. */
    public record Measures(List<Sources.Measure> sources, List<Notes.Measure> notes) {
    }

    /**
     * What a context is decided and measured by, for both kinds in one statement: a turn start reads
     * it every time. SQL rather than JPQL, which has no {@code UNION}.
     */
    public Measures measures(Notebook notebook) {
        List<Sources.Measure> sources = new ArrayList<>();
        List<Notes.Measure> notes = new ArrayList<>();
        List<?> rows = em.createNativeQuery("SELECT 0, id, title, summary, LENGTH(content), created FROM source WHERE notebook_id = ?1 "
                        + "UNION ALL SELECT 1, id, title, NULL, LENGTH(content), created FROM note WHERE notebook_id = ?2 "
                        + "ORDER BY 1, 6, 2")
                .setParameter(1, notebook.id()).setParameter(2, notebook.id()).getResultList();
        for (Object result : rows) {
            Object[] row = (Object[]) result;
            String id = (String) row[1];
            String title = Sources.text(row[2]);
            long length = ((Number) row[4]).longValue();
            if (((Number) row[0]).intValue() == 0) {
                sources.add(new Sources.Measure(id, title, Sources.text(row[3]), length));
            } else {
                notes.add(new Notes.Measure(id, title, length));
            }
        }
        return new Measures(sources, notes);
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
