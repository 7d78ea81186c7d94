package dev.notebookchat.notebook.control;

import dev.notebookchat.notebook.entity.Note;
import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.notebook.entity.Source;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How much one notebook may hold: a number of sources, and characters in all (sources with their
 * summaries, and notes). Measured by the database, never by loading the texts. Too many sources is a
 * 409 (the notebook is full, nothing is wrong with the new one); too many characters a 413.
 */
@ApplicationScoped
public class NotebookLimits {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "notebookchat.notebook.max-sources", defaultValue = "500")
    int maxSources;

    @Inject
    @ConfigProperty(name = "notebookchat.notebook.max-characters", defaultValue = "20000000")
    long maxCharacters;

    /** Before a new source of {@code characters} (content and summary) is added. */
    public void roomForSource(Notebook notebook, long characters) {
        Object[] totals = lockAndMeasure(notebook);
        long sources = number(totals[0]);
        if (sources >= maxSources) {
            throw new ClientErrorException("This notebook already has " + sources + " sources, the most a notebook may hold ("
                    + maxSources + ", notebookchat.notebook.max-sources). Delete a source first.", Response.Status.CONFLICT);
        }
        requireRoom(number(totals[1]) + number(totals[2]) + notes(notebook), characters);
    }

    /** Before a note is added, or a source or note grows, by {@code addedCharacters}. */
    public void roomFor(Notebook notebook, long addedCharacters) {
        if (addedCharacters <= 0) {
            return;
        }
        Object[] totals = lockAndMeasure(notebook);
        requireRoom(number(totals[1]) + number(totals[2]) + notes(notebook), addedCharacters);
    }

    /** Characters as the database counts them (code points), so a measure and a limit agree. */
    public static long characters(String text) {
        return text == null ? 0 : text.codePointCount(0, text.length());
    }

    private void requireRoom(long current, long added) {
        if (current + added > maxCharacters) {
            throw new ClientErrorException("This would make the notebook " + (current + added) + " characters long; a notebook may hold at most "
                    + maxCharacters + " (notebookchat.notebook.max-characters). Shorten or delete sources or notes first.",
                    Response.Status.REQUEST_ENTITY_TOO_LARGE);
        }
    }

    /** Two simultaneous additions to one notebook take turns, so neither slips past the limit the other filled. */
    private Object[] lockAndMeasure(Notebook notebook) {
        em.lock(notebook, LockModeType.PESSIMISTIC_WRITE);
        return em.createNamedQuery(Source.TOTALS, Object[].class).setParameter("notebook", notebook).getSingleResult();
    }

    private long notes(Notebook notebook) {
        return number(em.createNamedQuery(Note.TOTAL_CHARACTERS).setParameter("notebook", notebook).getSingleResult());
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
