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

/** A document of a notebook: its full text and, optionally, a summary used when the context is tight. */
@Entity
@Table(name = "source")
@NamedQuery(name = Source.BY_NOTEBOOK, query = "SELECT s FROM Source s WHERE s.notebook = :notebook ORDER BY s.created, s.id")
@NamedQuery(name = Source.BY_ID_AND_OWNER, query = "SELECT s FROM Source s WHERE s.id = :id AND s.notebook.owner = :owner")
@NamedQuery(name = Source.CONTENTS, query = "SELECT s.id, s.content FROM Source s WHERE s.id IN :ids")
@NamedQuery(name = Source.TOTALS, query = "SELECT COUNT(s), SUM(LENGTH(s.content)), SUM(LENGTH(s.summary)) FROM Source s "
        + "WHERE s.notebook = :notebook")
public class Source {

    public static final String BY_NOTEBOOK = "Source.byNotebook";
    public static final String BY_ID_AND_OWNER = "Source.byIdAndOwner";
    public static final String CONTENTS = "Source.contents";
    public static final String TOTALS = "Source.totals";

    @Id
    private String id;
    @ManyToOne(optional = false)
    @JoinColumn(name = "notebook_id")
    private Notebook notebook;
    private String title;
    private String content;
    private String summary;
    private OffsetDateTime created;
    private OffsetDateTime updated;
    /** Written by the retrieval component as it indexes; an edit of the text sets it back to pending. */
    @Enumerated(EnumType.STRING)
    private IndexStatus status;

    protected Source() {
    }

    public Source(Notebook notebook, String title, String content, String summary) {
        this.id = UUID.randomUUID().toString();
        this.notebook = Objects.requireNonNull(notebook);
        this.title = Objects.requireNonNull(title);
        this.content = Objects.requireNonNull(content);
        this.summary = summary;
        this.created = Clock.now();
        this.updated = created;
        this.status = IndexStatus.pending;
    }

    public void update(String title, String content, String summary) {
        if (title != null) this.title = title;
        if (content != null && !content.equals(this.content)) {
            this.content = content;
            this.status = IndexStatus.pending;
        }
        if (summary != null) this.summary = summary;
        this.updated = Clock.now();
    }

    public String id() { return id; }
    public Notebook notebook() { return notebook; }
    public String title() { return title; }
    public String content() { return content; }
    public String summary() { return summary; }
    public OffsetDateTime created() { return created; }
    public OffsetDateTime updated() { return updated; }
    public IndexStatus status() { return status; }
}
