package dev.notebookchat.retrieval.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.util.Objects;
import java.util.UUID;

/**
 * A stretch of a source's or a note's text with its embedding. Exactly one of {@code sourceId} and
 * {@code noteId} is set. {@code text} is {@code content.substring(start, end)} of the item as it was
 * indexed; {@code textHash} tells an unchanged passage from a changed one, so only changed ones are
 * embedded again.
 */
@Entity
@Table(name = "passage")
@NamedQuery(name = Passage.TEXTS, query = "SELECT p.id, p.text, p.windowEmbeddings FROM Passage p WHERE p.id IN :ids")
@NamedQuery(name = Passage.OF_ITEMS, query = "SELECT p.sourceId, p.noteId, p.number, p.text FROM Passage p "
        + "WHERE p.notebookId = :notebook AND (p.sourceId IN :items OR p.noteId IN :items)")
public class Passage {

    public static final String TEXTS = "Passage.texts";
    public static final String OF_ITEMS = "Passage.ofItems";

    @Id
    private String id;
    @Column(name = "notebook_id")
    private String notebookId;
    @Column(name = "source_id")
    private String sourceId;
    @Column(name = "note_id")
    private String noteId;
    private int number;
    @Column(name = "start_offset")
    private int start;
    @Column(name = "end_offset")
    private int end;
    private String text;
    @Column(name = "text_hash")
    private String textHash;
    private byte[] embedding;
    @Column(name = "window_embeddings")
    private byte[] windowEmbeddings;

    protected Passage() {
    }

    public Passage(String notebookId, String sourceId, String noteId, int number, int start, int end,
                   String text, String textHash, byte[] embedding, byte[] windowEmbeddings) {
        if ((sourceId == null) == (noteId == null)) {
            throw new IllegalArgumentException("A passage belongs to a source or a note, exactly one");
        }
        this.id = UUID.randomUUID().toString();
        this.notebookId = Objects.requireNonNull(notebookId);
        this.sourceId = sourceId;
        this.noteId = noteId;
        this.number = number;
        this.start = start;
        this.end = end;
        this.text = Objects.requireNonNull(text);
        this.textHash = Objects.requireNonNull(textHash);
        this.embedding = Objects.requireNonNull(embedding);
        this.windowEmbeddings = Objects.requireNonNull(windowEmbeddings);
    }

    public String id() { return id; }
    public String notebookId() { return notebookId; }
    public String sourceId() { return sourceId; }
    public String noteId() { return noteId; }
    public int number() { return number; }
    public int start() { return start; }
    public int end() { return end; }
    public String text() { return text; }
    public String textHash() { return textHash; }
    public byte[] embedding() { return embedding; }
    public byte[] windowEmbeddings() { return windowEmbeddings; }
}
