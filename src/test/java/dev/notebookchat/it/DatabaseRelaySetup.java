package dev.notebookchat.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * In the PostgreSQL pass, puts a {@link DatabaseProxy} between the server and PostgreSQL before the
 * server starts: a configuration drop-in in the server's folder points its database URL at the
 * proxy (a variable with a value in the configuration wins over the environment's). Any other run
 * removes that drop-in, so the H2 pass, which shares the server folder, never sees it.
 */
public class DatabaseRelaySetup implements LauncherSessionListener {

    static final String DROP_IN = "configDropins/overrides/it-database-proxy.xml";

    private DatabaseProxy proxy;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String serverDirectory = System.getProperty("it.server.directory");
        if (serverDirectory == null) {
            return;
        }
        Path dropIn = Path.of(serverDirectory).resolve(DROP_IN);
        String postgresUrl = System.getProperty("it.postgres.url");
        try {
            if (postgresUrl == null || !"postgresql".equals(System.getProperty("it.database"))) {
                Files.deleteIfExists(dropIn);
                return;
            }
            proxy = DatabaseProxy.start(postgresUrl);
            Files.createDirectories(dropIn.getParent());
            Files.writeString(dropIn, "<server>\n    <variable name=\"notebookchat.db.url\" value=\""
                    + xml(proxy.proxied(postgresUrl)) + "\"/>\n</server>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }
}
