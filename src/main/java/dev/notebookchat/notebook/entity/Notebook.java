package dev.notebookchat.notebook.entity;

import dev.notebookchat.platform.Clock;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

@Entity
@Table(name = "notebook")
@NamedQuery(name = Notebook.BY_OWNER, query = "SELECT n FROM Notebook n WHERE n.owner = :owner ORDER BY n.created, n.id")
public class Notebook {

    public static final String BY_OWNER = "Notebook.byOwner";

    @Id
    private String id;
    private String owner;
    private String name;
    private String description;
    private OffsetDateTime created;
    private OffsetDateTime updated;

    protected Notebook() {
    }

    public Notebook(String owner, String name, String description) {
        this.id = UUID.randomUUID().toString();
        this.owner = Objects.requireNonNull(owner);
        this.name = Objects.requireNonNull(name);
        this.description = description;
        this.created = Clock.now();
        this.updated = created;
    }

    public void rename(String name) {
        this.name = Objects.requireNonNull(name);
        touch();
    }

    public void describe(String description) {
        this.description = description;
        touch();
    }

    public void touch() {
        this.updated = Clock.now();
    }

    public boolean ownedBy(String user) {
        return owner.equals(user);
    }

    public String id() { return id; }
    public String owner() { return owner; }
    public String name() { return name; }
    public String description() { return description; }
    public OffsetDateTime created() { return created; }
    public OffsetDateTime updated() { return updated; }
}
