package dev.notebookchat.chat.control;

import dev.notebookchat.chat.control.TurnSlots.Refusal;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TurnSlotsTest {

    final TurnSlots slots = new TurnSlots(8, 5);

    @Test
    void aSessionHasOneSlot() {
        slots.reserve("session-1", "alice");

        assertEquals(Refusal.SESSION_BUSY, refusal(() -> slots.reserve("session-1", "alice")));
        assertEquals(Refusal.SESSION_BUSY, refusal(() -> slots.reserve("session-1", "bob")));
        assertEquals(1, slots.reserved());
    }

    @Test
    void aUserPastTheirShareIsRefusedWhileOthersStillStart() {
        for (int i = 1; i <= 5; i++) {
            slots.reserve("alice-" + i, "alice");
        }

        assertEquals(Refusal.USER_AT_LIMIT, refusal(() -> slots.reserve("alice-6", "alice")));
        slots.reserve("bob-1", "bob");
        assertEquals(5, slots.reservedBy("alice"));
        assertEquals(1, slots.reservedBy("bob"));
    }

    @Test
    void theServerTotalCountsEveryUser() {
        for (int i = 1; i <= 8; i++) {
            slots.reserve("session-" + i, "user-" + i);
        }

        assertEquals(Refusal.SERVER_AT_LIMIT, refusal(() -> slots.reserve("session-9", "user-9")));
    }

    @Test
    void aReleasedSlotCanBeTakenAgainAndASecondReleaseChangesNothing() {
        TurnSlots.Slot first = slots.reserve("session-1", "alice");
        slots.release(first);
        TurnSlots.Slot second = slots.reserve("session-1", "alice");

        slots.release(first);

        assertEquals(Refusal.SESSION_BUSY, refusal(() -> slots.reserve("session-1", "alice")));
        assertEquals(1, slots.reservedBy("alice"));
        slots.release(second);
        assertEquals(0, slots.reservedBy("alice"));
        assertEquals(0, slots.reserved());
    }

    @Test
    void onlyAStartedTurnIsRunningAndOnlyInItsNotebook() {
        TurnSlots.Slot slot = slots.reserve("session-1", "alice");
        assertTrue(slots.running("session-1").isEmpty(), "reserved, not started yet");

        Turn turn = new Turn("session-1", "answer-1", "Why?", Instant.EPOCH, 100,
                ending -> CompletableFuture.completedFuture(null), t -> { });
        slots.started(slot, turn, "notebook-1");

        assertEquals(turn, slots.running("session-1").orElseThrow());
        assertEquals(List.of(turn), slots.runningIn("notebook-1"));
        assertEquals(List.of(), slots.runningIn("notebook-2"));
        assertEquals(List.of(turn), slots.running());
    }

    @Test
    void ofThirtySimultaneousReservationsOfOneSessionExactlyOneSucceeds() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(30);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                attempts.add(threads.submit(() -> {
                    go.await();
                    try {
                        slots.reserve("session-1", "alice");
                        return true;
                    } catch (TurnSlots.Refused refused) {
                        assertEquals(Refusal.SESSION_BUSY, refused.reason());
                        return false;
                    }
                }));
            }
            go.countDown();
            int reserved = 0;
            for (Future<Boolean> attempt : attempts) {
                reserved += attempt.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, reserved);
            assertEquals(1, slots.reservedBy("alice"));
        } finally {
            threads.shutdownNow();
        }
    }

    private static Refusal refusal(Runnable reservation) {
        return assertThrows(TurnSlots.Refused.class, reservation::run).reason();
    }
}
