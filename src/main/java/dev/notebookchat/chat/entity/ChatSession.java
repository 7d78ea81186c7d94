package dev.notebookchat.chat.entity;

import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.platform.Clock;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

@Entity
@Table(name = "chat_session")
@NamedQuery(name = ChatSession.BY_NOTEBOOK, query = "SELECT s FROM ChatSession s WHERE s.notebook = :notebook ORDER BY s.created, s.id")
@NamedQuery(name = ChatSession.BY_ID_AND_OWNER, query = "SELECT s FROM ChatSession s WHERE s.id = :id AND s.notebook.owner = :owner")
public class ChatSession {

    public static final String BY_NOTEBOOK = "ChatSession.byNotebook";
    public static final String BY_ID_AND_OWNER = "ChatSession.byIdAndOwner";
    public static final String DEFAULT_TITLE = "New chat";

    @Id
    private String id;
    @ManyToOne(optional = false)
    @JoinColumn(name = "notebook_id")
    private Notebook notebook;
    private String title;
    @Column(name = "model_override")
    private String modelOverride;
    private OffsetDateTime created;
    private OffsetDateTime updated;

    protected ChatSession() {
    }

    public ChatSession(Notebook notebook, String title, String modelOverride) {
        this.id = UUID.randomUUID().toString();
        this.notebook = Objects.requireNonNull(notebook);
        this.title = title == null ? DEFAULT_TITLE : title;
        this.modelOverride = modelOverride;
        this.created = Clock.now();
        this.updated = created;
    }

    public void retitle(String title) {
        this.title = Objects.requireNonNull(title);
        touch();
    }

    /** An empty string clears the override, so the default model applies again. */
    public void overrideModel(String model) {
        this.modelOverride = model == null || model.isEmpty() ? null : model;
        touch();
    }

    public void touch() {
        this.updated = Clock.now();
    }

    public String id() { return id; }
    public Notebook notebook() { return notebook; }
    public String title() { return title; }
    public String modelOverride() { return modelOverride; }
    public OffsetDateTime created() { return created; }
    public OffsetDateTime updated() { return updated; }
}
