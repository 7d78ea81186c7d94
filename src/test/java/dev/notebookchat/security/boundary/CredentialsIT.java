package dev.notebookchat.security.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.notebookchat.it.Api.object;
import static dev.notebookchat.it.ApiAssertions.assertError;
import static dev.notebookchat.it.ApiAssertions.assertTimestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users' own provider keys: stored, shown only as a hint, kept from everyone else, and required for a turn. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CredentialsIT {

    static final String KEY = "sk-proj-AliceSecret0123456789wxyz";
    /** The part of {@link #KEY} no answer may show: everything before its last 4 characters. */
    static final String SECRET_PART = "sk-proj-AliceSecret0123456789";
    static final Set<String> PROVIDERS = Set.of("openai", "anthropic", "groq", "google", "mistral", "deepseek", "ollama",
            "openrouter", "local");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api alice;
    Api bob;

    @BeforeEach
    void signIn() {
        alice = Api.newUser("alice");
        bob = Api.newUser("bob");
    }

    @Test
    void putStoresTheKeyAndAnswersOnlyItsLastFourCharacters() {
        Instant before = Instant.now();
        Api.Response stored = alice.put("api/credentials/openai", object("api_key", KEY));
        Instant after = Instant.now();

        assertEquals(200, stored.status(), stored.body());
        JsonObject credential = stored.json();
        assertEquals(Set.of("provider", "key_hint", "created"), credential.keySet());
        assertEquals("openai", credential.getString("provider"));
        assertEquals("****wxyz", credential.getString("key_hint"));
        assertTimestamp(credential.getString("created"), before, after);
        neverShowsTheKey(alice, stored);

        Api.Response list = alice.get("api/credentials");
        assertEquals(200, list.status());
        assertEquals(List.of(credential), list.array());
        neverShowsTheKey(alice, list);
    }

    @Test
    void surroundingWhitespaceOfAPastedKeyIsDropped() {
        JsonObject credential = alice.put("api/credentials/anthropic", object("api_key", "  sk-ant-0123456789abcd\n")).json();

        assertEquals("****abcd", credential.getString("key_hint"));
    }

    @Test
    void shortKeysShowLessOfThemselves() {
        assertEquals("****34", alice.put("api/credentials/groq", object("api_key", "abcd1234")).json().getString("key_hint"));
        assertEquals("****c", alice.put("api/credentials/mistral", object("api_key", "abc")).json().getString("key_hint"));
    }

    @Test
    void aNewKeyReplacesTheOldOne() {
        alice.put("api/credentials/openai", object("api_key", "sk-first-key-1111"));

        JsonObject replaced = alice.put("api/credentials/openai", object("api_key", "sk-second-key-2222")).json();

        assertEquals("****2222", replaced.getString("key_hint"));
        assertEquals(List.of(replaced), alice.get("api/credentials").array());
    }

    @Test
    void deleteRemovesTheKeyAndAMissingKeyIs404() {
        alice.put("api/credentials/openai", object("api_key", KEY));
        alice.put("api/credentials/anthropic", object("api_key", "sk-ant-0123456789abcd"));
        assertEquals(Map.of("openai", "****wxyz", "anthropic", "****abcd"), hints(alice));

        Api.Response deleted = alice.delete("api/credentials/openai");

        assertEquals(204, deleted.status());
        assertEquals("", deleted.body());
        assertEquals(Map.of("anthropic", "****abcd"), hints(alice));
        assertError(alice.delete("api/credentials/openai"), 404, "not_found");
        assertError(alice.delete("api/credentials/google"), 404, "not_found");
        assertEquals(Map.of("anthropic", "****abcd"), hints(alice));
    }

    @Test
    void localAndUnknownProvidersTakeNoKey() {
        assertError(alice.put("api/credentials/local", object("api_key", KEY)), 400, "bad_request");
        assertError(alice.put("api/credentials/nope", object("api_key", KEY)), 400, "bad_request");

        assertEquals(List.of(), alice.get("api/credentials").array(), "nothing stored");
    }

    @Test
    void aKeyMustBeGiven() {
        for (String body : List.of("{}", "{\"api_key\": null}", "{\"api_key\": \"\"}", "{\"api_key\": \"   \"}",
                "{\"api_key\": \"sk two words\"}", "{\"api_key\": \"" + "k".repeat(1001) + "\"}", "")) {
            assertError(alice.put("api/credentials/openai", body), 400, "bad_request");
        }

        assertEquals(List.of(), alice.get("api/credentials").array(), "nothing stored");
    }

    @Test
    void oneUsersKeysAreInvisibleToAnother() {
        alice.put("api/credentials/openai", object("api_key", KEY));

        assertEquals(List.of(), bob.get("api/credentials").array());
        assertError(bob.delete("api/credentials/openai"), 404, "not_found");
        assertEquals("****9999", bob.put("api/credentials/openai", object("api_key", "sk-bobs-own-9999")).json().getString("key_hint"));

        assertEquals(Map.of("openai", "****wxyz"), hints(alice), "alice's key is untouched");
        assertEquals(Map.of("openai", "****9999"), hints(bob));
        assertEquals(204, bob.delete("api/credentials/openai").status());
        assertEquals(Map.of("openai", "****wxyz"), hints(alice), "bob deleted only his own key");
    }

    @Test
    void aStoredKeyMakesItsProviderAvailableToItsOwnerOnly() {
        alice.put("api/credentials/openrouter", object("api_key", KEY));

        Map<String, JsonObject> alices = providers(alice);
        Map<String, JsonObject> bobs = providers(bob);

        assertEquals(PROVIDERS, alices.keySet());
        for (JsonObject provider : alices.values()) {
            assertEquals(Set.of("name", "display_name", "available", "streaming"), provider.keySet());
            assertFalse(provider.getString("display_name").isBlank());
        }
        assertTrue(alices.get("openrouter").getBoolean("available"), "alice stored a key");
        assertFalse(bobs.get("openrouter").getBoolean("available"), "bob has none, nor has the server");
        assertTrue(bobs.get("anthropic").getBoolean("available"), "the server has an anthropic key for everyone");
        for (String keyless : List.of("local", "ollama")) {
            assertTrue(alices.get(keyless).getBoolean("available"), keyless + " needs no key");
            assertTrue(bobs.get(keyless).getBoolean("available"), keyless + " needs no key");
        }
        neverShowsTheKey(alice, alice.get("api/models/providers"));
        neverShowsTheKey(alice, alice.get("api/models"));

        alice.delete("api/credentials/openrouter");
        assertFalse(providers(alice).get("openrouter").getBoolean("available"), "the key is gone");
    }

    @Test
    void aTurnWhoseProviderHasNoKeyIsRefusedNamingTheProvider() {
        String session = bob.createSession(bob.createNotebook("Bob's tea"));
        JsonObject ask = object("session_id", session, "message", "How long does tea steep?", "model_override", "openrouter/openai/gpt-4o-mini");

        String message = assertError(bob.post("api/chat/execute", ask), 400, "bad_request");
        String streamed = assertError(EventStream.post(bob, "api/chat/execute/stream", ask), 400, "bad_request");

        for (String refusal : List.of(message, streamed)) {
            assertTrue(refusal.contains("openrouter"), "names the provider: " + refusal);
            assertTrue(refusal.toLowerCase().contains("key"), "says that a key is missing: " + refusal);
        }
        assertEquals(List.of(), bob.get("api/chat/sessions/" + session).json().getJsonArray("messages"), "nothing was saved");
    }

    private static void neverShowsTheKey(Api api, Api.Response response) {
        assertFalse(response.body().contains(SECRET_PART), "the key is never shown: " + response.body());
    }

    private static Map<String, String> hints(Api api) {
        return api.get("api/credentials").array().getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(c -> c.getString("provider"), c -> c.getString("key_hint")));
    }

    private static Map<String, JsonObject> providers(Api api) {
        Api.Response response = api.get("api/models/providers");
        assertEquals(200, response.status(), response.body());
        return response.array().getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(p -> p.getString("name"), p -> p));
    }
}
