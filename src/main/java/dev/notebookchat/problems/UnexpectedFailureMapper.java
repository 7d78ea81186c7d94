package dev.notebookchat.problems;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last net. A write refused because of a simultaneous request is a 409 (a unique key) or a 404
 * (what it referred to was deleted meanwhile); a database that cannot be reached is a 503 the client
 * may retry; anything else is logged under an incident id that the answer names, so the body
 * carries nothing internal.
 */
@Provider
public class UnexpectedFailureMapper implements ExceptionMapper<Exception> {

    private static final Logger LOG = Logger.getLogger(UnexpectedFailureMapper.class.getName());

    @Override
    public Response toResponse(Exception e) {
        var tooLarge = BodyTooLarge.in(e);
        if (tooLarge.isPresent()) {
            return tooLarge.get().response();
        }
        switch (DatabaseFailure.of(e)) {
            case DUPLICATE -> {
                LOG.log(Level.FINE, "A write ran into a simultaneous one", e);
                return ApiError.response(409, "Another request changed the same thing at the same moment. Reload and try again.");
            }
            case VANISHED_REFERENCE -> {
                LOG.log(Level.FINE, "A write referred to a row deleted meanwhile", e);
                return ApiError.response(404, "What this request refers to was deleted meanwhile.");
            }
            default -> {
            }
        }
        if (isDatabaseFault(e)) {
            LOG.log(Level.WARNING, "Database unavailable", e);
            return ApiError.response(503, "The database is unavailable right now. Try again shortly.");
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected failure, incident " + incident, e);
        return ApiError.response(500, "Something went wrong on the server (incident " + incident + ").");
    }

    static boolean isDatabaseFault(Throwable e) {
        // A cause chain may loop back on itself; stop at the first repeat rather than spin forever.
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof PersistenceException || t instanceof SQLException
                    || t.getClass().getName().startsWith("jakarta.transaction.")) {
                return true;
            }
        }
        return false;
    }
}
