package dev.notebookchat.security.control;

import dev.notebookchat.platform.DataDirectory;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts users' provider keys at rest with AES-256-GCM. The stored text is {@code v1:} followed by
 * base64(iv || ciphertext || tag), with a fresh 96-bit IV each time and a 128-bit tag. Owner and
 * provider are bound as associated data, so a ciphertext copied into another row does not decrypt.
 *
 * <p>The key is {@code notebookchat.crypto.key} (env {@code NOTEBOOKCHAT_CRYPTO_KEY}): the base64 of
 * 32 bytes. Without it, the embedded default generates one on first start into the data folder
 * ({@value #KEY_FILE}); losing that file loses every stored key, so it belongs in the same backup as
 * the database. A configured key of the wrong size stops the start: silently using another key would
 * make every stored credential unreadable.
 */
@ApplicationScoped
public class KeyCipher {

    static final String KEY_FILE = "credentials.key";
    static final String VERSION = "v1:";
    static final String CONFIG_NAME = "notebookchat.crypto.key";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(KeyCipher.class.getName());

    @Inject
    @ConfigProperty(name = CONFIG_NAME)
    Optional<String> configuredKey;

    @Inject
    DataDirectory dataDirectory;

    private SecretKey key;

    /** For CDI: the key is loaded once the configuration is injected. */
    protected KeyCipher() {
    }

    public KeyCipher(SecretKey key) {
        this.key = key;
    }

    @PostConstruct
    void loadKey() {
        key = loadKey(configuredKey, dataDirectory, dataDirectory.path().resolve(KEY_FILE));
    }

    /** Loads the key at start-up, so a bad one fails the deployment rather than the first PUT. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // creating this bean (and so loadKey) is the check
    }

    public String encrypt(String plaintext, String owner, String provider) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        byte[] message = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            Cipher aes = Cipher.getInstance(TRANSFORMATION);
            aes.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            aes.updateAAD(associatedData(owner, provider));
            byte[] sealed = aes.doFinal(message);
            byte[] payload = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
            return VERSION + Base64.getEncoder().encodeToString(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption is not available on this JVM", e);
        } finally {
            Arrays.fill(message, (byte) 0);
        }
    }

    public String decrypt(String stored, String owner, String provider) {
        if (stored == null || !stored.startsWith(VERSION)) {
            throw new Undecryptable(provider);
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(stored.substring(VERSION.length()));
        } catch (IllegalArgumentException notBase64) {
            throw new Undecryptable(provider);
        }
        if (payload.length < IV_BYTES + TAG_BITS / 8) {
            throw new Undecryptable(provider);
        }
        try {
            Cipher aes = Cipher.getInstance(TRANSFORMATION);
            aes.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, payload, 0, IV_BYTES));
            aes.updateAAD(associatedData(owner, provider));
            return new String(aes.doFinal(payload, IV_BYTES, payload.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException wrongKeyOrAltered) {
            throw new Undecryptable(provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption is not available on this JVM", e);
        }
    }

    /** Length-prefixed, so no owner/provider pair can be spelled like another one. */
    private static byte[] associatedData(String owner, String provider) {
        byte[] o = owner.getBytes(StandardCharsets.UTF_8);
        byte[] p = provider.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + o.length + p.length).putInt(o.length).put(o).putInt(p.length).put(p).array();
    }

    /** The configured key when there is one, else the one kept in (or first written to) {@code keyFile}. */
    static SecretKey loadKey(Optional<String> configured, DataDirectory data, Path keyFile) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            SecretKey key = parseKey(configured.get(), CONFIG_NAME + " (env NOTEBOOKCHAT_CRYPTO_KEY)");
            LOG.info("Stored provider keys are encrypted with the key from " + CONFIG_NAME);
            return key;
        }
        byte[] text = data.secret(keyFile, KeyCipher::newKeyText);
        SecretKey key = parseKey(new String(text, StandardCharsets.US_ASCII), "The key file " + keyFile.toAbsolutePath());
        LOG.info("Stored provider keys are encrypted with the key in " + keyFile.toAbsolutePath()
                + ": back it up with the database, or set " + CONFIG_NAME + " instead");
        return key;
    }

    /** Messages name where the key came from and its size, never any of its characters. */
    static SecretKey parseKey(String base64, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalStateException(source + " is not valid base64; it must be the base64 of "
                    + KEY_BYTES + " random bytes, e.g. from: openssl rand -base64 32");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(source + " must be the base64 of exactly " + KEY_BYTES
                    + " bytes (AES-256) but decodes to " + bytes.length + " bytes; create one with: openssl rand -base64 32");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** Kept as base64 text, so an operator can move it into NOTEBOOKCHAT_CRYPTO_KEY as it is. */
    static byte[] newKeyText() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return (Base64.getEncoder().encodeToString(bytes) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A stored key that cannot be read back: the encryption key changed, or the row was altered or moved. */
    public static class Undecryptable extends RuntimeException {

        private final String provider;

        public Undecryptable(String provider) {
            super("The stored key for " + provider + " cannot be decrypted: it was encrypted with another "
                    + CONFIG_NAME + " or has been altered. Store the key again.");
            this.provider = provider;
        }

        public String provider() {
            return provider;
        }
    }
}
