package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ChatMessage;
import dev.notebookchat.chat.entity.ChatSession;
import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import jakarta.ws.rs.NotFoundException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a turn start reads, against an entity manager that plays the database. */
class ChatHistoryTest {

    final List<String> calls = new ArrayList<>();
    final ChatSession bobs = new ChatSession(new Notebook("bob", "Coffee", null), null, null);

    @BeforeAll
    static void runtime() {
        PlainRuntimeDelegate.install();
    }

    @Test
    void someoneElsesSessionIsNotFoundAndOnlyItsLockedRowWasRead() {
        ChatHistory history = historyFinding(bobs);

        NotFoundException refused = assertThrows(NotFoundException.class, () -> history.conversation("alice", bobs.id(), 19));

        assertEquals("Chat session not found.", refused.getMessage());
        assertEquals(List.of("find " + bobs.id() + " PESSIMISTIC_WRITE"), calls);
    }

    @Test
    void aMissingSessionIsNotFound() {
        ChatHistory history = historyFinding(null);

        NotFoundException refused = assertThrows(NotFoundException.class, () -> history.conversation("alice", "session-1", 19));

        assertEquals("Chat session not found.", refused.getMessage());
    }

    @Test
    void anAnswerStillStreamingIsRunningUntilItIsOlderThanTheLimit() {
        ChatMessage question = ChatMessage.human(bobs, 0, "How long does espresso take?");
        ChatMessage answer = ChatMessage.answerStarted(bobs, 1, "local/extractive", "server-1");
        ChatHistory.Conversation conversation = new ChatHistory.Conversation(bobs, List.of(question, answer));

        assertTrue(conversation.answeringSince(answer.created().minusSeconds(1)));
        assertFalse(conversation.answeringSince(answer.created()), "began at the limit, so it is a leftover");
        assertFalse(new ChatHistory.Conversation(bobs, List.of(question)).answeringSince(question.created().minusSeconds(1)));
    }

    @Test
    void theProviderSeesTheLatestMessagesWithoutEmptyAnswersAndNewMessagesGoAfterTheLast() {
        ChatHistory.Conversation conversation = new ChatHistory.Conversation(bobs, List.of(
                ChatMessage.human(bobs, 0, "First?"),
                ChatMessage.answerStarted(bobs, 1, "local/extractive", "server-1"),
                ChatMessage.human(bobs, 2, "Second?"),
                ChatMessage.human(bobs, 3, "Third?")));

        assertEquals(List.of(new PromptMessage(Role.USER, "Second?"), new PromptMessage(Role.USER, "Third?")), conversation.recent(2));
        assertEquals(List.of(new PromptMessage(Role.USER, "First?"), new PromptMessage(Role.USER, "Second?"),
                new PromptMessage(Role.USER, "Third?")), conversation.recent(20));
        assertEquals(4, conversation.nextSeq());
        assertEquals(0, new ChatHistory.Conversation(bobs, List.of()).nextSeq());
    }

    @Test
    void aTurnStartReadsTheLatestMessagesAPageAtATimeUntilEnoughTheModelMaySeeAgain() {
        ChatSession alices = new ChatSession(new Notebook("alice", "Tea", null), null, null);
        List<ChatMessage> messages = new ArrayList<>();
        for (int seq = 0; seq < 4; seq++) {
            messages.add(ChatMessage.human(alices, seq, "Question " + seq + "?"));
        }
        for (int seq = 4; seq < 12; seq++) {
            messages.add(ChatMessage.answerStarted(alices, seq, "local/extractive", "server-1"));
        }
        ChatHistory history = historyReading(alices, messages);

        ChatHistory.Conversation conversation = history.conversation("alice", alices.id(), 2);

        // Pages of twice the usable messages wanted; the eight newest are empty answers.
        assertEquals(List.of("find " + alices.id() + " PESSIMISTIC_WRITE", "latest 0+4", "latest 4+4", "latest 8+4"), calls);
        assertEquals(messages, conversation.messages());
        assertEquals(List.of(new PromptMessage(Role.USER, "Question 2?"), new PromptMessage(Role.USER, "Question 3?")),
                conversation.recent(2));
        assertEquals(12, conversation.nextSeq());

        calls.clear();
        ChatHistory.Conversation whole = historyReading(alices, messages.subList(0, 3)).conversation("alice", alices.id(), 19);
        assertEquals(List.of("find " + alices.id() + " PESSIMISTIC_WRITE", "latest 0+38"), calls, "a short page is the last");
        assertEquals(messages.subList(0, 3), whole.messages());

        calls.clear();
        ChatHistory.Conversation latest = historyReading(alices, messages.subList(0, 4)).conversation("alice", alices.id(), 1);
        assertEquals(List.of("find " + alices.id() + " PESSIMISTIC_WRITE", "latest 0+2"), calls, "one page held enough");
        assertEquals(messages.subList(2, 4), latest.messages());
    }

    /** An entity manager holding one session's {@code messages} (oldest first) for its owner's turn start. */
    private ChatHistory historyReading(ChatSession session, List<ChatMessage> messages) {
        ChatHistory history = new ChatHistory();
        int[] page = new int[2];
        List<ChatMessage> newestFirst = new ArrayList<>(messages);
        Collections.reverse(newestFirst);
        TypedQuery<?> latest = (TypedQuery<?>) Proxy.newProxyInstance(TypedQuery.class.getClassLoader(), new Class<?>[]{TypedQuery.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "setParameter" -> {
                        assertEquals(List.of("session", session), List.of(args));
                        yield proxy;
                    }
                    case "setFirstResult" -> {
                        page[0] = (Integer) args[0];
                        yield proxy;
                    }
                    case "setMaxResults" -> {
                        page[1] = (Integer) args[0];
                        yield proxy;
                    }
                    case "getResultList" -> {
                        calls.add("latest " + page[0] + "+" + page[1]);
                        yield newestFirst.subList(Math.min(page[0], newestFirst.size()), Math.min(page[0] + page[1], newestFirst.size()));
                    }
                    default -> throw new AssertionError("unexpected " + method.getName());
                });
        history.em = (EntityManager) Proxy.newProxyInstance(EntityManager.class.getClassLoader(), new Class<?>[]{EntityManager.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("find") && args.length == 3 && args[2] instanceof LockModeType lock) {
                        calls.add("find " + args[1] + " " + lock);
                        return session;
                    }
                    if (method.getName().equals("createNamedQuery") && ChatMessage.LATEST_OF_SESSION.equals(args[0])) {
                        return latest;
                    }
                    throw new AssertionError("unexpected " + method.getName());
                });
        return history;
    }

    private ChatHistory historyFinding(ChatSession found) {
        ChatHistory history = new ChatHistory();
        history.em = (EntityManager) Proxy.newProxyInstance(EntityManager.class.getClassLoader(), new Class<?>[]{EntityManager.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("find") && args.length == 3 && args[2] instanceof LockModeType lock) {
                        calls.add("find " + args[1] + " " + lock);
                        return found;
                    }
                    throw new AssertionError("nothing but the locked lookup may happen: " + method.getName());
                });
        return history;
    }
}
