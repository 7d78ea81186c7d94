package dev.notebookchat.security.control;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAuthorizedException;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller of this request: the verified token's {@code sub}. Everything they own is keyed by it. */
@RequestScoped
public class CurrentUser {

    @Inject
    JsonWebToken token;

    public String id() {
        String subject = token == null ? null : token.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new NotAuthorizedException("Sign in first: this call needs a valid bearer token.", "Bearer");
        }
        return subject;
    }
}
