package dev.notebookchat.security.boundary;

import dev.notebookchat.security.boundary.CredentialsResource.NewKey;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request rules without a server: the constraints are read from the record itself. */
class CredentialsResourceTest {

    @Test
    void aKeyMayCarrySurroundingWhitespaceButNoneInside() throws Exception {
        String regexp = NewKey.class.getDeclaredField("apiKey").getAnnotation(Pattern.class).regexp();

        assertTrue("sk-ant-api03_AbC.9~+/=".matches(regexp));
        assertTrue("  sk-abc\r\n".matches(regexp));
        assertFalse("".matches(regexp));
        assertFalse("   ".matches(regexp));
        assertFalse("sk abc".matches(regexp));
        assertFalse("sk\tabc".matches(regexp));
        assertFalse("sk\u0000abc".matches(regexp));
        assertFalse("sk\u200Babc".matches(regexp));
        assertFalse("sk-caf\u00e9".matches(regexp));
    }

    @Test
    void aKeyIsAtMostAThousandCharacters() throws Exception {
        assertEquals(1_000, NewKey.class.getDeclaredField("apiKey").getAnnotation(Size.class).max());
    }

    @Test
    void theKeyNeverAppearsInTheRequestsText() {
        assertEquals("NewKey[api_key=(hidden)]", new NewKey("sk-secret-1234").toString());
    }
}
