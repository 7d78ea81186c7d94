package dev.notebookchat.security.control;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

/**
 * The caller of this request: the verified token's {@code sub}. Everything they own is keyed by it, never
 * by a name: an identity provider keeps {@code sub} for good while a user may change their user name.
 */
@RequestScoped
public class CurrentUser {

    @Inject
    JsonWebToken token;

    /** Read only where it is asked for: this bean is made for every request, and most never ask. */
    @Inject
    @ConfigProperty(name = "notebookchat.admin-group", defaultValue = "notebookchat-admins")
    Provider<String> adminGroup;

    public String id() {
        String subject = token == null ? null : token.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new NotAuthorizedException("Sign in first: this call needs a valid bearer token.", "Bearer");
        }
        return subject;
    }

    /** What to call the user: {@code preferred_username}, else {@code name}, else the subject. */
    public String displayName() {
        String id = id();
        for (String claim : new String[]{"preferred_username", "name"}) {
            Object value = token.getClaim(claim);
            if (value != null && !value.toString().isBlank()) {
                return value.toString();
            }
        }
        return id;
    }

    /** Lets members of {@code notebookchat.admin-group} (the token's {@code groups}) through, and refuses everyone else. */
    public void requireAdmin() {
        id();
        String admins = adminGroup.get();
        Set<String> groups = token.getGroups();
        if (groups == null || !groups.contains(admins)) {
            throw new ForbiddenException("Only members of the " + admins + " group may do this.");
        }
    }
}
