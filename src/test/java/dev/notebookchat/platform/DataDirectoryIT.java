package dev.notebookchat.platform;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The running server's data folder and the secrets it generated there belong to its user alone. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DataDirectoryIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Test
    void theDataFolderAndItsSecretsAreOwnerOnly() throws IOException {
        Api.newUser("alice");
        Path data = Path.of(System.getProperty("it.server.directory"), "notebookchat-data");
        assertTrue(Files.isDirectory(data), data + " exists");
        assumeTrue(data.getFileSystem().supportedFileAttributeViews().contains("posix"), "file modes exist only on POSIX");

        assertEquals("rwx------", mode(data), "the folder");
        assertEquals("rw-------", mode(data.resolve("dev-login-private-key.pem")), "the dev login's signing key");
        assertEquals("rw-------", mode(data.resolve("credentials.key")), "the key that encrypts stored API keys");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
