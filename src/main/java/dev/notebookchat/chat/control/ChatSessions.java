package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ChatMessage;
import dev.notebookchat.chat.entity.ChatSession;
import dev.notebookchat.notebook.entity.Notebook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.NotFoundException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Chat sessions and their messages, read within the caller's transaction. */
@ApplicationScoped
public class ChatSessions {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    public ChatSession create(Notebook notebook, String title, String modelOverride) {
        ChatSession session = new ChatSession(notebook, title, modelOverride);
        em.persist(session);
        return session;
    }

    public List<ChatSession> of(Notebook notebook) {
        return em.createNamedQuery(ChatSession.BY_NOTEBOOK, ChatSession.class).setParameter("notebook", notebook).getResultList();
    }

    public ChatSession get(String owner, String id) {
        return em.createNamedQuery(ChatSession.BY_ID_AND_OWNER, ChatSession.class)
                .setParameter("id", id).setParameter("owner", owner)
                .getResultStream().findFirst()
                .orElseThrow(() -> new NotFoundException("Chat session not found."));
    }

    public List<ChatMessage> messages(ChatSession session) {
        return em.createNamedQuery(ChatMessage.OF_SESSION, ChatMessage.class).setParameter("session", session).getResultList();
    }

    /** Message counts of every session of a notebook, in one query. */
    public Map<String, Long> messageCounts(Notebook notebook) {
        Map<String, Long> counts = new HashMap<>();
        for (Object[] row : em.createNamedQuery(ChatMessage.COUNT_BY_SESSION, Object[].class)
                .setParameter("notebook", notebook).getResultList()) {
            counts.put((String) row[0], ((Number) row[1]).longValue());
        }
        return counts;
    }

    /**
     * The sessions of a notebook with an answer still {@code streaming}: those whose turn may be
     * running, on this server or another.
     */
    public List<String> answeringIn(String notebookId) {
        return em.createNamedQuery(ChatMessage.SESSIONS_ANSWERING, String.class).setParameter("notebook", notebookId).getResultList();
    }

    public void delete(ChatSession session) {
        em.remove(session);
    }
}
