package dev.notebookchat.problems;

import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnexpectedFailureMapperTest {

    private static final Logger LOG = Logger.getLogger(UnexpectedFailureMapper.class.getName());
    private static Level level;

    private final UnexpectedFailureMapper mapper = new UnexpectedFailureMapper();

    @BeforeAll
    static void quietly() {
        PlainRuntimeDelegate.install();
        level = LOG.getLevel();
        LOG.setLevel(Level.OFF);
    }

    @AfterAll
    static void restoreLogging() {
        LOG.setLevel(level);
    }

    @Test
    void aDatabaseFaultIsFoundAnywhereInTheCauses() {
        assertTrue(UnexpectedFailureMapper.isDatabaseFault(new SQLException("Connection refused")));
        assertTrue(UnexpectedFailureMapper.isDatabaseFault(new PersistenceException("could not open connection")));
        assertTrue(UnexpectedFailureMapper.isDatabaseFault(new RuntimeException("wrapped",
                new PersistenceException(new SQLTransientConnectionException("Connection is not available")))));
        assertTrue(UnexpectedFailureMapper.isDatabaseFault(new IllegalStateException("commit failed", new RollbackException("rolled back"))));
    }

    @Test
    void otherFailuresAreNotDatabaseFaults() {
        assertFalse(UnexpectedFailureMapper.isDatabaseFault(new IllegalStateException("boom")));
        assertFalse(UnexpectedFailureMapper.isDatabaseFault(new RuntimeException(new IllegalArgumentException("bad"))));
    }

    @Test
    void aCycleInTheCausesEndsTheSearch() {
        // Initialising causes allows a cycle; the search must end rather than hold the request thread forever.
        RuntimeException outer = new RuntimeException("outer");
        IllegalStateException inner = new IllegalStateException("inner", outer);
        outer.initCause(inner);

        assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> UnexpectedFailureMapper.isDatabaseFault(outer)));
    }

    @Test
    void aDatabaseFaultIsA503TheClientMayRetry() {
        Response response = mapper.toResponse(new RuntimeException(new PersistenceException("SELECT * FROM notebook failed")));

        assertEquals(503, response.getStatus());
        assertEquals(new ApiError("unavailable", "The database is unavailable right now. Try again shortly."), response.getEntity());
    }

    @Test
    void aUniqueKeyThatRefusedASimultaneousWriteIsAConflictNotAnOutage() {
        Response response = mapper.toResponse(new PersistenceException("commit failed", new RollbackException("rolled back")
                .initCause(new SQLException("duplicate key value violates unique constraint \"credential_per_provider\"", "23505"))));

        assertEquals(409, response.getStatus());
        assertEquals(new ApiError("conflict", "Another request changed the same thing at the same moment. Reload and try again."),
                response.getEntity());
    }

    @Test
    void aReferenceToARowDeletedMeanwhileIsNotFound() {
        Response postgres = mapper.toResponse(new PersistenceException(new SQLException("violates foreign key constraint", "23503")));
        Response h2 = mapper.toResponse(new PersistenceException(new SQLException("Referential integrity constraint violation", "23506")));

        ApiError vanished = new ApiError("not_found", "What this request refers to was deleted meanwhile.");
        assertEquals(404, postgres.getStatus());
        assertEquals(vanished, postgres.getEntity());
        assertEquals(404, h2.getStatus());
        assertEquals(vanished, h2.getEntity());
    }

    @Test
    void aBatchTellsItsFailureInItsNextException() {
        SQLException batch = new SQLException("Batch entry 0 was aborted", "08006");
        batch.setNextException(new SQLException("duplicate key", "23505"));

        assertEquals(DatabaseFailure.DUPLICATE, DatabaseFailure.of(new PersistenceException(batch)));
        assertEquals(DatabaseFailure.OTHER, DatabaseFailure.of(new PersistenceException(new SQLException("Connection refused", "08001"))));
        assertEquals(DatabaseFailure.OTHER, DatabaseFailure.of(new IllegalStateException("boom")));
    }

    @Test
    void anythingElseIsA500NamingOnlyAnIncident() {
        Response response = mapper.toResponse(new IllegalStateException("secret internals"));

        assertEquals(500, response.getStatus());
        ApiError error = (ApiError) response.getEntity();
        assertEquals("internal", error.error());
        assertTrue(error.message().matches("Something went wrong on the server \\(incident [0-9a-f-]{36}\\)\\."), error.message());
    }
}
