package dev.notebookchat.platform;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import static dev.notebookchat.it.Api.object;
import static dev.notebookchat.it.ApiAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every kind of response carries the browser protections: the page, a static file, the API's JSON,
 * its errors (from a resource, from the token check, for an unknown path) and its event streams,
 * and CORS answers keep theirs beside them.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecurityHeadersIT {

    static final Map<String, String> EXPECTED = Map.of(
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                    + "frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Test
    void thePageAndItsFilesCarryThem() {
        Api anonymous = Api.anonymous();
        for (String path : List.of("", "index.html", "js/app.js", "css/app.css", "favicon.svg")) {
            Api.Response response = anonymous.get(path);
            assertEquals(200, response.status(), path);
            assertProtected(path, response.raw().headers());
        }
        Api.Response missing = anonymous.get("no-such-file.js");
        assertEquals(404, missing.status());
        assertProtected("a missing file", missing.raw().headers());
    }

    @Test
    void theApiAndItsErrorsCarryThem() {
        Api alice = Api.newUser("alice");
        Api.Response notebooks = alice.get("api/notebooks");
        assertEquals(200, notebooks.status());
        assertProtected("api/notebooks", notebooks.raw().headers());

        Api.Response notFound = alice.get("api/notebooks/" + java.util.UUID.randomUUID());
        assertError(notFound, 404, "not_found");
        assertProtected("a 404 of a resource", notFound.raw().headers());

        Api.Response unknownPath = alice.get("api/no-such-thing");
        assertError(unknownPath, 404, "not_found");
        assertProtected("an unknown API path", unknownPath.raw().headers());

        Api.Response anonymous = Api.anonymous().get("api/notebooks");
        assertError(anonymous, 401, "unauthorized");
        assertProtected("the 401", anonymous.raw().headers());

        Api.Response malformed = alice.post("api/notebooks", "{\"name\": ");
        assertError(malformed, 400, "bad_request");
        assertProtected("a 400", malformed.raw().headers());
    }

    @Test
    void anEventStreamCarriesThemAndStillStreams() {
        Api alice = Api.newUser("alice");
        String notebook = alice.createNotebook("Coffee");
        alice.addSource(notebook, "Brewing guide", "Espresso takes about 25 seconds.");
        String session = alice.createSession(notebook);

        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream",
                object("session_id", session, "message", "How long does espresso take?", "model_override", "local/extractive"));

        assertEquals(200, stream.status(), stream.errorBody());
        assertEquals("complete", stream.events().get(stream.events().size() - 1).type());
        assertProtected("the stream", stream.response().headers());

        EventStream.Result resumed = EventStream.read(alice.request("api/chat/sessions/" + session + "/stream")
                .header("Accept", "text/event-stream").GET());
        assertEquals(200, resumed.status());
        assertProtected("the resumed stream", resumed.response().headers());
    }

    @Test
    void corsAnswersKeepTheirOwnHeadersBesideThem() {
        Api alice = Api.newUser("alice");
        Api.Response cors = alice.send(alice.request("api/notebooks").header("Origin", CorsIT.ALLOWED).GET());
        assertEquals(200, cors.status());
        assertEquals(CorsIT.ALLOWED, cors.header("Access-Control-Allow-Origin"));
        assertProtected("a CORS answer", cors.raw().headers());

        Api.Response preflight = Api.anonymous().send(Api.anonymous().request("api/notebooks")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", CorsIT.ALLOWED)
                .header("Access-Control-Request-Method", "POST"));
        assertEquals(204, preflight.status());
        assertEquals(CorsIT.ALLOWED, preflight.header("Access-Control-Allow-Origin"));
        assertProtected("a preflight", preflight.raw().headers());
    }

    private static void assertProtected(String what, HttpHeaders headers) {
        EXPECTED.forEach((name, value) -> assertEquals(List.of(value), headers.allValues(name), what + ": " + name));
    }
}
