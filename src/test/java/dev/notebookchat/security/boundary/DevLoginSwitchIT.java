package dev.notebookchat.security.boundary;

import dev.notebookchat.it.SpareServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dev login is on only where a person asked for it, and never beside another verification key. Each
 * test starts a server of its own as the build's {@code liberty:create} made it, with the packaged WAR,
 * and nothing in its environment but what the test names.
 */
@Tag("identity-provider")
class DevLoginSwitchIT {

    /** What {@code mvn liberty:run -Pdev-login} adds to the server it makes (liberty.defaultVar.notebookchat.dev-login). */
    static final Map<String, String> DEV_LOGIN_PROFILE = Map.of("liberty-plugin-variable-config.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <server>
                <variable name="notebookchat.dev-login" defaultValue="true"/>
            </server>
            """);

    static final String STARTED = "CWWKZ0001I: Application notebookchat started";

    @Test
    void aServerAsTheBuildCreatesItHasNoDevLogin() {
        try (SpareServer server = SpareServer.start(Map.of(), Map.of())) {
            server.awaitOutput(STARTED);

            assertEquals(404, devToken(server).statusCode());
            assertEquals("{\"dev_login\":false,\"oidc\":null}", get(server, "api/auth/config").body());
            assertFalse(Files.exists(server.dataFile("dev-login-private-key.pem")), "no signing key was made");
        }
    }

    @Test
    void theEnvironmentTurnsTheDevLoginProfileOff() {
        try (SpareServer server = SpareServer.start(Map.of("NOTEBOOKCHAT_DEV_LOGIN", "false"), DEV_LOGIN_PROFILE)) {
            server.awaitOutput(STARTED);

            assertEquals(404, devToken(server).statusCode());
        }
    }

    @Test
    void theDevLoginProfileAloneTurnsItOn() {
        try (SpareServer server = SpareServer.start(Map.of(), DEV_LOGIN_PROFILE)) {
            server.awaitOutput(STARTED);

            assertEquals(200, devToken(server).statusCode());
            assertEquals("{\"dev_login\":true,\"oidc\":null}", get(server, "api/auth/config").body());
        }
    }

    @Test
    void devLoginBesideAnIdentityProvidersKeysRefusesToStart() {
        String jwks = "http://localhost:18199/realms/acme/protocol/openid-connect/certs";
        try (SpareServer server = SpareServer.start(Map.of(
                "NOTEBOOKCHAT_DEV_LOGIN", "true",
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", jwks,
                "MP_JWT_VERIFY_ISSUER", "http://localhost:18199/realms/acme"), Map.of())) {
            server.awaitOutput("CWWKZ0012I: The application notebookchat was not started.");

            assertTrue(server.output().contains("Dev login is on (notebookchat.dev-login, NOTEBOOKCHAT_DEV_LOGIN) but "
                    + "mp.jwt.verify.publickey.location points to " + jwks + ", not to its own key"), server.output());
            HttpResponse<String> ready = get(server, "health/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("\"status\":\"DOWN\""), ready.body());
            assertEquals(404, devToken(server).statusCode(), "no application answers");
            assertFalse(Files.exists(server.dataFile("dev-login-private-key.pem")), "no key was written");
            assertFalse(Files.exists(server.dataFile("dev-login-public-key.pem")), "no key was written");
        }
    }

    static HttpResponse<String> devToken(SpareServer server) {
        return server.send(HttpRequest.newBuilder(server.base().resolve("api/auth/dev-token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"mallory\"}")));
    }

    static HttpResponse<String> get(SpareServer server, String path) {
        return server.send(HttpRequest.newBuilder(server.base().resolve(path)).GET());
    }
}
