package dev.notebookchat.platform;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The defaults Open Liberty's {@code server.xml} gives as variables, computed by the application for
 * servers that have no such file (Payara): the data folder, and where MicroProfile JWT finds the dev
 * login's public key and which issuer it expects. Its ordinal is the lowest, so any other source
 * (server variables, environment, system properties, {@code microprofile-config.properties}) wins.
 *
 * <p>It reads the data folder's own setting from the environment and system properties directly, since
 * a config source cannot ask the config it belongs to.
 */
public class PortableDefaults implements ConfigSource {

    static final String DATA_DIR = "notebookchat.data-dir";
    static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String ISSUER = "mp.jwt.verify.issuer";

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(DATA_DIR, PUBLIC_KEY_LOCATION, ISSUER);
    }

    @Override
    public String getValue(String name) {
        return switch (name) {
            case DATA_DIR -> dataDirectory().toString();
            case PUBLIC_KEY_LOCATION -> dataDirectory().resolve("dev-login-public-key.pem").toUri().toString();
            case ISSUER -> "notebookchat-dev";
            default -> null;
        };
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(DATA_DIR, getValue(DATA_DIR), PUBLIC_KEY_LOCATION, getValue(PUBLIC_KEY_LOCATION), ISSUER, getValue(ISSUER));
    }

    @Override
    public String getName() {
        return "Notebook Chat portable defaults";
    }

    @Override
    public int getOrdinal() {
        return 0;
    }

    /**
     * The configured folder, else {@code notebookchat-data} in the working directory (where Liberty's
     * default puts it too). Not Payara Micro's instance folder: that is a temporary one, deleted on exit.
     */
    static Path dataDirectory() {
        String configured = System.getProperty(DATA_DIR, System.getenv("NOTEBOOKCHAT_DATA_DIR"));
        return Path.of(configured != null && !configured.isBlank() ? configured : "notebookchat-data").toAbsolutePath();
    }
}
