package dev.notebookchat.notebook.entity;

import dev.notebookchat.platform.Clock;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/** The user's own writing in a notebook. */
@Entity
@Table(name = "note")
@NamedQuery(name = Note.BY_NOTEBOOK, query = "SELECT n FROM Note n WHERE n.notebook = :notebook ORDER BY n.created, n.id")
@NamedQuery(name = Note.BY_ID_AND_OWNER, query = "SELECT n FROM Note n WHERE n.id = :id AND n.notebook.owner = :owner")
@NamedQuery(name = Note.CONTENTS, query = "SELECT n.id, n.content FROM Note n WHERE n.id IN :ids")
@NamedQuery(name = Note.TOTAL_CHARACTERS, query = "SELECT SUM(LENGTH(n.content)) FROM Note n WHERE n.notebook = :notebook")
public class Note {

    public static final String BY_NOTEBOOK = "Note.byNotebook";
    public static final String BY_ID_AND_OWNER = "Note.byIdAndOwner";
    public static final String CONTENTS = "Note.contents";
    public static final String TOTAL_CHARACTERS = "Note.totalCharacters";

    @Id
    private String id;
    @ManyToOne(optional = false)
    @JoinColumn(name = "notebook_id")
    private Notebook notebook;
    private String title;
    private String content;
    private OffsetDateTime created;
    private OffsetDateTime updated;
    /** Written by the retrieval component as it indexes; an edit of the text sets it back to pending. */
    @Enumerated(EnumType.STRING)
    private IndexStatus status;

    protected Note() {
    }

    public Note(Notebook notebook, String title, String content) {
        this.id = UUID.randomUUID().toString();
        this.notebook = Objects.requireNonNull(notebook);
        this.title = Objects.requireNonNull(title);
        this.content = Objects.requireNonNull(content);
        this.created = Clock.now();
        this.updated = created;
        this.status = IndexStatus.pending;
    }

    public void update(String title, String content) {
        if (title != null) this.title = title;
        if (content != null && !content.equals(this.content)) {
            this.content = content;
            this.status = IndexStatus.pending;
        }
        this.updated = Clock.now();
    }

    public String id() { return id; }
    public Notebook notebook() { return notebook; }
    public String title() { return title; }
    public String content() { return content; }
    public OffsetDateTime created() { return created; }
    public OffsetDateTime updated() { return updated; }
    public IndexStatus status() { return status; }
}
