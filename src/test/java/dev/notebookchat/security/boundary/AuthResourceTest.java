package dev.notebookchat.security.boundary;

import dev.notebookchat.security.control.DevLogin;
import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.ws.rs.NotFoundException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A deployed WAR keeps the dev login off: the endpoint then answers 404 like any unknown path. */
class AuthResourceTest {

    @BeforeAll
    static void plainJaxRs() {
        PlainRuntimeDelegate.install();
    }

    @Test
    void devLoginIsOffUnlessConfiguredAndThenAnswersNotFound() {
        AuthResource resource = new AuthResource();
        resource.devLogin = new DevLogin();

        assertFalse(resource.devLogin.enabled(), "off by default");
        NotFoundException refused = assertThrows(NotFoundException.class,
                () -> resource.devToken(new AuthResource.DevTokenRequest("alice")));
        assertEquals("Dev login is disabled on this server.", refused.getMessage());
        assertEquals(404, refused.getResponse().getStatus());
    }

    @Test
    void anIssuedTokenNeverPrintsItself() {
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
        String printed = new AuthResource.DevToken(token, 3600).toString();

        assertEquals("DevToken[token=(hidden), expires_in=3600]", printed);
        assertFalse(printed.contains("eyJ"), printed);
        assertTrue(new AuthResource.DevToken(token, 3600).token().equals(token), "the JSON answer still carries it");
    }

    @Test
    void thePageIsOfferedAnIdentityProviderOnlyWhenBothIssuerAndClientAreSet() {
        AuthResource resource = new AuthResource();
        resource.devLogin = new DevLogin();
        resource.oidcScope = " openid profile ";
        resource.oidcIssuer = java.util.Optional.of("https://sso.example.test/realms/acme");
        resource.oidcClientId = java.util.Optional.of(" ");

        assertEquals(new AuthResource.SignInConfig(false, null), resource.config());

        resource.oidcClientId = java.util.Optional.of("notebookchat-page");
        assertEquals(new AuthResource.SignInConfig(false,
                new AuthResource.Oidc("https://sso.example.test/realms/acme", "notebookchat-page", "openid profile")), resource.config());
    }
}
