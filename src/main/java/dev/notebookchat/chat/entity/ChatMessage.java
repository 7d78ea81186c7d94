package dev.notebookchat.chat.entity;

import dev.notebookchat.platform.Clock;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One message of a session. An AI message is created as {@code streaming} when its turn starts and
 * ends {@code complete}, {@code stopped} or {@code error} with whatever text had arrived; one still
 * {@code streaming} when the server starts again was cut off, and becomes {@code interrupted}.
 */
@Entity
@Table(name = "chat_message")
@NamedQuery(name = ChatMessage.OF_SESSION, query = "SELECT m FROM ChatMessage m WHERE m.session = :session ORDER BY m.seq")
@NamedQuery(name = ChatMessage.LATEST_OF_SESSION, query = "SELECT m FROM ChatMessage m WHERE m.session = :session ORDER BY m.seq DESC")
@NamedQuery(name = ChatMessage.COUNT_BY_SESSION, query = "SELECT m.session.id, COUNT(m) FROM ChatMessage m WHERE m.session.notebook = :notebook GROUP BY m.session.id")
@NamedQuery(name = ChatMessage.SESSIONS_ANSWERING, query = "SELECT DISTINCT m.session.id FROM ChatMessage m WHERE m.session.notebook.id = :notebook AND m.status = 'streaming'")
@NamedQuery(name = ChatMessage.END, query = "UPDATE ChatMessage m SET m.content = :content, m.status = :status, "
        + "m.finishReason = :finishReason, m.inputTokens = :inputTokens, m.outputTokens = :outputTokens, m.citations = :citations "
        + "WHERE m.id = :id")
public class ChatMessage {

    public static final String OF_SESSION = "ChatMessage.ofSession";
    /** Newest first: read a page at a time. */
    public static final String LATEST_OF_SESSION = "ChatMessage.latestOfSession";
    public static final String COUNT_BY_SESSION = "ChatMessage.countBySession";
    public static final String SESSIONS_ANSWERING = "ChatMessage.sessionsAnswering";
    public static final String END = "ChatMessage.end";

    public enum Type { human, ai }

    public enum Status { complete, streaming, stopped, error, interrupted }

    @Id
    private String id;
    @ManyToOne(optional = false)
    @JoinColumn(name = "session_id")
    private ChatSession session;
    private int seq;
    private String type;
    private String content;
    private String status;
    private String model;
    /** The server writing an answer while it streams ({@code InstanceLease}); null for questions. */
    @Column(name = "instance_id")
    private String instanceId;
    @Column(name = "finish_reason")
    private String finishReason;
    @Column(name = "input_tokens")
    private Integer inputTokens;
    @Column(name = "output_tokens")
    private Integer outputTokens;
    private OffsetDateTime created;
    /** The passages the answer draws on, as the JSON array of its {@code complete} event; null when none. */
    private String citations;

    protected ChatMessage() {
    }

    private ChatMessage(ChatSession session, int seq, Type type, String content, Status status, String model) {
        this.id = UUID.randomUUID().toString();
        this.session = Objects.requireNonNull(session);
        this.seq = seq;
        this.type = type.name();
        this.content = Objects.requireNonNull(content);
        this.status = status.name();
        this.model = model;
        this.created = Clock.now();
    }

    public static ChatMessage human(ChatSession session, int seq, String content) {
        return new ChatMessage(session, seq, Type.human, content, Status.complete, null);
    }

    public static ChatMessage answerStarted(ChatSession session, int seq, String model, String instanceId) {
        ChatMessage answer = new ChatMessage(session, seq, Type.ai, "", Status.streaming, model);
        answer.instanceId = instanceId;
        return answer;
    }

    public String id() { return id; }
    public ChatSession session() { return session; }
    public int seq() { return seq; }
    public Type type() { return Type.valueOf(type); }
    public String content() { return content; }
    public Status status() { return Status.valueOf(status); }
    public String model() { return model; }
    public String finishReason() { return finishReason; }
    public Integer inputTokens() { return inputTokens; }
    public Integer outputTokens() { return outputTokens; }
    public OffsetDateTime created() { return created; }
    public List<Citation> citations() { return Citation.fromColumn(citations); }
}
