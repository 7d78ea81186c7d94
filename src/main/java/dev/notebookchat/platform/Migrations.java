package dev.notebookchat.platform;

import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings the schema to the newest migration in {@code db/migration} when the application starts,
 * before any request can reach JPA. The same scripts serve H2 and PostgreSQL.
 *
 * <p>Flyway asks its data source for a second connection while it holds the first (one for the
 * schema history, one for the migrations); here both are one pooled connection, so the application
 * never holds two connections on one thread, not even once at startup, and the server's connection
 * manager can enforce that (server.xml). Its lock on the schema history is then a session lock on
 * that connection rather than a transaction's, which a migration's own commit would release early.
 */
@ApplicationScoped
public class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

    /** Unshared: closed, it goes back to the pool at once rather than when the starting thread's work ends. */
    @Resource(lookup = "jdbc/notebookchat", shareable = false)
    DataSource dataSource;

    void migrate(@Observes @Priority(1) @Initialized(ApplicationScoped.class) Object started) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            migrate(connection);
        }
    }

    private void migrate(Connection connection) {
        FluentConfiguration configuration = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(OneConnection.of(connection))
                // On Liberty, Flyway finds a classpath folder (db/migration, db/callback) by its flyway.location marker.
                .locations("classpath:db/migration");
        PostgreSQLConfigurationExtension postgresql = configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class);
        if (postgresql != null) {
            postgresql.setTransactionalLock(false);
        }
        MigrateResult result = configuration.load().migrate();
        LOG.info("Database schema at version " + result.targetSchemaVersion
                + " (" + result.migrationsExecuted + " migrations applied now)");
    }

    /** A data source that hands out one open connection, again and again; closing what it handed out leaves it open. */
    static final class OneConnection implements DataSource {
        private final Connection kept;

        private OneConnection(Connection kept) {
            this.kept = kept;
        }

        static DataSource of(Connection connection) {
            return new OneConnection((Connection) Proxy.newProxyInstance(Migrations.class.getClassLoader(),
                    new Class<?>[]{Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "close" -> null;
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "toString" -> "the migrations' connection";
                        default -> {
                            try {
                                yield method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    }));
        }

        @Override
        public Connection getConnection() {
            return kept;
        }

        @Override
        public Connection getConnection(String user, String password) {
            return kept;
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // nothing to log
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // the connection is open already
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
