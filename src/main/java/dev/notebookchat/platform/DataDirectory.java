package dev.notebookchat.platform;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The folder for what the server generates on first start and must keep: the dev login's signing
 * key, the credential encryption key and the embedded H2 database. It lives under the server's
 * output folder, never in the source tree.
 *
 * <p>Only the server's own user may enter it (0700) and read a secret in it (0600), from the moment
 * each is created: the permissions are given to the create call itself, never set afterwards, so no
 * other local user can open a file in the window between. H2 creates its files itself
 * ({@code notebookchat.mv.db}, and {@code .trace.db} after an error) with the process umask, often
 * readable by all; the folder around them is what keeps them private, which is why it is made before
 * the database is first opened. A file system without POSIX permissions (Windows) gets plain
 * creates and relies on its folder ACLs.
 */
@ApplicationScoped
public class DataDirectory {

    static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    @Inject
    @ConfigProperty(name = "notebookchat.data-dir", defaultValue = "notebookchat-data")
    String directory;

    public Path path() {
        return Path.of(directory);
    }

    /** Before the migrations, which open the H2 database in this folder (they observe with priority 1). */
    void onStart(@Observes @Priority(0) @Initialized(ApplicationScoped.class) Object started) {
        privateFolder(path());
    }

    /**
     * Reads a secret file, creating it with {@code generated} first if it does not exist yet. Created
     * readable by the owner only; a concurrent first start keeps whichever file won the race.
     */
    public byte[] secret(Path file, Supplier<byte[]> generated) {
        try {
            if (!Files.exists(file)) {
                privateFolder(file.toAbsolutePath().getParent());
                try (OutputStream out = createOwnerOnly(file)) {
                    out.write(generated.get());
                } catch (FileAlreadyExistsException raced) {
                    // another start wrote it first: use that one
                }
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create " + file, e);
        }
    }

    /**
     * Creates {@code folder} (and missing parents) as 0700. One that exists already is narrowed to
     * 0700 too: a folder from an older version may have been made with the umask.
     */
    static void privateFolder(Path folder) {
        try {
            if (Files.isDirectory(folder)) {
                narrow(folder);
                return;
            }
            try {
                Files.createDirectories(folder, posix(OWNER_ONLY_FOLDER));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(folder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data folder " + folder, e);
        }
    }

    private static OutputStream createOwnerOnly(Path file) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return Channels.newOutputStream(Files.newByteChannel(file, options, posix(OWNER_ONLY_FILE)));
        } catch (UnsupportedOperationException notPosix) {
            return Channels.newOutputStream(Files.newByteChannel(file, options));
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> posix(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }

    private static void narrow(Path folder) {
        try {
            if (!Files.getPosixFilePermissions(folder).equals(OWNER_ONLY_FOLDER)) {
                Files.setPosixFilePermissions(folder, OWNER_ONLY_FOLDER);
            }
        } catch (UnsupportedOperationException | IOException notPosixOrNotOurs) {
            // Windows, or a folder another user owns and set up on purpose: leave it as it is
        }
    }
}
