package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ChatMessage;
import dev.notebookchat.chat.entity.ChatSession;
import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.ws.rs.NotFoundException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
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

        NotFoundException refused = assertThrows(NotFoundException.class, () -> history.conversation("alice", bobs.id()));

        assertEquals("Chat session not found.", refused.getMessage());
        assertEquals(List.of("find " + bobs.id() + " PESSIMISTIC_WRITE"), calls);
    }

    @Test
    void aMissingSessionIsNotFound() {
        ChatHistory history = historyFinding(null);

        NotFoundException refused = assertThrows(NotFoundException.class, () -> history.conversation("alice", "session-1"));

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
