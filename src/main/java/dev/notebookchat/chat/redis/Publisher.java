package dev.notebookchat.chat.redis;

import dev.notebookchat.chat.control.Turn;
import dev.notebookchat.chat.control.Turn.Numbered;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands the events of a turn running here to its Redis stream, in order, one batch at a time: while
 * a batch is on its way the turn goes on and the next batch collects in the turn's own log, so
 * nothing queues up here. A batch that fails is sent again from the same event on the next wake-up
 * or round; the stream skips what it has already.
 */
final class Publisher implements Turn.Follower {

    private static final Logger LOG = Logger.getLogger(Publisher.class.getName());

    private final RedisTurns redis;
    private final Turn turn;
    private final String claimValue;
    private long cursor;
    private boolean sending;
    private boolean done;
    /** When this publisher first found the turn ended, for giving up on a Redis that stays away. */
    private long endedSince;

    Publisher(RedisTurns redis, Turn turn, String claimValue) {
        this.redis = redis;
        this.turn = turn;
        this.claimValue = claimValue;
    }

    Turn turn() {
        return turn;
    }

    String claimValue() {
        return claimValue;
    }

    /** On the provider's thread, or the round's: takes what is new and sends it without waiting. */
    @Override
    public void wake() {
        List<Numbered> batch = new ArrayList<>();
        synchronized (this) {
            if (sending || done) {
                return;
            }
            if (endedSince == 0 && turn.ended()) {
                endedSince = System.nanoTime();
            }
            for (long i = cursor; batch.size() < RedisTurns.BATCH; i++) {
                Optional<Numbered> next = turn.eventAt(i);
                if (next.isEmpty()) {
                    break;
                }
                batch.add(next.get());
            }
            if (batch.isEmpty()) {
                return;
            }
            sending = true;
        }
        try {
            redis.append(turn, claimValue, batch).whenCompleteAsync((last, failure) -> sent(batch.size(), failure), redis.executor());
        } catch (RuntimeException e) {
            sent(batch.size(), e);
        }
    }

    /**
     * True once the turn ended longer than {@code graceNanos} ago and its last events are still not
     * in Redis: nobody can resume it from there any more, and the saved answer tells it.
     */
    synchronized boolean abandoned(long graceNanos) {
        if (endedSince != 0 && !done && System.nanoTime() - endedSince > graceNanos) {
            done = true;
            return true;
        }
        return false;
    }

    private void sent(int count, Throwable failure) {
        boolean finished;
        synchronized (this) {
            sending = false;
            if (failure != null) {
                LOG.log(Level.FINE, "Events of session " + turn.sessionId() + " wait for Redis", failure);
                return;
            }
            cursor += count;
            // Ended is read before the log: once it is true the log is final.
            finished = turn.ended() && turn.eventAt(cursor).isEmpty();
            done = finished;
        }
        if (finished) {
            turn.unfollow(this);
            redis.published(this);
        } else {
            wake();
        }
    }
}
