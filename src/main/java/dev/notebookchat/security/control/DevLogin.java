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
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Issues RS256 tokens for the embedded default, so the app runs without an identity provider.
 *
 * <p>Only where a person turned it on ({@code notebookchat.dev-login}, see README "Sign-in"): anyone
 * can mint a token for any user with it. Its key pair lives in the server's data folder under names
 * of its own, and its tokens carry an issuer of their own. MicroProfile JWT verifies them exactly like
 * an identity provider's, with {@code mp.jwt.verify.publickey.location} pointing at that public key
 * file. When the verification points anywhere else, dev login would either fail or, worse, sit beside
 * a real identity provider; the application then refuses to start.
 */
@ApplicationScoped
public class DevLogin {

    private static final Logger LOG = Logger.getLogger(DevLogin.class.getName());

    /** The {@code iss} of every dev login token: never an identity provider's. */
    public static final String ISSUER = "notebookchat-dev";
    static final String PUBLIC_KEY_FILE = "dev-login-public-key.pem";
    static final String PRIVATE_KEY_FILE = "dev-login-private-key.pem";

    @Inject
    @ConfigProperty(name = "notebookchat.dev-login", defaultValue = "false")
    boolean enabled;

    @Inject
    @ConfigProperty(name = "notebookchat.dev-login.token-lifetime", defaultValue = "3600")
    long lifetimeSeconds;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> verifiedIssuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> publicKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> inlinePublicKey;

    @Inject
    DataDirectory dataDirectory;

    private volatile PrivateKey signingKey;

    /**
     * Writes the keys before the first request can ask MicroProfile JWT to verify a token, or stops
     * the application when dev login is on beside another verification key.
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (!enabled) {
            return;
        }
        Optional<String> conflict = conflict();
        if (conflict.isPresent()) {
            LOG.severe(conflict.get());
            throw new IllegalStateException(conflict.get());
        }
        signingKey();
    }

    /**
     * Why dev login cannot run beside this server's token verification, if it cannot: the verifying
     * key must be the dev login's own public key file and the expected issuer its own.
     */
    Optional<String> conflict() {
        Path ownKey = publicKeyFile().toAbsolutePath().normalize();
        String refusal = "Dev login is on (notebookchat.dev-login, NOTEBOOKCHAT_DEV_LOGIN) but ";
        String remedy = " Dev login only runs where it verifies its own tokens: set NOTEBOOKCHAT_DEV_LOGIN=false "
                + "where an identity provider signs the tokens, or remove that setting for local development.";
        if (inlinePublicKey.filter(key -> !key.isBlank()).isPresent()) {
            return Optional.of(refusal + "mp.jwt.verify.publickey holds another key." + remedy);
        }
        String location = publicKeyLocation.orElse("");
        if (!sameFile(location, ownKey)) {
            return Optional.of(refusal + "mp.jwt.verify.publickey.location points to " + (location.isBlank() ? "nothing" : location)
                    + ", not to its own key " + ownKey.toUri() + "." + remedy);
        }
        String issuer = verifiedIssuer.orElse("");
        if (!ISSUER.equals(issuer)) {
            return Optional.of(refusal + "mp.jwt.verify.issuer is " + (issuer.isBlank() ? "not set" : issuer)
                    + ", not its own issuer " + ISSUER + "." + remedy);
        }
        return Optional.empty();
    }

    private static boolean sameFile(String location, Path file) {
        if (!location.startsWith("file:")) {
            return false;
        }
        // file:/a, file:///a and the relative file:a all name a local path
        String path = location.substring("file:".length()).replaceFirst("^/+", "/");
        return Path.of(path).toAbsolutePath().normalize().equals(file);
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
                .add("iss", ISSUER)
                .add("sub", username)
                .add("upn", username)
                .add("preferred_username", username)
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
        Path privateKeyFile = publicKeyFile.resolveSibling(PRIVATE_KEY_FILE);
        try {
            byte[] pem = dataDirectory.secret(privateKeyFile, DevLogin::newPrivateKeyPem);
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(decodePem(pem)));
            PublicKey publicKey = rsa.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            Files.writeString(publicKeyFile, pem("PUBLIC KEY", publicKey.getEncoded()));
            LOG.info("Dev login is on: anyone who reaches this server can sign in as any user. Tokens are signed with the key in "
                    + privateKeyFile.toAbsolutePath());
            return privateKey;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The dev login key in " + privateKeyFile + " cannot be read", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Always in the data folder, whatever the verification settings say: dev login writes nowhere else. */
    Path publicKeyFile() {
        return dataDirectory.path().resolve(PUBLIC_KEY_FILE);
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
