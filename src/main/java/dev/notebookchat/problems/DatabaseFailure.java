package dev.notebookchat.problems;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * What a refused write says about the request rather than about the database: a constraint that
 * two simultaneous requests ran into is a conflict or a vanished row, not an outage. Told by the
 * standard SQLSTATE, which H2 and PostgreSQL share.
 */
public enum DatabaseFailure {
    /** A unique key refused a second row: two requests wrote the same thing at once (SQLSTATE 23505). */
    DUPLICATE,
    /** A row referred to one that was deleted meanwhile, e.g. a message saved into a deleted session (23503, H2's 23506). */
    VANISHED_REFERENCE,
    /** Anything else, outages included. */
    OTHER;

    public static DatabaseFailure of(Throwable e) {
        // A cause chain may loop back on itself; stop at the first repeat rather than spin forever.
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql) {
                // A batch reports the statement that failed as its next exception.
                for (SQLException s = sql; s != null && (s == sql || seen.add(s)); s = s.getNextException()) {
                    String state = s.getSQLState();
                    if ("23505".equals(state)) {
                        return DUPLICATE;
                    }
                    if ("23503".equals(state) || "23506".equals(state)) {
                        return VANISHED_REFERENCE;
                    }
                }
            }
        }
        return OTHER;
    }
}
