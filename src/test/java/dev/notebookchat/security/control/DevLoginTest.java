package dev.notebookchat.security.control;

import dev.notebookchat.platform.DataDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dev login runs only where tokens are verified with its own key and issuer, and writes only its own files. */
class DevLoginTest {

    @TempDir
    Path data;

    DevLogin devLogin;

    @BeforeEach
    void devLoginOnWithItsOwnKey() {
        devLogin = new DevLogin();
        devLogin.enabled = true;
        devLogin.lifetimeSeconds = 3600;
        devLogin.dataDirectory = new DataDirectory() {
            @Override
            public Path path() {
                return data;
            }
        };
        devLogin.publicKeyLocation = Optional.of("file:" + data.resolve("dev-login-public-key.pem"));
        devLogin.verifiedIssuer = Optional.of("notebookchat-dev");
        devLogin.inlinePublicKey = Optional.empty();
    }

    @Test
    void startsWhereTokensAreVerifiedWithItsOwnKeyFileAndIssuer() {
        assertEquals(Optional.empty(), devLogin.conflict());

        devLogin.onStart(new Object());

        assertTrue(Files.isRegularFile(data.resolve("dev-login-private-key.pem")));
        assertTrue(Files.isRegularFile(data.resolve("dev-login-public-key.pem")));
    }

    @Test
    void theSameFileWrittenAsAFileUrlWithThreeSlashesIsItsOwn() {
        devLogin.publicKeyLocation = Optional.of("file://" + data.resolve("dev-login-public-key.pem"));

        assertEquals(Optional.empty(), devLogin.conflict());
    }

    @Test
    void refusesToStartWhenTokensAreVerifiedWithAJwksUrl() {
        String jwks = "https://login.example.test/realms/acme/protocol/openid-connect/certs";
        devLogin.publicKeyLocation = Optional.of(jwks);

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> devLogin.onStart(new Object()));

        assertEquals("Dev login is on (notebookchat.dev-login, NOTEBOOKCHAT_DEV_LOGIN) but mp.jwt.verify.publickey.location points to "
                + jwks + ", not to its own key " + data.resolve("dev-login-public-key.pem").toUri() + ". Dev login only runs where "
                + "it verifies its own tokens: set NOTEBOOKCHAT_DEV_LOGIN=false where an identity provider signs the tokens, "
                + "or remove that setting for local development.", refused.getMessage());
        try (var files = Files.list(data)) {
            assertEquals(0, files.count(), "no key was written");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void refusesAnotherKeyFileEvenInTheDataFolder() {
        devLogin.publicKeyLocation = Optional.of("file:" + data.resolve("idp-public-key.pem"));

        assertTrue(devLogin.conflict().orElseThrow().contains("points to file:" + data.resolve("idp-public-key.pem")));
    }

    @Test
    void refusesAnInlineKey() {
        devLogin.inlinePublicKey = Optional.of("{\"keys\":[]}");

        assertTrue(devLogin.conflict().orElseThrow().contains("mp.jwt.verify.publickey holds another key."));
    }

    @Test
    void refusesAnotherIssuer() {
        devLogin.verifiedIssuer = Optional.of("https://login.example.test/realms/acme");

        assertTrue(devLogin.conflict().orElseThrow().contains(
                "mp.jwt.verify.issuer is https://login.example.test/realms/acme, not its own issuer notebookchat-dev."));
    }

    @Test
    void whenOffItChecksNothingAndWritesNothing() {
        devLogin.enabled = false;
        devLogin.publicKeyLocation = Optional.of("https://login.example.test/certs");

        devLogin.onStart(new Object());

        assertFalse(Files.exists(data.resolve("dev-login-private-key.pem")));
    }

    @Test
    void itsTokensCarryItsOwnIssuerAndTheUserAsSubjectAndPreferredUsername() {
        devLogin.verifiedIssuer = Optional.of("https://login.example.test/realms/acme");
        String token = devLogin.issue("alice");

        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(payload))) {
            var claims = reader.readObject();
            assertEquals("notebookchat-dev", claims.getString("iss"));
            assertEquals("alice", claims.getString("sub"));
            assertEquals("alice", claims.getString("preferred_username"));
        }
    }
}
