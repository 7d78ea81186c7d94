package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.chat.entity.ChatMessage;
import dev.notebookchat.chat.entity.ChatSession;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.NotFoundException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static jakarta.transaction.Transactional.TxType.MANDATORY;
import static jakarta.transaction.Transactional.TxType.REQUIRES_NEW;

/**
 * The writes a turn makes: the question within the transaction that checked the turn, the answer's
 * end in a transaction of its own, and the checkpoints of all running answers in one per interval. No transaction spans a stream, and a failure
 * while answering cannot take the user's saved message with it.
 */
@ApplicationScoped
public class ChatHistory {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    @Inject
    InstanceLease instance;

    /** The turn's two rows: the user's message, complete, and the answer, still streaming. */
    public record Begun(Instant humanTimestamp, String answerId) {
    }

    /**
     * A session and its messages as a turn start reads them, once: whether an answer is still being
     * written, the conversation the provider sees, and where the new messages go.
     */
    public record Conversation(ChatSession session, List<ChatMessage> messages) {

        /** A message the model may see again: a question, or an answer with text that did not fail. */
        static boolean usable(ChatMessage m) {
            return m.type() == ChatMessage.Type.human || (!m.content().isEmpty() && m.status() != ChatMessage.Status.error);
        }

        /**
         * Whether an answer that began after {@code since} is still {@code streaming}: the turn of another
         * server that shares the database. An older one is the leftover of a save that failed.
         */
        public boolean answeringSince(OffsetDateTime since) {
            return messages.stream().anyMatch(m -> m.status() == ChatMessage.Status.streaming && m.created().isAfter(since));
        }

        /**
         * The conversation a provider sees before the new message: the latest {@code limit} messages,
         * leaving out failed answers and empty ones, which would only confuse the model.
         */
        public List<PromptMessage> recent(int limit) {
            List<PromptMessage> recent = new ArrayList<>();
            for (int i = messages.size() - 1; i >= 0 && recent.size() < limit; i--) {
                ChatMessage m = messages.get(i);
                if (usable(m)) {
                    recent.add(new PromptMessage(m.type() == ChatMessage.Type.human ? Role.USER : Role.ASSISTANT, m.content()));
                }
            }
            Collections.reverse(recent);
            return recent;
        }

        /** The place of the next message: after the last one. */
        int nextSeq() {
            return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).seq() + 1;
        }
    }

    /**
     * The caller's session with its latest messages, for a turn start: at least the last two (a question
     * and its answer, so a turn still answering is seen) and enough to hold {@code usable} messages the
     * model may see again ({@link Conversation#recent}), read newest first a page at a time, so a long
     * session costs a turn no more than a short one. One statement reads the session and locks its row
     * until the transaction ends, so that starts in one session are decided one at a time, also by
     * servers that share the database (each reserves only its own turns in memory). The owner is
     * checked on the row read: a lock taken through a join with the notebook would lock the notebook's
     * row too, and with it every other session's start in that notebook.
     *
     * @throws NotFoundException when there is no such session or it is someone else's
     */
    @Transactional(MANDATORY)
    public Conversation conversation(String owner, String sessionId, int usable) {
        ChatSession session = em.find(ChatSession.class, sessionId, LockModeType.PESSIMISTIC_WRITE);
        if (session == null || !session.notebook().ownedBy(owner)) {
            throw new NotFoundException("Chat session not found.");
        }
        int page = Math.max(2, 2 * usable);
        List<ChatMessage> newestFirst = new ArrayList<>();
        int found = 0;
        for (int first = 0; ; first += page) {
            List<ChatMessage> rows = em.createNamedQuery(ChatMessage.LATEST_OF_SESSION, ChatMessage.class)
                    .setParameter("session", session).setFirstResult(first).setMaxResults(page).getResultList();
            newestFirst.addAll(rows);
            found += (int) rows.stream().filter(Conversation::usable).count();
            if (rows.size() < page || found >= usable) {
                break;
            }
        }
        Collections.reverse(newestFirst);
        return new Conversation(session, newestFirst);
    }

    /**
     * Saves the question and the answer to come after the messages of {@code conversation}. Part of
     * the transaction that read it ({@link TurnSetup}), so a refusal saves nothing, and the session's
     * row stays locked: no other start in the session and no delete of it comes in between.
     */
    @Transactional(MANDATORY)
    public Begun begin(Conversation conversation, String userText, String model) {
        ChatSession session = conversation.session();
        int seq = conversation.nextSeq();
        ChatMessage human = ChatMessage.human(session, seq, userText);
        ChatMessage answer = ChatMessage.answerStarted(session, seq + 1, model, instance.id());
        em.persist(human);
        em.persist(answer);
        session.touch();
        return new Begun(human.created().toInstant(), answer.id());
    }

    /**
     * One write and no read: a read that meets a lost connection is retried by the persistence
     * provider on the calling thread, seconds at a time, while a failed write comes back at once
     * for the caller to retry on its own schedule ({@link SaveRetries}). An answer whose session was
     * deleted while the turn ran matches no row, and nothing is saved.
     */
    @Transactional(REQUIRES_NEW)
    public void end(Turn.Ending ending) {
        em.createNamedQuery(ChatMessage.END).setParameter("id", ending.answerId()).setParameter("content", ending.content())
                .setParameter("status", ending.status().name()).setParameter("finishReason", ending.finishReason())
                .setParameter("inputTokens", ending.usage().inputTokens()).setParameter("outputTokens", ending.usage().outputTokens())
                .setParameter("citations", Citation.columnText(ending.citations()))
                .executeUpdate();
    }

    /**
     * Saves the text of answers still being written, all in one JDBC batch: one round trip and one
     * commit for every running turn. The status condition makes a checkpoint that arrives after its
     * answer ended change nothing. SQL rather than JPQL, since JPQL updates cannot be batched.
     */
    @Transactional(REQUIRES_NEW)
    public void checkpoint(List<Turn.Checkpoint> checkpoints) {
        if (checkpoints.isEmpty()) {
            return;
        }
        // The transaction's own connection; it stays the container's to close.
        Connection connection = em.unwrap(Connection.class);
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE chat_message SET content = ? WHERE id = ? AND status = 'streaming'")) {
            for (Turn.Checkpoint checkpoint : checkpoints) {
                update.setString(1, checkpoint.content());
                update.setString(2, checkpoint.answerId());
                update.addBatch();
            }
            update.executeBatch();
        } catch (SQLException e) {
            throw new PersistenceException("Saving " + checkpoints.size() + " answers so far failed", e);
        }
    }

    public record Snapshot(ChatSession session, List<ChatMessage> messages) {
    }

    /** The session as it is now, for answers given after the request that started a turn has returned. */
    @Transactional
    public Snapshot snapshot(String sessionId) {
        ChatSession session = em.find(ChatSession.class, sessionId);
        if (session == null) {
            return new Snapshot(null, List.of());
        }
        return new Snapshot(session, em.createNamedQuery(ChatMessage.OF_SESSION, ChatMessage.class)
                .setParameter("session", session).getResultList());
    }

    /**
     * The session's latest turn rebuilt from its two saved messages: the question, the answer as one
     * token, and how it ended. An answer cut off by a restart ends with an {@code error} event. Joins
     * the caller's transaction, so a resuming request holds one pool connection, not two.
     */
    @Transactional
    public Optional<Turn> replay(String sessionId) {
        ChatSession session = em.find(ChatSession.class, sessionId);
        List<ChatMessage> all = em.createNamedQuery(ChatMessage.OF_SESSION, ChatMessage.class)
                .setParameter("session", session).getResultList();
        if (all.size() < 2 || all.get(all.size() - 1).type() != ChatMessage.Type.ai) {
            return Optional.empty();
        }
        ChatMessage question = all.get(all.size() - 2);
        ChatMessage answer = all.get(all.size() - 1);
        List<ChatEvent> events = new ArrayList<>();
        events.add(new ChatEvent.UserMessage(question.content(), question.created().toInstant()));
        if (!answer.content().isEmpty()) {
            events.add(new ChatEvent.Token(answer.content()));
        }
        switch (answer.status()) {
            case complete, stopped -> {
                events.add(new ChatEvent.AiMessageComplete(answer.content(), answer.created().toInstant()));
                events.add(new ChatEvent.Complete(answer.id(), answer.finishReason(), answer.inputTokens(), answer.outputTokens(),
                        answer.citations()));
            }
            case error -> events.add(new ChatEvent.Error("This answer failed; its partial text is saved. Ask again to retry."));
            case interrupted, streaming -> events.add(new ChatEvent.Error(
                    "This answer was cut off when the server restarted; its partial text is saved. Ask again to retry."));
        }
        return Optional.of(Turn.replayed(sessionId, answer.id(), events));
    }
}
