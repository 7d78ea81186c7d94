package dev.notebookchat.security.control;

import dev.notebookchat.platform.DataDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Issues RS256 tokens for the embedded default, so the app runs without an identity provider.
 *
 * <p>The signing key is generated on first start beside the public key that MicroProfile JWT
 * verifies with ({@code mp.jwt.verify.publickey.location}), under the server's data folder. Tokens
 * are therefore verified exactly like an identity provider's: nothing about them is trusted more.
 */
@ApplicationScoped
public class DevLogin {

    private static final Logger LOG = Logger.getLogger(DevLogin.class.getName());

    @Inject
    @ConfigProperty(name = "notebookchat.dev-login", defaultValue = "false")
    boolean enabled;

    @Inject
    @ConfigProperty(name = "notebookchat.dev-login.token-lifetime", defaultValue = "3600")
    long lifetimeSeconds;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer", defaultValue = "notebookchat-dev")
    String issuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location", defaultValue = "file:notebookchat-data/dev-login-public-key.pem")
    String publicKeyLocation;

    @Inject
    DataDirectory dataDirectory;

    private volatile PrivateKey signingKey;

    /** Writes the keys before the first request can ask MicroProfile JWT to verify a token. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (enabled) {
            signingKey();
        }
    }

    public boolean enabled() {
        return enabled;
    }

    public long lifetimeSeconds() {
        return lifetimeSeconds;
    }

    public String issue(String username) {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String claims = Json.createObjectBuilder()
                .add("iss", issuer)
                .add("sub", username)
                .add("upn", username)
                .add("groups", Json.createArrayBuilder().add("user"))
                .add("iat", now)
                .add("exp", now + lifetimeSeconds)
                .add("jti", UUID.randomUUID().toString())
                .build().toString();
        String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "." + base64Url(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(signingKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign a dev login token", e);
        }
    }

    private PrivateKey signingKey() {
        PrivateKey key = signingKey;
        if (key == null) {
            synchronized (this) {
                if (signingKey == null) {
                    signingKey = loadOrCreateKeys();
                }
                key = signingKey;
            }
        }
        return key;
    }

    private PrivateKey loadOrCreateKeys() {
        Path publicKeyFile = publicKeyFile();
        Path privateKeyFile = publicKeyFile.resolveSibling("dev-login-private-key.pem");
        try {
            byte[] pem = dataDirectory.secret(privateKeyFile, DevLogin::newPrivateKeyPem);
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(decodePem(pem)));
            PublicKey publicKey = rsa.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            Files.writeString(publicKeyFile, pem("PUBLIC KEY", publicKey.getEncoded()));
            LOG.info("Dev login is on: tokens are signed with the key in " + privateKeyFile.toAbsolutePath());
            return privateKey;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The dev login key in " + privateKeyFile + " cannot be read", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The public key goes where MicroProfile JWT looks for it; only a local file can be written. */
    private Path publicKeyFile() {
        if (!publicKeyLocation.startsWith("file:")) {
            throw new IllegalStateException("Dev login needs mp.jwt.verify.publickey.location to be a file: URL, not "
                    + publicKeyLocation);
        }
        String location = publicKeyLocation.substring("file:".length());
        return location.startsWith("/") ? Path.of(URI.create("file:" + location)) : Path.of(location);
    }

    private static byte[] newPrivateKeyPem() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] decodePem(byte[] pem) {
        String body = new String(pem, StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
