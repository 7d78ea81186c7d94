package dev.notebookchat.security.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static dev.notebookchat.it.Api.ids;
import static dev.notebookchat.it.Api.object;
import static dev.notebookchat.it.ApiAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every call but the dev login needs a bearer JWT that MicroProfile JWT verifies (signature, issuer,
 * expiry); the user is its {@code sub}. Tokens are made here, signed with the server's own dev key
 * or with a stranger's, so each refusal is tested against a token that differs in one thing only.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AuthIT {

    static final String ISSUER = "notebookchat-dev";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api alice;
    String aliceName;
    String notebook;

    @BeforeEach
    void aliceHasANotebook() {
        alice = Api.newUser("alice");
        aliceName = claims(alice.token()).getString("sub");
        notebook = alice.createNotebook("Alice's coffee");
    }

    // ---- tokens that are refused -----------------------------------------------------------------

    @Test
    void withoutATokenEveryCallIsRefused() {
        refusedEverywhere(Api.anonymous());
    }

    @Test
    void aTokenThatIsNotAJwtIsRefused() {
        refusedEverywhere(Api.withToken("not-a-jwt"));
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() {
        PrivateKey stranger = newRsaKey();
        refusedEverywhere(Api.withToken(sign(stranger, claimsFor(aliceName, ISSUER, Instant.now(), 3600))));
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String header = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = base64Url(claimsFor(aliceName, ISSUER, Instant.now(), 3600).toString());
        refusedEverywhere(Api.withToken(header + "." + payload + "."));
    }

    @Test
    void anExpiredTokenIsRefused() {
        // an hour past its expiry: well beyond any clock skew the verifier allows
        Instant issued = Instant.now().minusSeconds(2 * 3600);
        refusedEverywhere(Api.withToken(sign(serverKey(), claimsFor(aliceName, ISSUER, issued, 3600))));
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() {
        refusedEverywhere(Api.withToken(sign(serverKey(), claimsFor(aliceName, "someone-else", Instant.now(), 3600))));
    }

    /** The control for the refusals above: the same making, done right, is accepted as alice. */
    @Test
    void aTokenSignedWithTheServersKeyIsAcceptedAndItsSubjectIsTheUser() {
        Api sameAlice = Api.withToken(sign(serverKey(), claimsFor(aliceName, ISSUER, Instant.now(), 3600)));

        Api.Response notebooks = sameAlice.get("api/notebooks");

        assertEquals(200, notebooks.status(), notebooks.body());
        assertEquals(List.of(notebook), ids(notebooks.array()), "the token's sub is alice, so her notebooks are shown");
        String added = sameAlice.createNotebook("Made with a hand-signed token");
        assertEquals(List.of(notebook, added), ids(alice.get("api/notebooks").array()));
    }

    // ---- dev login -------------------------------------------------------------------------------

    @Test
    void devLoginAnswersATokenForTheUsernameValidForAnHour() {
        String username = "carol-" + UUID.randomUUID().toString().substring(0, 8);
        Instant before = Instant.now();
        Api.Response response = Api.anonymous().post("api/auth/dev-token", object("username", username));
        Instant after = Instant.now();

        assertEquals(200, response.status(), response.body());
        JsonObject body = response.json();
        assertEquals(Set.of("token", "expires_in"), body.keySet());
        assertEquals(3600, body.getJsonNumber("expires_in").longValueExact());
        JsonObject claims = claims(body.getString("token"));
        assertEquals(username, claims.getString("sub"));
        assertEquals(ISSUER, claims.getString("iss"));
        long expires = claims.getJsonNumber("exp").longValueExact();
        assertTrue(expires >= before.getEpochSecond() + 3600 && expires <= after.getEpochSecond() + 3600, "exp " + expires);
        assertEquals(3600, expires - claims.getJsonNumber("iat").longValueExact());

        Api carol = Api.withToken(body.getString("token"));
        assertEquals(200, carol.get("api/notebooks").status());
        assertEquals(List.of(), carol.get("api/notebooks").array(), "a new user, not somebody else");
    }

    @Test
    void devLoginTakesUsernamesOfUpTo100LettersDigitsAndDotUnderscoreAtDash() {
        String longest = ("a.b_c@d-" + UUID.randomUUID().toString().replace("-", "")).repeat(3).substring(0, 100);

        Api.Response response = Api.anonymous().post("api/auth/dev-token", object("username", longest));

        assertEquals(200, response.status(), response.body());
        assertEquals(longest, claims(response.json().getString("token")).getString("sub"));
    }

    @Test
    void devLoginRefusesInvalidUsernames() {
        Api anonymous = Api.anonymous();
        for (String body : List.of(
                "{\"username\": \"\"}",
                "{\"username\": \"has space\"}",
                "{\"username\": \"a/b\"}",
                "{\"username\": \"ünïcode\"}",
                "{\"username\": \"" + "x".repeat(101) + "\"}",
                "{\"username\": null}",
                "{\"username\": [\"alice\"]}",
                "{}",
                "[]",
                "{\"username\": ",
                "")) {
            assertError(anonymous.post("api/auth/dev-token", body), 400, "bad_request");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Each kind of call is refused with the JSON 401, and nothing was created on alice's behalf. */
    private void refusedEverywhere(Api caller) {
        String missing = UUID.randomUUID().toString();
        List<Function<Api, Api.Response>> calls = List.of(
                api -> api.get("api/notebooks"),
                api -> api.post("api/notebooks", object("name", "Planted")),
                api -> api.get("api/notebooks/" + notebook),
                api -> api.put("api/notebooks/" + notebook, object("name", "Renamed")),
                api -> api.delete("api/notebooks/" + notebook),
                api -> api.post("api/notebooks/" + notebook + "/sources", object("title", "Planted", "content", "x")),
                api -> api.get("api/sources/" + missing),
                api -> api.get("api/notes/" + missing),
                api -> api.post("api/chat/sessions", object("notebook_id", notebook)),
                api -> api.get("api/chat/sessions?notebook_id=" + notebook),
                api -> api.post("api/chat/context", object("notebook_id", notebook)),
                api -> api.post("api/chat/execute", object("session_id", missing, "message", "Hello?")),
                api -> EventStream.post(api, "api/chat/execute/stream", object("session_id", missing, "message", "Hello?")).refusal(),
                api -> api.get("api/credentials"),
                api -> api.put("api/credentials/openai", object("api_key", "sk-planted-0000")),
                api -> api.get("api/models"),
                api -> api.get("api/models/providers"));
        for (Function<Api, Api.Response> call : calls) {
            Api.Response response = call.apply(caller);
            assertError(response, 401, "unauthorized");
        }
        assertEquals(List.of(notebook), ids(alice.get("api/notebooks").array()), "nothing was created or deleted");
        assertEquals("Alice's coffee", alice.get("api/notebooks/" + notebook).json().getString("name"));
        assertEquals(List.of(), alice.get("api/chat/sessions?notebook_id=" + notebook).array());
        assertEquals(List.of(), alice.get("api/credentials").array());
    }

    static JsonObject claimsFor(String subject, String issuer, Instant issued, long lifetimeSeconds) {
        return Json.createObjectBuilder()
                .add("iss", issuer)
                .add("sub", subject)
                .add("upn", subject)
                .add("groups", Json.createArrayBuilder().add("user"))
                .add("iat", issued.getEpochSecond())
                .add("exp", issued.getEpochSecond() + lifetimeSeconds)
                .add("jti", UUID.randomUUID().toString())
                .build();
    }

    /** An RS256 JWT, as the dev login makes them. */
    static String sign(PrivateKey key, JsonObject claims) {
        String signingInput = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + base64Url(claims.toString());
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key the running server signs dev logins with, written by it into its data folder on start. */
    static PrivateKey serverKey() {
        Path data = System.getProperty("it.data.directory") != null ? Path.of(System.getProperty("it.data.directory"))
                : Path.of(System.getProperty("it.build.directory", "target"), "liberty", "wlp", "usr", "servers",
                        System.getProperty("it.server.name", "notebookchat-it"), "notebookchat-data");
        Path file = data.resolve("dev-login-private-key.pem");
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            byte[] der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException e) {
            throw new UncheckedIOException("The server's dev login key is missing: " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey newRsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObject claims(String jwt) {
        String payload = jwt.split("\\.")[1];
        try (var reader = Json.createReader(new StringReader(
                new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)))) {
            return reader.readObject();
        }
    }

    static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
