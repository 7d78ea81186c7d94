package dev.notebookchat.platform;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SecurityHeadersTest {

    @Test
    void withoutAnIdentityProviderThePageTalksToItsOwnOriginOnly() {
        assertEquals("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
                + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
                SecurityHeaders.contentSecurityPolicy(Optional.empty()));
        assertEquals(SecurityHeaders.contentSecurityPolicy(Optional.empty()), SecurityHeaders.contentSecurityPolicy(Optional.of("  ")));
    }

    @Test
    void theConfiguredIdentityProvidersOriginIsTheOneOtherPlaceThePageMayCall() {
        assertEquals("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
                + "connect-src 'self' https://login.example.test; object-src 'none'; base-uri 'self'; form-action 'self'; "
                + "frame-ancestors 'none'",
                SecurityHeaders.contentSecurityPolicy(Optional.of("https://login.example.test/realms/acme")));
        assertEquals("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
                + "connect-src 'self' http://localhost:18180; object-src 'none'; base-uri 'self'; form-action 'self'; "
                + "frame-ancestors 'none'",
                SecurityHeaders.contentSecurityPolicy(Optional.of(" http://localhost:18180/realms/notebookchat ")));
    }
}
