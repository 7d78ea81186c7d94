package dev.notebookchat.security.control;

import dev.notebookchat.problems.DatabaseFailure;
import dev.notebookchat.security.entity.Credential;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Users' own provider keys, one per owner and provider, encrypted by {@link KeyCipher}. Only
 * {@link #apiKey} ever decrypts, for the chat turn that sends the key to its provider.
 */
@ApplicationScoped
public class Credentials {

    /** The providers a user may store a key for; {@code local} runs on this server and takes none. */
    public static final List<String> PROVIDERS =
            List.of("openai", "anthropic", "groq", "google", "mistral", "deepseek", "ollama", "openrouter");

    /** Why {@code provider} cannot hold a key, or empty when it can. The name is not echoed: it is the caller's input. */
    public static Optional<String> refusal(String provider) {
        if ("local".equals(provider)) {
            return Optional.of("The local provider runs on this server and takes no key.");
        }
        if (!PROVIDERS.contains(provider)) {
            return Optional.of("provider must be one of " + String.join(", ", PROVIDERS) + ".");
        }
        return Optional.empty();
    }

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    @Inject
    KeyCipher cipher;

    /** This bean through the container, so that each attempt of {@link #save} runs in a transaction of its own. */
    @Inject
    Credentials self;

    /**
     * Stores the key, replacing the owner's previous key for this provider. Two requests storing a
     * key at once may both find none and both insert: the unique key keeps one row and refuses the
     * other, which then finds that row and replaces it, so both succeed and the last write wins.
     * Each attempt is a transaction of its own, as a refused insert spoils the transaction it ran in.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public Credential save(String owner, String provider, String apiKey) {
        String ciphertext = cipher.encrypt(apiKey, owner, provider);
        String hint = KeyHint.of(apiKey);
        try {
            return self.saveOnce(owner, provider, ciphertext, hint);
        } catch (RuntimeException e) {
            if (DatabaseFailure.of(e) != DatabaseFailure.DUPLICATE) {
                throw e;
            }
            return self.saveOnce(owner, provider, ciphertext, hint);
        }
    }

    /** One attempt of {@link #save}; public only so that the container runs it in its own transaction. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Credential saveOnce(String owner, String provider, String ciphertext, String hint) {
        Optional<Credential> existing = find(owner, provider);
        existing.ifPresent(c -> c.replace(ciphertext, hint));
        Credential saved = existing.orElseGet(() -> {
            Credential created = new Credential(owner, provider, ciphertext, hint);
            em.persist(created);
            return created;
        });
        // The unique key answers here, where the caller can tell it, rather than at the commit.
        em.flush();
        return saved;
    }

    public List<Credential> all(String owner) {
        return em.createNamedQuery(Credential.BY_OWNER, Credential.class).setParameter("owner", owner).getResultList();
    }

    /** @return whether the owner had a key for this provider */
    public boolean delete(String owner, String provider) {
        Optional<Credential> existing = find(owner, provider);
        existing.ifPresent(em::remove);
        return existing.isPresent();
    }

    /**
     * The owner's plain key for this provider, if they stored one.
     *
     * @throws KeyCipher.Undecryptable when the stored key cannot be read back (the encryption key changed)
     */
    public Optional<String> apiKey(String owner, String provider) {
        if (refusal(provider).isPresent()) {
            return Optional.empty(); // none can be stored for it, so none is looked for
        }
        return find(owner, provider).map(c -> cipher.decrypt(c.ciphertext(), owner, provider));
    }

    public Set<String> providersWithKey(String owner) {
        return Set.copyOf(all(owner).stream().map(Credential::provider).toList());
    }

    private Optional<Credential> find(String owner, String provider) {
        return em.createNamedQuery(Credential.BY_OWNER_AND_PROVIDER, Credential.class)
                .setParameter("owner", owner).setParameter("provider", provider)
                .getResultStream().findFirst();
    }
}
