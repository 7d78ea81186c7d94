package dev.notebookchat.security.control;

import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.ws.rs.ForbiddenException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The caller is the token's subject; the name shown and the admin group come from its other claims. */
class CurrentUserTest {

    @BeforeAll
    static void plainJaxRs() {
        PlainRuntimeDelegate.install();
    }

    static CurrentUser callerWith(Map<String, Object> claims) {
        CurrentUser user = new CurrentUser();
        user.adminGroup = () -> "notebookchat-admins";
        user.token = new JsonWebToken() {
            @Override
            public String getName() {
                return (String) claims.get("sub");
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
        return user;
    }

    @Test
    void theIdIsTheSubjectAndTheNameThePreferredUsernameThenTheName() {
        Map<String, Object> claims = new HashMap<>(Map.of("sub", "5a1e0c57", "preferred_username", "alice", "name", "Alice Admin"));

        assertEquals("5a1e0c57", callerWith(claims).id());
        assertEquals("alice", callerWith(claims).displayName());
        claims.remove("preferred_username");
        assertEquals("Alice Admin", callerWith(claims).displayName());
        claims.remove("name");
        assertEquals("5a1e0c57", callerWith(claims).displayName());
    }

    @Test
    void onlyMembersOfTheAdminGroupAreAdmins() {
        callerWith(Map.of("sub", "a", "groups", Set.of("staff", "notebookchat-admins"))).requireAdmin();

        ForbiddenException refused = assertThrows(ForbiddenException.class,
                () -> callerWith(Map.of("sub", "b", "groups", Set.of("staff"))).requireAdmin());
        assertEquals("Only members of the notebookchat-admins group may do this.", refused.getMessage());
        assertThrows(ForbiddenException.class, () -> callerWith(Map.of("sub", "c")).requireAdmin());
    }
}
