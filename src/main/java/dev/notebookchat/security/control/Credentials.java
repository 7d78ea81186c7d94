package dev.notebookchat.security.control;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.Set;

/** Placeholder until the encrypted credential store lands. */
@ApplicationScoped
public class Credentials {

    public Optional<String> apiKey(String owner, String provider) {
        return Optional.empty();
    }

    public Set<String> providersWithKey(String owner) {
        return Set.of();
    }
}
