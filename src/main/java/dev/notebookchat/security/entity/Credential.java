package dev.notebookchat.security.entity;

import dev.notebookchat.platform.Clock;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * A user's own key for one provider. Only the ciphertext is kept, plus a hint short enough to tell
 * keys apart and never enough to use one; {@code created} is when the current key was stored.
 */
@Entity
@Table(name = "credential")
@NamedQuery(name = Credential.BY_OWNER, query = "SELECT c FROM Credential c WHERE c.owner = :owner ORDER BY c.provider")
@NamedQuery(name = Credential.BY_OWNER_AND_PROVIDER,
        query = "SELECT c FROM Credential c WHERE c.owner = :owner AND c.provider = :provider")
public class Credential {

    public static final String BY_OWNER = "Credential.byOwner";
    public static final String BY_OWNER_AND_PROVIDER = "Credential.byOwnerAndProvider";

    @Id
    private String id;
    private String owner;
    private String provider;
    private String ciphertext;
    @Column(name = "key_hint")
    private String keyHint;
    private OffsetDateTime created;

    protected Credential() {
    }

    public Credential(String owner, String provider, String ciphertext, String keyHint) {
        this.id = UUID.randomUUID().toString();
        this.owner = Objects.requireNonNull(owner);
        this.provider = Objects.requireNonNull(provider);
        this.ciphertext = Objects.requireNonNull(ciphertext);
        this.keyHint = Objects.requireNonNull(keyHint);
        this.created = Clock.now();
    }

    /** A new key for the same provider replaces the old one in place: one row per owner and provider. */
    public void replace(String ciphertext, String keyHint) {
        this.ciphertext = Objects.requireNonNull(ciphertext);
        this.keyHint = Objects.requireNonNull(keyHint);
        this.created = Clock.now();
    }

    public String id() { return id; }
    public String owner() { return owner; }
    public String provider() { return provider; }
    public String ciphertext() { return ciphertext; }
    public String keyHint() { return keyHint; }
    public OffsetDateTime created() { return created; }

    /** The ciphertext stays out of logs too. */
    @Override
    public String toString() {
        return "Credential[owner=" + owner + ", provider=" + provider + ", key_hint=" + keyHint + "]";
    }
}
