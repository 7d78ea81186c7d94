package dev.notebookchat.notebook.control;

import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.notebook.entity.Source;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.NotFoundException;

import java.util.List;

@ApplicationScoped
public class Sources {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    public Source add(Notebook notebook, String title, String content, String summary) {
        Source source = new Source(notebook, title, content, summary);
        em.persist(source);
        notebook.touch();
        return source;
    }

    public List<Source> of(Notebook notebook) {
        return em.createNamedQuery(Source.BY_NOTEBOOK, Source.class).setParameter("notebook", notebook).getResultList();
    }

    public Source get(String owner, String id) {
        return em.createNamedQuery(Source.BY_ID_AND_OWNER, Source.class)
                .setParameter("id", id).setParameter("owner", owner)
                .getResultStream().findFirst()
                .orElseThrow(() -> new NotFoundException("Source not found."));
    }

    public void delete(Source source) {
        em.remove(source);
    }
}
