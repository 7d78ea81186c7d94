package dev.notebookchat.chat.redis;

import dev.notebookchat.chat.control.Turn;
import dev.notebookchat.chat.control.Turn.Numbered;
import dev.notebookchat.chat.entity.ChatEvent;
import io.lettuce.core.StreamMessage;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Feeds a turn another server runs into a relayed {@link Turn} here, which any number of local
 * streams follow. One read at a time, from the last event it has on: a wake-up that comes while a
 * read is on its way makes it read once more afterwards. A turn whose server is gone (its liveness
 * key expired) and whose stream has nothing new ends with an {@code error} event, as a restart
 * would end it; the server's lease then marks the saved answer {@code interrupted}.
 */
final class Relay {

    private static final Logger LOG = Logger.getLogger(Relay.class.getName());

    private final RedisTurns redis;
    private final Turn turn;
    private boolean begun;
    private boolean reading;
    private boolean again;
    private long quietSince = System.nanoTime();

    Relay(RedisTurns redis, Turn turn) {
        this.redis = redis;
        this.turn = turn;
    }

    Turn turn() {
        return turn;
    }

    /** Subscribes to the turn's wake-ups first, then reads, so nothing published in between is missed. */
    void begin() {
        synchronized (this) {
            if (begun) {
                return;
            }
            begun = true;
        }
        try {
            redis.subscribe(turn.answerId()).whenCompleteAsync((subscribed, e) -> read(), redis.executor());
        } catch (RuntimeException e) {
            read();
        }
    }

    void read() {
        synchronized (this) {
            if (reading) {
                again = true;
                return;
            }
            reading = true;
            again = false;
        }
        try {
            redis.read(turn.answerId(), turn.lastId() + 1)
                    .whenCompleteAsync((entries, failure) -> received(entries, failure, false), redis.executor());
        } catch (RuntimeException e) {
            received(null, e, false);
        }
    }

    /** Each round: read in case a wake-up was lost, and after a quiet lease ask whether the turn's server is still there. */
    void check() {
        if (turn.ended()) {
            redis.relayEnded(this);
            return;
        }
        boolean quiet;
        synchronized (this) {
            quiet = System.nanoTime() - quietSince > redis.leaseMillis() * 1_000_000L;
        }
        if (!quiet) {
            read();
            return;
        }
        try {
            redis.alive(turn.answerId()).whenCompleteAsync((alive, failure) -> {
                if (failure == null && alive != null && alive == 0) {
                    // Read once more: the turn may have ended just before its key went.
                    redis.read(turn.answerId(), turn.lastId() + 1)
                            .whenCompleteAsync((entries, e) -> received(entries, e, true), redis.executor());
                } else {
                    read();
                }
            }, redis.executor());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Redis is not answering", e);
        }
    }

    private void received(List<StreamMessage<String, String>> entries, Throwable failure, boolean ownerGone) {
        boolean more;
        if (failure != null) {
            LOG.log(Level.FINE, "Events of session " + turn.sessionId() + " could not be read; the next round tries again", failure);
        } else if (!entries.isEmpty()) {
            List<Numbered> events = entries.stream()
                    .map(m -> RelayedEvents.numbered(m.getId(), m.getBody().get(RelayedEvents.DATA))).toList();
            if (events.get(0).id() > turn.lastId() + 1) {
                // Redis lost the start of the stream (it restarted without its data): what is missing cannot come back.
                events = List.of(new Numbered(turn.lastId() + 1, new ChatEvent.Error(
                        "This answer can no longer be followed live; reload the conversation to see it once it is saved.")));
            }
            turn.relay(events);
            synchronized (this) {
                quietSince = System.nanoTime();
            }
        } else if (ownerGone) {
            turn.relay(List.of(new Numbered(turn.lastId() + 1, new ChatEvent.Error(
                    "This answer was cut off when the server writing it stopped; its partial text is saved. Ask again to retry."))));
        }
        if (turn.ended()) {
            redis.relayEnded(this);
        }
        synchronized (this) {
            if (!ownerGone) {
                reading = false;
            }
            more = !turn.ended() && (again || (failure == null && entries.size() == RedisTurns.BATCH));
        }
        if (more) {
            read();
        }
    }
}
