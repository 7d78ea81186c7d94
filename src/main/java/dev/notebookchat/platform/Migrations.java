package dev.notebookchat.platform;

import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings the schema to the newest migration in {@code db/migration} when the application starts,
 * before any request can reach JPA. The same scripts serve H2 and PostgreSQL.
 */
@ApplicationScoped
public class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

    @Resource(lookup = "jdbc/notebookchat")
    DataSource dataSource;

    void migrate(@Observes @Priority(1) @Initialized(ApplicationScoped.class) Object started) {
        MigrateResult result = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                // On Liberty, Flyway finds a classpath folder (db/migration, db/callback) by its flyway.location marker.
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info("Database schema at version " + result.targetSchemaVersion
                + " (" + result.migrationsExecuted + " migrations applied now)");
    }
}
