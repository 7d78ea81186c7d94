package dev.notebookchat.platform;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PortableDefaultsTest {

    final PortableDefaults defaults = new PortableDefaults();

    @AfterEach
    void forgetDataDirectory() {
        System.clearProperty("notebookchat.data-dir");
    }

    @Test
    void theDevLoginKeyIsVerifiedWhereTheDataFolderIs() {
        System.setProperty("notebookchat.data-dir", "/srv/notebookchat");

        assertEquals("/srv/notebookchat", defaults.getValue("notebookchat.data-dir"));
        assertEquals("file:///srv/notebookchat/dev-login-public-key.pem", defaults.getValue("mp.jwt.verify.publickey.location"));
        assertEquals("notebookchat-dev", defaults.getValue("mp.jwt.verify.issuer"));
    }

    @Test
    void withoutASettingTheDataFolderIsInTheWorkingDirectory() {
        Path expected = Path.of(System.getProperty("user.dir"), "notebookchat-data");

        assertEquals(expected.toString(), defaults.getValue("notebookchat.data-dir"));
        assertEquals(expected.resolve("dev-login-public-key.pem").toUri().toString(), defaults.getValue("mp.jwt.verify.publickey.location"));
    }

    @Test
    void everyOtherSourceWinsAndOtherNamesAreNotAnswered() {
        assertEquals(0, defaults.getOrdinal());
        assertNull(defaults.getValue("notebookchat.db.url"));
    }
}
