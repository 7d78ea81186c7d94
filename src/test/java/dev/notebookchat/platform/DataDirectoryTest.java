package dev.notebookchat.platform;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The data folder and its secrets belong to the server's user alone, from the moment they exist. */
class DataDirectoryTest {

    @TempDir
    Path temp;

    DataDirectory data;

    @BeforeEach
    void posixOnly() {
        assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "file modes exist only on a POSIX file system");
        data = new DataDirectory();
        data.directory = temp.resolve("server/notebookchat-data").toString();
    }

    @Test
    void theFolderIsCreatedForTheOwnerOnly() throws IOException {
        data.onStart(new Object());

        assertEquals("rwx------", mode(data.path()));
    }

    @Test
    void aFolderLeftByAnOlderVersionIsNarrowed() throws IOException {
        Files.createDirectories(data.path());
        Files.setPosixFilePermissions(data.path(), PosixFilePermissions.fromString("rwxr-xr-x"));

        data.onStart(new Object());

        assertEquals("rwx------", mode(data.path()));
    }

    /** The content is generated while the file already exists, so this sees the mode it was created with. */
    @Test
    void aSecretIsOwnerOnlyFromTheMomentItExists() throws IOException {
        Path key = data.path().resolve("credential-key");
        AtomicReference<String> modeWhileEmpty = new AtomicReference<>();

        byte[] read = data.secret(key, () -> {
            modeWhileEmpty.set(Files.exists(key) ? modeOrFail(key) : "not created yet");
            return "s3cret".getBytes(StandardCharsets.US_ASCII);
        });

        assertEquals("rw-------", modeWhileEmpty.get());
        assertEquals("rw-------", mode(key));
        assertEquals("rwx------", mode(data.path()), "the folder it needed was made owner-only too");
        assertArrayEquals("s3cret".getBytes(StandardCharsets.US_ASCII), read);
    }

    @Test
    void anExistingSecretIsReadAsItIs() throws IOException {
        Path key = data.path().resolve("credential-key");
        data.secret(key, () -> "first".getBytes(StandardCharsets.US_ASCII));

        byte[] again = data.secret(key, () -> "second".getBytes(StandardCharsets.US_ASCII));

        assertArrayEquals("first".getBytes(StandardCharsets.US_ASCII), again);
    }

    /**
     * H2 creates its own files with the process umask, so they may well be readable by all; what keeps
     * them private is that they can only be created inside the owner-only folder.
     */
    @Test
    void theEmbeddedDatabaseFilesLiveOnlyInsideTheOwnerOnlyFolder() throws IOException, SQLException {
        data.onStart(new Object());
        try (Connection db = DriverManager.getConnection("jdbc:h2:" + data.path().toAbsolutePath() + "/notebookchat", "sa", "");
             Statement sql = db.createStatement()) {
            sql.execute("create table t (x int)");
        }

        List<String> created;
        try (Stream<Path> files = Files.list(data.path())) {
            created = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("notebookchat.mv.db"), created);
        assertEquals("rwx------", mode(data.path()));
        assertTrue(Files.isRegularFile(data.path().resolve("notebookchat.mv.db")));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static String modeOrFail(Path path) {
        try {
            return mode(path);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
