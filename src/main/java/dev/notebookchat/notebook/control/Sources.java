package dev.notebookchat.notebook.control;

import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.notebook.entity.Source;
import dev.notebookchat.notebook.entity.ItemChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.Query;
import jakarta.ws.rs.NotFoundException;

import java.sql.Clob;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

@ApplicationScoped
public class Sources {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    @Inject
    NotebookLimits limits;

    /** Keeps the notebook's passages in step (retrieval), within this transaction and after it commits. */
    @Inject
    Event<ItemChanged> changed;

    /** A source and the size of its text, without the text: what a context decides and measures by ({@link Notebooks#measures}). */
    public record Measure(String id, String title, String summary, long length) {
    }

    public Source add(Notebook notebook, String title, String content, String summary) {
        limits.roomForSource(notebook, NotebookLimits.characters(content) + NotebookLimits.characters(summary));
        Source source = new Source(notebook, title, content, summary);
        em.persist(source);
        notebook.touch();
        changed.fire(ItemChanged.of(source, true));
        return source;
    }

    /** {@code null} leaves a part unchanged. */
    public void update(Source source, String title, String content, String summary) {
        long grows = (content == null ? 0 : NotebookLimits.characters(content) - NotebookLimits.characters(source.content()))
                + (summary == null ? 0 : NotebookLimits.characters(summary) - NotebookLimits.characters(source.summary()));
        limits.roomFor(source.notebook(), grows);
        boolean retitled = title != null && !title.equals(source.title());
        boolean rewritten = content != null && !content.equals(source.content());
        if (rewritten || retitled) {
            // Before the row changes, so the notebook is locked before the item (retrieval's PassageTable.bump).
            changed.fire(ItemChanged.of(source, rewritten));
        }
        source.update(title, content, summary);
    }

    /** The whole texts of these sources, by id. */
    public Map<String, String> contents(Collection<String> ids) {
        return texts(ids.isEmpty() ? List.of() : em.createNamedQuery(Source.CONTENTS, Object[].class)
                .setParameter("ids", ids).getResultList());
    }

    /**
     * The first {@code characters} characters of these sources, by id. SQL rather than JPQL: EclipseLink
     * binds no parameter of a query whose {@code SUBSTRING} takes one, so the JPQL form went to the
     * database as new text for every id list, parsed and planned again each time (it runs on every turn
     * whose sources have no summary) and never held by the statement cache.
     */
    public Map<String, String> beginnings(Collection<String> ids, int characters) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        StringJoiner placeholders = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < ids.size(); i++) {
            placeholders.add("?" + (i + 2));
        }
        Query query = em.createNativeQuery("SELECT id, SUBSTRING(content, 1, ?1) FROM source WHERE id IN " + placeholders)
                .setParameter(1, characters);
        int position = 2;
        for (String id : ids) {
            query.setParameter(position++, id);
        }
        List<?> rows = query.getResultList();
        return texts(rows.stream().map(row -> (Object[]) row).toList());
    }

    static Map<String, String> texts(List<Object[]> rows) {
        Map<String, String> texts = new HashMap<>();
        for (Object[] row : rows) {
            texts.put((String) row[0], text(row[1]));
        }
        return texts;
    }

    /** A text computed by the database may come back as a CLOB (H2) rather than a string. */
    public static String text(Object value) {
        if (value instanceof Clob clob) {
            try {
                return clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length()));
            } catch (SQLException e) {
                throw new PersistenceException(e);
            }
        }
        return (String) value;
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

    /** Its passages go with it (ON DELETE CASCADE in the schema). */
    public void delete(Source source) {
        // Before the row goes: whoever keeps the passages locks the notebook first (retrieval's PassageTable.bump).
        changed.fire(ItemChanged.of(source, false));
        em.remove(source);
    }
}
