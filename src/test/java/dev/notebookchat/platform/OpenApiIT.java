package dev.notebookchat.platform;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The served OpenAPI document against the running server: it names exactly the contract's
 * operations, and the bodies real calls answer have exactly the properties it documents, so the
 * document cannot drift from the code unnoticed.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OpenApiIT {

    /** Every operation of the HTTP contract, and nothing else. */
    static final Set<String> CONTRACT = Set.of(
            "GET /api/auth/config",
            "POST /api/auth/dev-token",
            "GET /api/admin/settings",
            "GET /api/notebooks",
            "POST /api/notebooks",
            "GET /api/notebooks/{id}",
            "PUT /api/notebooks/{id}",
            "DELETE /api/notebooks/{id}",
            "GET /api/notebooks/{id}/sources",
            "POST /api/notebooks/{id}/sources",
            "GET /api/sources/{id}",
            "PUT /api/sources/{id}",
            "DELETE /api/sources/{id}",
            "GET /api/notebooks/{id}/notes",
            "POST /api/notebooks/{id}/notes",
            "GET /api/notes/{id}",
            "PUT /api/notes/{id}",
            "DELETE /api/notes/{id}",
            "GET /api/notebooks/{id}/passages",
            "GET /api/models/providers",
            "GET /api/models",
            "GET /api/credentials",
            "PUT /api/credentials/{provider}",
            "DELETE /api/credentials/{provider}",
            "GET /api/chat/sessions",
            "POST /api/chat/sessions",
            "GET /api/chat/sessions/{id}",
            "PUT /api/chat/sessions/{id}",
            "DELETE /api/chat/sessions/{id}",
            "POST /api/chat/sessions/{id}/stop",
            "GET /api/chat/sessions/{id}/stream",
            "POST /api/chat/context",
            "POST /api/chat/execute",
            "POST /api/chat/execute/stream");

    static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    static final String SOURCE = "Espresso is brewed by forcing hot water through finely ground coffee. "
            + "A good espresso takes about 25 seconds to extract.";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    JsonObject document;
    Api alice;

    @BeforeEach
    void fetchTheDocument() {
        Api.Response response = Api.anonymous().get("openapi?format=JSON");
        assertEquals(200, response.status(), response.body());
        document = response.json();
        alice = Api.newUser("alice");
    }

    @Test
    void documentsExactlyTheOperationsOfTheContract() {
        Set<String> documented = new TreeSet<>();
        document.getJsonObject("paths").forEach((path, item) -> item.asJsonObject().keySet().stream()
                .filter(HTTP_METHODS::contains)
                .forEach(method -> documented.add(method.toUpperCase() + " " + path)));

        assertEquals(new TreeSet<>(CONTRACT), documented);
    }

    @Test
    void everyOperationButTheSignInOnesNeedsTheBearerToken() {
        JsonObject scheme = document.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearer");
        assertEquals("http", scheme.getString("type"));
        assertEquals("bearer", scheme.getString("scheme"));
        assertEquals("JWT", scheme.getString("bearerFormat"));
        assertEquals(Json.createArrayBuilder().add(Json.createObjectBuilder().add("bearer", JsonValue.EMPTY_JSON_ARRAY)).build(),
                document.getJsonArray("security"));

        for (String operation : CONTRACT) {
            JsonObject op = operation(operation);
            if (operation.equals("POST /api/auth/dev-token") || operation.equals("GET /api/auth/config")) {
                assertEquals(JsonValue.EMPTY_JSON_ARRAY, op.getJsonArray("security"), operation);
                assertFalse(op.getJsonObject("responses").containsKey("401"), operation);
            } else {
                assertFalse(op.containsKey("security"), operation + " keeps the document's bearer requirement");
                assertTrue(op.getJsonObject("responses").containsKey("401"), operation + " documents its 401");
            }
            assertTrue(op.containsKey("summary"), operation + " has a summary");
        }
    }

    @Test
    void createdNotebookHasTheDocumentedProperties() {
        Api.Response created = alice.post("api/notebooks", Json.createObjectBuilder().add("name", "Coffee").build());

        assertEquals(201, created.status(), created.body());
        assertSameProperties("POST /api/notebooks 201", responseSchema("POST /api/notebooks", 201), created.json());
    }

    @Test
    void createdSourceHasTheDocumentedProperties() {
        String notebook = alice.createNotebook("Coffee");
        Api.Response created = alice.post("api/notebooks/" + notebook + "/sources",
                Json.createObjectBuilder().add("title", "Brewing guide").add("content", SOURCE).build());

        assertEquals(201, created.status(), created.body());
        assertSameProperties("POST /api/notebooks/{id}/sources 201",
                responseSchema("POST /api/notebooks/{id}/sources", 201), created.json());
    }

    @Test
    void createdSessionHasTheDocumentedProperties() {
        String notebook = alice.createNotebook("Coffee");
        Api.Response created = alice.post("api/chat/sessions", Json.createObjectBuilder().add("notebook_id", notebook).build());

        assertEquals(201, created.status(), created.body());
        assertSameProperties("POST /api/chat/sessions 201", responseSchema("POST /api/chat/sessions", 201), created.json());
    }

    @Test
    void sessionWithMessagesAfterATurnHasTheDocumentedProperties() {
        String notebook = alice.createNotebook("Coffee");
        alice.addSource(notebook, "Brewing guide", SOURCE);
        String session = alice.createSession(notebook);
        Api.Response executed = alice.post("api/chat/execute",
                Json.createObjectBuilder().add("session_id", session).add("message", "How long does espresso take?").build());
        assertEquals(200, executed.status(), executed.body());
        assertSameProperties("POST /api/chat/execute 200", responseSchema("POST /api/chat/execute", 200), executed.json());

        Api.Response read = alice.get("api/chat/sessions/" + session);

        assertEquals(200, read.status(), read.body());
        JsonObject schema = responseSchema("GET /api/chat/sessions/{id}", 200);
        assertSameProperties("GET /api/chat/sessions/{id} 200", schema, read.json());
        JsonObject messageSchema = resolve(property(schema, "messages").getJsonObject("items"));
        JsonArray messages = read.json().getJsonArray("messages");
        assertEquals(2, messages.size());
        for (JsonValue message : messages) {
            assertSameProperties("a message", messageSchema, message.asJsonObject());
            assertTrue(enumOf(property(messageSchema, "type")).contains(message.asJsonObject().getString("type")));
            assertTrue(enumOf(property(messageSchema, "status")).contains(message.asJsonObject().getString("status")));
        }
        JsonObject answer = messages.getJsonObject(1);
        assertEquals("ai", answer.getString("type"));
        assertSameProperties("an answer's usage", property(messageSchema, "usage"), answer.getJsonObject("usage"));
    }

    @Test
    void streamedEventsHaveTheDocumentedProperties() {
        String notebook = alice.createNotebook("Coffee");
        alice.addSource(notebook, "Brewing guide", SOURCE);
        String session = alice.createSession(notebook);
        JsonObject ok = operation("POST /api/chat/execute/stream").getJsonObject("responses").getJsonObject("200");
        assertTrue(resolve(ok).getJsonObject("content").containsKey("text/event-stream"));

        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream",
                Json.createObjectBuilder().add("session_id", session).add("message", "How long does espresso take?").build());

        assertEquals(200, stream.status(), stream.errorBody());
        JsonObject chatEvent = schema("ChatEvent");
        assertEquals("type", chatEvent.getJsonObject("discriminator").getString("propertyName"));
        JsonObject mapping = chatEvent.getJsonObject("discriminator").getJsonObject("mapping");
        assertEquals(Set.of("user_message", "token", "ai_message_complete", "complete", "error"), mapping.keySet());
        Set<String> seen = new TreeSet<>();
        for (EventStream.Event event : stream.events()) {
            String type = event.type();
            seen.add(type);
            JsonObject eventSchema = resolve(Json.createObjectBuilder().add("$ref", mapping.getString(type)).build());
            // A complete event lists citations only when the answer cites passages (whether it does here
            // depends on whether the source is indexed yet).
            assertSameProperties("the " + type + " event", eventSchema, event.data(),
                    type.equals("complete") ? Set.of("citations") : Set.of());
            assertEquals(List.of(type), enumOf(property(eventSchema, "type")));
            if (type.equals("complete")) {
                assertSameProperties("the usage of complete", property(eventSchema, "usage"), event.data().getJsonObject("usage"));
            }
        }
        assertEquals(Set.of("user_message", "token", "ai_message_complete", "complete"), seen);
    }

    @Test
    void errorAnswersHaveTheDocumentedShapeAndCode() {
        String notebook = alice.createNotebook("Coffee");
        String session = alice.createSession(notebook);

        assertDocumentedError("GET /api/notebooks/{id}", alice.get("api/notebooks/" + UUID.randomUUID()), 404, "not_found");
        assertDocumentedError("POST /api/notebooks", alice.post("api/notebooks", "{}"), 400, "bad_request");
        assertDocumentedError("GET /api/notebooks", Api.anonymous().get("api/notebooks"), 401, "unauthorized");
        assertDocumentedError("POST /api/chat/sessions/{id}/stop", alice.post("api/chat/sessions/" + session + "/stop", ""),
                409, "conflict");
        assertDocumentedError("POST /api/notebooks/{id}/sources", alice.post("api/notebooks/" + notebook + "/sources",
                Json.createObjectBuilder().add("title", "Too long").add("content", "x".repeat(2_000_001)).build()),
                413, "payload_too_large");
        assertDocumentedError("POST /api/notebooks", alice.sendBodyOf(16L * 1024 * 1024 + 1, "POST", "api/notebooks"),
                413, "payload_too_large");
        assertDocumentedError("POST /api/auth/dev-token", Api.anonymous().sendBodyOf(16L * 1024 * 1024 + 1, "POST", "api/auth/dev-token"),
                413, "payload_too_large");
    }

    /** The byte limit holds on every endpoint, so every operation documents its 413. */
    @Test
    void everyOperationDocumentsTheByteLimit() {
        JsonObject paths = document.getJsonObject("paths");
        for (String path : paths.keySet()) {
            for (String method : List.of("get", "post", "put", "delete")) {
                JsonObject op = paths.getJsonObject(path).getJsonObject(method);
                if (op != null) {
                    JsonObject tooLarge = op.getJsonObject("responses").getJsonObject("413");
                    assertNotNull(tooLarge, method.toUpperCase() + " " + path + " documents 413");
                }
            }
        }
        assertTrue(document.getJsonObject("components").getJsonObject("responses").getJsonObject("PayloadTooLarge")
                .getString("description").contains("notebookchat.http.max-request-bytes"));
    }

    // The document, read as a client would.

    void assertDocumentedError(String operation, Api.Response answer, int status, String code) {
        assertEquals(status, answer.status(), answer.body());
        JsonObject schema = responseSchema(operation, status);
        assertSameProperties(operation + " " + status, schema, answer.json());
        assertEquals(code, answer.json().getString("error"));
        assertTrue(enumOf(property(schema, "error")).contains(code), code + " is a documented error code");
    }

    /** The answer carries exactly the documented properties, and the document marks each as always present. */
    void assertSameProperties(String what, JsonObject schema, JsonObject actual) {
        assertSameProperties(what, schema, actual, Set.of());
    }

    /** As above, but the {@code optional} properties (documented as not required) may be left out. */
    void assertSameProperties(String what, JsonObject schema, JsonObject actual, Set<String> optional) {
        Set<String> documented = new TreeSet<>(properties(schema));
        Set<String> expected = new TreeSet<>(documented);
        optional.stream().filter(name -> !actual.containsKey(name)).forEach(expected::remove);
        assertEquals(expected, new TreeSet<>(actual.keySet()), what + ": property names");
        Set<String> required = schema.containsKey("required")
                ? schema.getJsonArray("required").getValuesAs(JsonString.class).stream().map(JsonString::getString)
                        .collect(Collectors.toCollection(TreeSet::new))
                : Set.of();
        Set<String> always = new TreeSet<>(documented);
        always.removeAll(optional);
        assertEquals(always, required, what + ": every property but the optional ones is sent (null when empty), so each is required");
    }

    JsonObject operation(String operation) {
        String[] parts = operation.split(" ", 2);
        JsonObject item = document.getJsonObject("paths").getJsonObject(parts[1]);
        assertNotNull(item, operation + " is documented");
        JsonObject op = item.getJsonObject(parts[0].toLowerCase());
        assertNotNull(op, operation + " is documented");
        return op;
    }

    /** The JSON schema of an operation's answer with this status. */
    JsonObject responseSchema(String operation, int status) {
        JsonObject response = operation(operation).getJsonObject("responses").getJsonObject(String.valueOf(status));
        assertNotNull(response, operation + " documents status " + status);
        JsonObject content = resolve(response).getJsonObject("content");
        assertNotNull(content, operation + " " + status + " documents a body");
        JsonObject json = content.getJsonObject("application/json");
        assertNotNull(json, operation + " " + status + " documents a JSON body");
        return resolve(json.getJsonObject("schema"));
    }

    JsonObject schema(String name) {
        return document.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
    }

    /** Follows {@code $ref}s within the document. */
    JsonObject resolve(JsonObject node) {
        JsonObject current = node;
        while (current.containsKey("$ref")) {
            String ref = current.getString("$ref");
            assertTrue(ref.startsWith("#/"), ref);
            JsonValue target = document;
            for (String part : ref.substring(2).split("/")) {
                target = target.asJsonObject().get(part);
                assertNotNull(target, ref + " resolves");
            }
            current = target.asJsonObject();
        }
        return current;
    }

    /** The property names of an object schema, those of its {@code allOf} parts included. */
    Set<String> properties(JsonObject schema) {
        JsonObject resolved = resolve(schema);
        Set<String> names = new TreeSet<>();
        if (resolved.containsKey("properties")) {
            names.addAll(resolved.getJsonObject("properties").keySet());
        }
        if (resolved.containsKey("allOf")) {
            resolved.getJsonArray("allOf").forEach(part -> names.addAll(properties(part.asJsonObject())));
        }
        assertFalse(names.isEmpty(), "an object schema with properties: " + schema);
        return names;
    }

    JsonObject property(JsonObject schema, String name) {
        JsonObject properties = resolve(schema).getJsonObject("properties");
        assertNotNull(properties, "properties of " + schema);
        JsonObject property = properties.getJsonObject(name);
        assertNotNull(property, name + " is documented");
        return resolve(property);
    }

    static List<String> enumOf(JsonObject schema) {
        assertTrue(schema.containsKey("enum"), "an enum: " + schema);
        return schema.getJsonArray("enum").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
