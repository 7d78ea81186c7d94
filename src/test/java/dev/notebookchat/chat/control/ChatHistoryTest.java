package dev.notebookchat.chat.control;

import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.NotFoundException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The writes of a turn against an entity manager that plays a session deleted after its owner was checked. */
class ChatHistoryTest {

    final List<String> calls = new ArrayList<>();

    @BeforeAll
    static void runtime() {
        PlainRuntimeDelegate.install();
    }

    @Test
    void aSessionDeletedBeforeTheQuestionIsSavedIsNotFoundAndNothingIsWritten() {
        ChatHistory history = new ChatHistory();
        history.em = (EntityManager) Proxy.newProxyInstance(EntityManager.class.getClassLoader(), new Class<?>[]{EntityManager.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    if (method.getName().equals("find")) {
                        return null;
                    }
                    throw new AssertionError("nothing but the lookup may happen: " + method.getName());
                });

        NotFoundException refused = assertThrows(NotFoundException.class,
                () -> history.begin("session-1", "How long does espresso take?", "local/extractive"));

        assertEquals("Chat session not found.", refused.getMessage());
        assertEquals(List.of("find"), calls);
    }
}
