package dev.notebookchat.chat.control;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may start a turn now. A request takes its slot before any work, in one step that checks the
 * session, the user's share and the server's total together, so two simultaneous requests cannot
 * both pass a check and then both start; whoever fails later gives the slot back.
 *
 * <p>One monitor guards it all: a reservation is a few map operations, no I/O, so a single lock
 * is cheaper to reason about than counters that must agree with a map.
 */
final class TurnSlots {

    /** Why a reservation was refused. */
    enum Refusal { SESSION_BUSY, USER_AT_LIMIT, SERVER_AT_LIMIT }

    static final class Refused extends RuntimeException {
        private final Refusal reason;

        Refused(Refusal reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }

        Refusal reason() {
            return reason;
        }
    }

    /** A session's reservation: its turn once set up, and the notebook it answers about. */
    static final class Slot {
        private final String sessionId;
        private final String owner;
        private Turn turn;
        private String notebookId;

        private Slot(String sessionId, String owner) {
            this.sessionId = sessionId;
            this.owner = owner;
        }
    }

    private final int maxRunning;
    private final int maxPerUser;
    private final Map<String, Slot> bySession = new HashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();

    TurnSlots(int maxRunning, int maxPerUser) {
        this.maxRunning = maxRunning;
        this.maxPerUser = maxPerUser;
    }

    /** The session's slot, or why there is none; the session is checked first, so a busy session is always a 409. */
    synchronized Slot reserve(String sessionId, String owner) {
        if (bySession.containsKey(sessionId)) {
            throw new Refused(Refusal.SESSION_BUSY);
        }
        if (perUser.getOrDefault(owner, 0) >= maxPerUser) {
            throw new Refused(Refusal.USER_AT_LIMIT);
        }
        if (bySession.size() >= maxRunning) {
            throw new Refused(Refusal.SERVER_AT_LIMIT);
        }
        Slot slot = new Slot(sessionId, owner);
        bySession.put(sessionId, slot);
        perUser.merge(owner, 1, Integer::sum);
        return slot;
    }

    synchronized void started(Slot slot, Turn turn, String notebookId) {
        slot.turn = turn;
        slot.notebookId = notebookId;
    }

    /** Gives the slot back; a second release, or one for a slot already replaced, changes nothing. */
    synchronized void release(Slot slot) {
        if (bySession.remove(slot.sessionId, slot)) {
            perUser.computeIfPresent(slot.owner, (owner, count) -> count > 1 ? count - 1 : null);
        }
    }

    synchronized Optional<Turn> running(String sessionId) {
        Slot slot = bySession.get(sessionId);
        return Optional.ofNullable(slot == null ? null : slot.turn);
    }

    synchronized List<Turn> running() {
        return bySession.values().stream().map(s -> s.turn).filter(Objects::nonNull).toList();
    }

    synchronized List<Turn> runningIn(String notebookId) {
        return bySession.values().stream().filter(s -> s.turn != null && notebookId.equals(s.notebookId))
                .map(s -> s.turn).toList();
    }

    synchronized int reservedBy(String owner) {
        return perUser.getOrDefault(owner, 0);
    }

    synchronized int reserved() {
        return bySession.size();
    }
}
