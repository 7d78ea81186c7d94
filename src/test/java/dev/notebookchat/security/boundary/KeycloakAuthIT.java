package dev.notebookchat.security.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.FakeProviders;
import dev.notebookchat.it.Keycloak;
import dev.notebookchat.it.Secrets;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.notebookchat.it.Api.ids;
import static dev.notebookchat.it.Api.object;
import static dev.notebookchat.it.ApiAssertions.assertError;
import static dev.notebookchat.security.boundary.AuthIT.base64Url;
import static dev.notebookchat.security.boundary.AuthIT.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens that a real Keycloak issued, verified the way a deployment verifies them: the realm's JWKS URL,
 * its issuer, the API's audience and a clock skew of 3 seconds (see the it-identity-provider execution
 * in pom.xml). Every refused token differs from an accepted one in one thing only.
 */
@Tag("identity-provider")
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class KeycloakAuthIT {

    /** The users' ids in src/test/resources/keycloak/notebookchat-realm.json: what their tokens carry as {@code sub}. */
    static final String ALICE = "5a1e0c57-0a11-4ce0-9a6b-a11ce0000001";
    static final String BOB = "b0b0c57e-0b22-4ce0-9a6b-b0b000000002";
    static final long CLOCK_SKEW_SECONDS = 3;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    static Api alice() {
        return Api.withToken(Keycloak.accessToken("alice", "alice-password"));
    }

    static Api bob() {
        return Api.withToken(Keycloak.accessToken("bob", "bob-password"));
    }

    // ---- accepted --------------------------------------------------------------------------------

    @Test
    void aRealmTokenIsAcceptedAndWhatItsUserMakesIsKeyedByItsSubject() {
        Api alice = alice();
        JsonObject claims = claims(alice.token());
        assertEquals(ALICE, claims.getString("sub"));
        assertEquals("alice", claims.getString("preferred_username"));
        assertEquals("\"notebookchat-api\"", claims.get("aud").toString());
        List<String> before = ids(alice.get("api/notebooks").array());

        String notebook = alice.createNotebook("Alice's from Keycloak");

        List<String> expected = new ArrayList<>(before);
        expected.add(notebook);
        Api aliceSignedInAgain = alice();
        assertNotEquals(alice.token(), aliceSignedInAgain.token());
        assertEquals(expected, ids(aliceSignedInAgain.get("api/notebooks").array()), "a new sign-in is the same user: the same sub");
    }

    @Test
    void twoUsersOfTheRealmSeeNothingOfEachOther() {
        Api alice = alice();
        Api bob = bob();
        assertEquals(BOB, claims(bob.token()).getString("sub"));
        String hers = alice.createNotebook("Alice's only");
        String his = bob.createNotebook("Bob's only");

        assertFalse(ids(bob.get("api/notebooks").array()).contains(hers));
        assertFalse(ids(alice.get("api/notebooks").array()).contains(his));
        assertError(bob.get("api/notebooks/" + hers), 404, "not_found");
        assertError(bob.delete("api/notebooks/" + hers), 404, "not_found");
        assertError(bob.post("api/notebooks/" + hers + "/sources", object("title", "Planted", "content", "x")), 404, "not_found");
        assertEquals("Alice's only", alice.get("api/notebooks/" + hers).json().getString("name"));
        assertEquals(List.of(), alice.get("api/notebooks/" + hers + "/sources").array());
    }

    // ---- refused ---------------------------------------------------------------------------------

    @Test
    void aTokenOfAnotherRealmIsRefused() {
        String token = Keycloak.accessToken(Keycloak.OTHER_REALM, "notebookchat-tests", "alice", "alice-password");
        assertEquals(Keycloak.issuer(Keycloak.OTHER_REALM), claims(token).getString("iss"));

        refused(token);
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        String token = Keycloak.accessToken(Keycloak.REALM, "another-app", "alice", "alice-password");
        assertEquals(ALICE, claims(token).getString("sub"));
        assertEquals("\"another-api\"", claims(token).get("aud").toString());

        refused(token);
    }

    @Test
    void anExpiredTokenIsRefusedOnceTheClockSkewHasPassed() throws InterruptedException {
        String token = Keycloak.accessToken(Keycloak.REALM, "notebookchat-tests-short-lived", "alice", "alice-password");
        long expires = claims(token).getJsonNumber("exp").longValueExact();
        assertEquals(200, Api.withToken(token).get("api/notebooks").status(), "accepted while valid");

        long refusedFrom = (expires + CLOCK_SKEW_SECONDS + 1) * 1000;
        while (System.currentTimeMillis() < refusedFrom) {
            Thread.sleep(Math.min(500, Math.max(1, refusedFrom - System.currentTimeMillis())));
        }

        refused(token);
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String[] parts = alice().token().split("\\.");
        String header = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");

        refused(header + "." + parts[1] + ".");
    }

    @Test
    void anHs256TokenKeyedWithTheRealmsPublicKeyIsRefused() {
        String[] parts = alice().token().split("\\.");
        String kid = Keycloak.json(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)).getString("kid");
        String publicKey = Keycloak.json(Keycloak.realmInfo(Keycloak.REALM)).getString("public_key");
        String pem = "-----BEGIN PUBLIC KEY-----\n" + publicKey + "\n-----END PUBLIC KEY-----\n";
        String signingInput = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}") + "." + parts[1];

        refused(signingInput + "." + hs256(pem.getBytes(StandardCharsets.US_ASCII), signingInput));
        refused(signingInput + "." + hs256(Base64.getDecoder().decode(publicKey), signingInput));
    }

    // ---- key rotation ----------------------------------------------------------------------------

    /**
     * Liberty fetches the JWKS again when a token names a key id it does not know, so a new realm key
     * needs no restart; a key the realm removed before any token of it came is unknown to it.
     */
    @Test
    void aNewRealmKeyIsAcceptedWithoutARestartAndAKeyRemovedBeforeUseIsRefused() {
        String before = alice().token();
        assertEquals(200, Api.withToken(before).get("api/notebooks").status(), "the current key, now known to the server");

        Keycloak.addSigningKey("rotated-" + Instant.now().toEpochMilli());
        String after = alice().token();

        assertNotEquals(kid(before), kid(after), "Keycloak signs with the new key");
        assertEquals(200, Api.withToken(after).get("api/notebooks").status(), "a key published after the server started");
        assertEquals(200, Api.withToken(before).get("api/notebooks").status(), "the old key is still published");

        Keycloak.addSigningKey("withdrawn-" + Instant.now().toEpochMilli());
        String withdrawn = alice().token();
        assertNotEquals(kid(after), kid(withdrawn));
        Keycloak.removeKey(kid(withdrawn));

        refused(withdrawn);
        assertEquals(200, Api.withToken(alice().token()).get("api/notebooks").status(), "the realm signs with the key before again");
    }

    /**
     * Liberty keeps every key it has fetched until the server restarts; the application refuses a token
     * whose key the realm no longer publishes, read again every second in this pass
     * ({@code NOTEBOOKCHAT_JWKS_REFRESH_INTERVAL} of the it-identity-provider execution).
     */
    @Test
    void aKeyTheRealmRemovesAfterTheServerUsedItIsRefusedWhileTheOtherKeysStillWork() {
        Keycloak.addSigningKey("leaked-" + Instant.now().toEpochMilli());
        String leaked = alice().token();
        assertEquals(200, Api.withToken(leaked).get("api/notebooks").status(), "the server verified a token with the new key");

        Keycloak.removeKey(kid(leaked));
        String current = alice().token();
        assertNotEquals(kid(leaked), kid(current), "the realm signs with its other key again");

        awaitStatus(leaked, 401, Duration.ofSeconds(30));
        assertEquals(BearerTokenRequired.KEY_WITHDRAWN, assertError(Api.withToken(leaked).get("api/notebooks"), 401, "unauthorized"));
        refused(leaked);
        assertEquals(200, Api.withToken(current).get("api/notebooks").status(), "a token of the realm's other key");
        assertEquals(200, Api.withToken(alice().token()).get("api/notebooks").status(), "a fresh token of the realm");
    }

    // ---- admin -----------------------------------------------------------------------------------

    @Test
    void theAdminSettingsAreForbiddenToAUserOutsideTheAdminGroup() {
        assertFalse(claims(bob().token()).containsKey("groups") && claims(bob().token()).getJsonArray("groups").size() > 0);

        String message = assertError(bob().get("api/admin/settings"), 403, "forbidden");

        assertEquals("Only members of the notebookchat-admins group may do this.", message);
    }

    @Test
    void anAdminSeesWhereEachProviderIsAndWhetherItHasAServerKeyButNoKey() {
        Api alice = alice();
        assertEquals(List.of("notebookchat-admins"), claims(alice.token()).getJsonArray("groups").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList());

        Api.Response answer = alice.get("api/admin/settings");

        assertEquals(200, answer.status(), answer.body());
        JsonObject settings = answer.json();
        assertEquals(java.util.Set.of("providers", "models", "default_model", "limits"), settings.keySet());
        List<JsonObject> providers = settings.getJsonArray("providers").getValuesAs(JsonObject.class);
        List<String> expectedNames = new ArrayList<>();
        for (FakeProviders.Provider provider : FakeProviders.Provider.values()) {
            expectedNames.add(provider.id());
            JsonObject shown = providers.stream().filter(p -> p.getString("name").equals(provider.id())).findFirst().orElseThrow();
            assertEquals(java.util.Set.of("name", "display_name", "base_url", "server_key"), shown.keySet());
            assertEquals(provider.displayName(), shown.getString("display_name"));
            assertEquals(System.getenv("NOTEBOOKCHAT_PROVIDERS_" + provider.id().toUpperCase(java.util.Locale.ROOT) + "_BASE_URL"),
                    shown.getString("base_url"));
            assertEquals(provider.serverKey().isPresent(), shown.getBoolean("server_key"), provider.id());
        }
        expectedNames.add("local");
        assertEquals(expectedNames, providers.stream().map(p -> p.getString("name")).toList());
        assertEquals(false, providers.get(providers.size() - 1).getBoolean("server_key"));
        assertTrue(settings.getJsonArray("models").getValuesAs(jakarta.json.JsonString.class).stream()
                .anyMatch(m -> m.getString().equals("local/extractive")));
        assertEquals("local/extractive", settings.getString("default_model"));
        JsonObject limits = settings.getJsonObject("limits");
        assertEquals(200, limits.getInt("max_running_turns"));
        assertEquals(200_000, limits.getInt("max_answer_characters"));
        assertEquals(20, limits.getInt("history_messages"));
        assertEquals(1.0, limits.getJsonNumber("stream_heartbeat_seconds").doubleValue());
        assertEquals(FakeProviders.firstTokenTimeout().toMillis() / 1000.0, limits.getJsonNumber("first_token_timeout_seconds").doubleValue());
        assertEquals(FakeProviders.betweenTokensTimeout().toMillis() / 1000.0, limits.getJsonNumber("between_tokens_timeout_seconds").doubleValue());
        assertEquals(FakeProviders.maxAttempts(), limits.getInt("retry_max_attempts"));

        List<String> serverKeys = java.util.Arrays.stream(FakeProviders.Provider.values())
                .flatMap(p -> p.serverKey().stream()).toList();
        assertEquals(7, serverKeys.size());
        assertEquals(java.util.Optional.empty(), Secrets.leakIn(answer.body(), serverKeys));
    }

    @Test
    void thePageIsToldToSignInAtTheRealmAndThatDevLoginIsOff() {
        Api.Response config = Api.anonymous().get("api/auth/config");

        assertEquals(200, config.status(), config.body());
        assertEquals(Json.createObjectBuilder()
                .add("dev_login", false)
                .add("oidc", Json.createObjectBuilder()
                        .add("issuer", Keycloak.issuer(Keycloak.REALM))
                        .add("client_id", "notebookchat-page")
                        .add("scope", "openid profile"))
                .build(), config.json());
        assertError(Api.anonymous().post("api/auth/dev-token", object("username", "mallory")), 404, "not_found");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The JSON 401 for this token, on a read and on a write, and the write changed nothing. */
    static void refused(String token) {
        Api caller = Api.withToken(token);
        assertError(caller.get("api/notebooks"), 401, "unauthorized");
        assertError(caller.post("api/notebooks", Json.createObjectBuilder().add("name", "Planted").build()), 401, "unauthorized");
        assertFalse(alice().get("api/notebooks").body().contains("Planted"), "nothing was created");
    }

    /** Polls until a read with this token answers {@code status}; fails with the last answer at the deadline. */
    static void awaitStatus(String token, int status, Duration deadline) {
        Api.Response[] last = new Api.Response[1];
        Await.until(() -> "a read answering " + status + ", still " + last[0].status() + ": " + last[0].body(), deadline,
                () -> (last[0] = Api.withToken(token).get("api/notebooks")).status() == status);
    }

    static String kid(String jwt) {
        return Keycloak.json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8)).getString("kid");
    }

    static String hs256(byte[] key, String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
