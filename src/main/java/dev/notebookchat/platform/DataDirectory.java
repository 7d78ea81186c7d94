package dev.notebookchat.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The folder for what the server generates on first start and must keep: the dev login's signing
 * key, the credential encryption key and the embedded H2 database. It lives under the server's
 * output folder, never in the source tree.
 */
@ApplicationScoped
public class DataDirectory {

    @Inject
    @ConfigProperty(name = "notebookchat.data-dir", defaultValue = "notebookchat-data")
    String directory;

    public Path path() {
        return Path.of(directory);
    }

    /**
     * Reads a secret file, creating it with {@code generated} first if it does not exist yet. Created
     * readable by the owner only; a concurrent first start keeps whichever file won the race.
     */
    public byte[] secret(Path file, java.util.function.Supplier<byte[]> generated) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                try {
                    Files.write(file, generated.get(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    restrictToOwner(file);
                } catch (FileAlreadyExistsException raced) {
                    // another start wrote it first: use that one
                }
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create " + file, e);
        }
    }

    private static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException notPosix) {
            // Windows: the folder's ACL applies
        }
    }
}
