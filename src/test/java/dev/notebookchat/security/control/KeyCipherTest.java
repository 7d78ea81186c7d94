package dev.notebookchat.security.control;

import dev.notebookchat.platform.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyCipherTest {

    static final String API_KEY = "sk-proj-Zq3xR9vLm2Tn8Kp4";
    static final String ALICE = "alice";

    final KeyCipher cipher = new KeyCipher(key(1));

    @Test
    void decryptsWhatItEncrypted() {
        String stored = cipher.encrypt(API_KEY, ALICE, "openai");

        assertEquals(API_KEY, cipher.decrypt(stored, ALICE, "openai"));
    }

    @Test
    void storedTextIsVersionedIvCiphertextAndTag() {
        String stored = cipher.encrypt(API_KEY, ALICE, "openai");

        assertTrue(stored.startsWith("v1:"), stored);
        byte[] payload = Base64.getDecoder().decode(stored.substring(3));
        assertEquals(12 + API_KEY.length() + 16, payload.length);
        assertFalse(stored.contains(API_KEY));
    }

    @Test
    void theSameKeyEncryptsDifferentlyEachTime() {
        String first = cipher.encrypt(API_KEY, ALICE, "openai");
        String second = cipher.encrypt(API_KEY, ALICE, "openai");

        assertNotEquals(first, second);
        assertEquals(API_KEY, cipher.decrypt(first, ALICE, "openai"));
        assertEquals(API_KEY, cipher.decrypt(second, ALICE, "openai"));
    }

    @Test
    void anyFlippedByteIsDetected() {
        byte[] payload = Base64.getDecoder().decode(cipher.encrypt(API_KEY, ALICE, "openai").substring(3));
        for (int i = 0; i < payload.length; i++) {
            byte[] tampered = payload.clone();
            tampered[i] ^= 0x01;
            String stored = "v1:" + Base64.getEncoder().encodeToString(tampered);
            assertThrows(KeyCipher.Undecryptable.class, () -> cipher.decrypt(stored, ALICE, "openai"), "byte " + i);
        }
    }

    @Test
    void aCiphertextMovedToAnotherOwnerOrProviderDoesNotDecrypt() {
        String stored = cipher.encrypt(API_KEY, ALICE, "openai");

        assertThrows(KeyCipher.Undecryptable.class, () -> cipher.decrypt(stored, "bob", "openai"));
        assertThrows(KeyCipher.Undecryptable.class, () -> cipher.decrypt(stored, ALICE, "groq"));
    }

    @Test
    void ownerAndProviderCannotBeShiftedIntoEachOther() {
        String stored = cipher.encrypt(API_KEY, "ab", "c");

        assertThrows(KeyCipher.Undecryptable.class, () -> cipher.decrypt(stored, "a", "bc"));
    }

    @Test
    void anotherEncryptionKeyCannotDecrypt() {
        String stored = cipher.encrypt(API_KEY, ALICE, "openai");

        assertThrows(KeyCipher.Undecryptable.class, () -> new KeyCipher(key(2)).decrypt(stored, ALICE, "openai"));
    }

    @Test
    void unknownFormatsAreUndecryptable() {
        assertThrows(KeyCipher.Undecryptable.class, () -> cipher.decrypt("v2:AAAA", ALICE, "openai"));
        assertThrows(KeyCipher.Undecryptable.class, () -> cipher.decrypt("v1:not base64!", ALICE, "openai"));
        assertThrows(KeyCipher.Undecryptable.class, () -> cipher.decrypt("v1:AAAA", ALICE, "openai"));
        assertThrows(KeyCipher.Undecryptable.class, () -> cipher.decrypt(null, ALICE, "openai"));
    }

    @Test
    void theFailureNamesTheProviderAndNothingSecret() {
        String stored = cipher.encrypt(API_KEY, ALICE, "openai");

        KeyCipher.Undecryptable failure = assertThrows(KeyCipher.Undecryptable.class,
                () -> new KeyCipher(key(2)).decrypt(stored, ALICE, "openai"));

        assertEquals("openai", failure.provider());
        assertEquals("The stored key for openai cannot be decrypted: it was encrypted with another "
                + "notebookchat.crypto.key or has been altered. Store the key again.", failure.getMessage());
        assertEquals(null, failure.getCause());
    }

    @Test
    void aConfiguredKeyIsUsedAsGiven(@TempDir Path data) {
        String configured = Base64.getEncoder().encodeToString(key(3).getEncoded());

        SecretKey loaded = KeyCipher.loadKey(Optional.of(configured), new DataDirectory(), data.resolve("credentials.key"));

        assertArrayEquals(key(3).getEncoded(), loaded.getEncoded());
        assertFalse(Files.exists(data.resolve("credentials.key")));
    }

    @Test
    void aConfiguredKeyOfTheWrongLengthStopsTheStart(@TempDir Path data) {
        String sixteenBytes = Base64.getEncoder().encodeToString(new byte[16]);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KeyCipher.loadKey(Optional.of(sixteenBytes), new DataDirectory(), data.resolve("credentials.key")));

        assertEquals("notebookchat.crypto.key (env NOTEBOOKCHAT_CRYPTO_KEY) must be the base64 of exactly 32 bytes "
                + "(AES-256) but decodes to 16 bytes; create one with: openssl rand -base64 32", e.getMessage());
    }

    @Test
    void aConfiguredKeyThatIsNotBase64StopsTheStartWithoutEchoingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KeyCipher.parseKey("my-secret-passphrase!", "notebookchat.crypto.key"));

        assertTrue(e.getMessage().startsWith("notebookchat.crypto.key is not valid base64"), e.getMessage());
        assertFalse(e.getMessage().contains("passphrase"), e.getMessage());
        assertEquals(null, e.getCause());
    }

    @Test
    void withoutConfigurationAKeyIsGeneratedOnceAndReused(@TempDir Path data) throws Exception {
        Path keyFile = data.resolve("notebookchat-data").resolve("credentials.key");

        SecretKey first = KeyCipher.loadKey(Optional.empty(), new DataDirectory(), keyFile);
        SecretKey second = KeyCipher.loadKey(Optional.empty(), new DataDirectory(), keyFile);

        assertEquals(32, first.getEncoded().length);
        assertArrayEquals(first.getEncoded(), second.getEncoded());
        String kept = Files.readString(keyFile, StandardCharsets.US_ASCII).strip();
        assertArrayEquals(first.getEncoded(), Base64.getDecoder().decode(kept));
        String stored = new KeyCipher(first).encrypt(API_KEY, ALICE, "openai");
        assertEquals(API_KEY, new KeyCipher(second).decrypt(stored, ALICE, "openai"));
    }

    @Test
    void aBlankConfiguredKeyFallsBackToTheKeyFile(@TempDir Path data) {
        Path keyFile = data.resolve("credentials.key");

        SecretKey loaded = KeyCipher.loadKey(Optional.of("  "), new DataDirectory(), keyFile);

        assertTrue(Files.exists(keyFile));
        assertEquals(32, loaded.getEncoded().length);
    }

    @Test
    void aDamagedKeyFileStopsTheStartNamingTheFile(@TempDir Path data) throws Exception {
        Path keyFile = data.resolve("credentials.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[31]));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KeyCipher.loadKey(Optional.empty(), new DataDirectory(), keyFile));

        assertTrue(e.getMessage().startsWith("The key file " + keyFile.toAbsolutePath()
                + " must be the base64 of exactly 32 bytes (AES-256) but decodes to 31 bytes"), e.getMessage());
    }

    static SecretKey key(int seed) {
        byte[] bytes = new byte[32];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return new SecretKeySpec(bytes, "AES");
    }
}
