package dev.notebookchat.chat.redis;

import dev.notebookchat.chat.control.SharedTurns;
import dev.notebookchat.chat.control.Turn;
import dev.notebookchat.chat.control.Turn.Numbered;
import dev.notebookchat.problems.ApiError;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import jakarta.ws.rs.ServiceUnavailableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Running turns shared through Redis. Every command is asynchronous: no Lettuce callback blocks or
 * does more than hand its result to the executor, and no thread waits per turn or per follower.
 * Only a request that must answer from Redis (a resume, a stop) waits for its one reply, bounded by
 * the command timeout.
 *
 * <p>A turn running here: a {@link Publisher} follows it like a client does and appends its events
 * to the turn's stream, one batch at a time; the claim and the turn's liveness key are renewed every
 * round and released once the last event is in the stream. A turn running elsewhere: one
 * {@link Relay} per answer feeds a relayed {@link Turn}, which the local SSE followers read as
 * usual; it reads the stream from its last id whenever the publishing server's wake-up message
 * comes, and every round in case one was missed.
 *
 * <p>Redis unreachable: turns here go on and are saved (their events reach the stream once it is
 * back), a new turn starts unshared, while resumes and stops of other servers' turns are refused
 * with a 503; Lettuce reconnects by itself.
 */
final class RedisTurns implements SharedTurns {

    private static final Logger LOG = Logger.getLogger(RedisTurns.class.getName());
    private static final String PREFIX = "notebookchat:";
    /** Events per append or read: long answers go in several round trips, none of them huge. */
    static final int BATCH = 256;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final RedisURI uri;
    private final String instanceId;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final long leaseMillis;
    private final long graceMillis;
    private final long maxEvents;
    private final ClientResources resources;
    private final RedisClient client;
    private final ConcurrentMap<String, Publisher> publishers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Relay> relays = new ConcurrentHashMap<>();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private ScheduledFuture<?> rounds;

    /**
     * @param maxEvents the most events a turn can have: its stream is never trimmed below them
     */
    RedisTurns(String url, String instanceId, Executor executor, ScheduledExecutorService scheduler,
               Duration lease, Duration grace, long maxEvents) {
        this.uri = RedisURI.create(url);
        this.instanceId = instanceId;
        this.executor = executor;
        this.scheduler = scheduler;
        this.leaseMillis = Math.max(1000, lease.toMillis());
        this.graceMillis = Math.max(1000, grace.toMillis());
        this.maxEvents = maxEvents;
        // Reconnects back off to 5 s at most (Lettuce's own default goes to 30 s): sharing resumes soon after Redis does.
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(() -> Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        // Commands fail at once while disconnected, and queue no more than a bounded number meanwhile.
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(10_000)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
    }

    void start() {
        connect();
        long every = Math.min(1000, leaseMillis / 3);
        rounds = scheduler.scheduleWithFixedDelay(() -> {
            try {
                executor.execute(this::round);
            } catch (RejectedExecutionException stopping) {
                // the server is going down
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (rounds != null) {
            rounds.cancel(false);
        }
        client.shutdownAsync(0, 2, TimeUnit.SECONDS).whenComplete((done, e) -> resources.shutdown(0, 2, TimeUnit.SECONDS));
    }

    /** The first connections; once they exist, Lettuce reconnects them (and resubscribes) by itself. */
    private void connect() {
        if (connection != null && pubSub != null || !connecting.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<StatefulRedisConnection<String, String>> commands = connection != null
                ? CompletableFuture.completedFuture(connection) : client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        commands.thenCompose(c -> {
            connection = c;
            return client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture();
        }).thenCompose(p -> {
            p.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    executor.execute(() -> woken(channel, message));
                }
            });
            pubSub = p;
            return p.async().subscribe(stopChannel(instanceId)).toCompletableFuture();
        }).whenComplete((subscribed, failure) -> {
            connecting.set(false);
            if (failure != null) {
                // Tried again every round: said once, then only at FINE.
                LOG.log(warned.getAndSet(true) ? Level.FINE : Level.WARNING, "Redis at " + uri.getHost() + ":" + uri.getPort()
                        + " is not reachable; running turns are not shared until it is", failure);
            } else {
                LOG.info("Running turns are shared through Redis at " + uri.getHost() + ":" + uri.getPort());
            }
        });
    }

    RedisAsyncCommands<String, String> redis() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            throw unavailable(new IllegalStateException("Redis is not connected"));
        }
        return c.async();
    }

    // ---- claims and the turns running here

    @Override
    public Optional<Claim> claim(String sessionId) {
        String value = instanceId + " " + UUID.randomUUID();
        Long taken;
        try {
            taken = await(redis().eval(Scripts.CLAIM, ScriptOutputType.INTEGER, new String[]{claimKey(sessionId)},
                    instanceId + " ", value, Long.toString(leaseMillis)));
        } catch (RuntimeException e) {
            // The database still keeps one turn per session; this one just cannot be followed from elsewhere.
            LOG.log(Level.WARNING, "Redis is not answering; the turn of session " + sessionId + " runs unshared", e);
            return Optional.of(unshared());
        }
        if (taken == null || taken == 0) {
            return Optional.empty();
        }
        return Optional.of(new Claim() {
            @Override
            public void started(Turn turn) {
                Publisher publisher = new Publisher(RedisTurns.this, turn, value);
                publishers.put(sessionId, publisher);
                turn.follow(publisher);
            }

            @Override
            public void release() {
                releaseClaim(sessionId, value, "");
            }
        });
    }

    private static Claim unshared() {
        return new Claim() {
            @Override
            public void started(Turn turn) {
            }

            @Override
            public void release() {
            }
        };
    }

    /** Appends a batch of a turn running here to its stream; completes with the id of the stream's last event. */
    CompletionStage<Long> append(Turn turn, String claimValue, List<Numbered> batch) {
        List<String> args = new ArrayList<>(6 + 2 * batch.size());
        args.add(Long.toString(maxEvents));
        args.add(Long.toString(graceMillis));
        args.add(Long.toString(leaseMillis));
        args.add(turn.answerId());
        args.add(claimValue);
        args.add(eventsKey(turn.answerId()));
        for (Numbered numbered : batch) {
            args.add(Long.toString(numbered.id()));
            args.add(numbered.data());
        }
        String[] keys = {eventsKey(turn.answerId()), latestKey(turn.sessionId()), claimKey(turn.sessionId()),
                runningKey(turn.answerId())};
        return redis().eval(Scripts.APPEND, ScriptOutputType.INTEGER, keys, args.toArray(String[]::new));
    }

    /** The publisher has put the turn's last event in the stream: the session is free for the next turn anywhere. */
    void published(Publisher publisher) {
        publishers.remove(publisher.turn().sessionId(), publisher);
        releaseClaim(publisher.turn().sessionId(), publisher.claimValue(), publisher.turn().answerId());
    }

    private void releaseClaim(String sessionId, String value, String answerId) {
        try {
            redis().eval(Scripts.RELEASE, ScriptOutputType.INTEGER, new String[]{claimKey(sessionId), runningKey(answerId)}, value)
                    .whenComplete((released, e) -> {
                        if (e != null) {
                            LOG.log(Level.FINE, "The claim of session " + sessionId + " is left to expire", e);
                        }
                    });
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "The claim of session " + sessionId + " is left to expire", e);
        }
    }

    @Override
    public Optional<String> stop(String sessionId) {
        List<KeyValue<String, String>> values = await(redis().mget(claimKey(sessionId), latestKey(sessionId)));
        String claim = values.get(0).getValueOrElse(null);
        if (claim == null) {
            return Optional.empty();
        }
        String owner = claim.substring(0, claim.indexOf(' '));
        if (owner.equals(instanceId)) {
            // This server's own claim and no turn running here: its last turn is handing on its last events.
            return Optional.empty();
        }
        Long heard = await(redis().publish(stopChannel(owner), sessionId));
        if (heard == null || heard == 0) {
            // The claim outlived its server, which the claim's expiry will soon tell everyone.
            return Optional.empty();
        }
        return Optional.of(values.get(1).getValueOrElse(""));
    }

    // ---- turns running elsewhere

    @Override
    public Optional<Turn> latest(String sessionId, Turn finishedHere) {
        String answerId = await(redis().get(latestKey(sessionId)));
        if (answerId == null) {
            // Nothing shared within the grace period: the saved messages are the truth.
            return Optional.empty();
        }
        if (finishedHere != null && finishedHere.answerId().equals(answerId)) {
            return Optional.of(finishedHere);
        }
        Relay relay = relays.computeIfAbsent(answerId, id -> new Relay(this, Turn.relayed(sessionId, id)));
        relay.begin();
        return Optional.of(relay.turn());
    }

    CompletionStage<List<StreamMessage<String, String>>> read(String answerId, long fromId) {
        return redis().xrange(eventsKey(answerId),
                Range.from(Range.Boundary.including(RelayedEvents.entryId(fromId)), Range.Boundary.unbounded()),
                Limit.from(BATCH));
    }

    CompletionStage<Long> alive(String answerId) {
        return redis().exists(runningKey(answerId));
    }

    CompletionStage<?> subscribe(String answerId) {
        StatefulRedisPubSubConnection<String, String> p = pubSub;
        if (p == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Redis is not connected"));
        }
        return p.async().subscribe(eventsKey(answerId));
    }

    void relayEnded(Relay relay) {
        String answerId = relay.turn().answerId();
        if (relays.remove(answerId, relay)) {
            StatefulRedisPubSubConnection<String, String> p = pubSub;
            if (p != null) {
                p.async().unsubscribe(eventsKey(answerId));
            }
        }
    }

    Executor executor() {
        return executor;
    }

    long leaseMillis() {
        return leaseMillis;
    }

    /** On the executor: a wake-up for a relayed turn, or a stop for a turn running here. */
    private void woken(String channel, String message) {
        if (channel.equals(stopChannel(instanceId))) {
            Publisher publisher = publishers.get(message);
            if (publisher != null) {
                publisher.turn().stop();
            }
            return;
        }
        Relay relay = relays.get(channel.substring(channel.lastIndexOf(':') + 1));
        if (relay != null) {
            relay.read();
        }
    }

    /**
     * Every second or so: connect if never connected, renew the claims of the turns here and send
     * what their publishers could not, and read every relayed turn, so a lost wake-up or a server
     * that died costs a round, not a stuck stream.
     */
    private void round() {
        try {
            connect();
            if (connection == null) {
                return;
            }
            for (Publisher publisher : publishers.values()) {
                Turn turn = publisher.turn();
                if (publisher.abandoned(graceMillis * 1_000_000L)) {
                    turn.unfollow(publisher);
                    publishers.remove(turn.sessionId(), publisher);
                    continue;
                }
                redis().eval(Scripts.RENEW, ScriptOutputType.INTEGER,
                        new String[]{claimKey(turn.sessionId()), runningKey(turn.answerId())}, publisher.claimValue(),
                        Long.toString(leaseMillis));
                publisher.wake();
            }
            relays.values().forEach(Relay::check);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Redis is not answering; trying again next round", e);
        }
    }

    /** A request's wait for one reply: Redis unreachable is a 503 the client may retry. */
    private static <T> T await(CompletionStage<T> reply) {
        try {
            return reply.toCompletableFuture().get(COMMAND_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable(e);
        }
    }

    static ServiceUnavailableException unavailable(Throwable cause) {
        LOG.log(Level.FINE, "Redis is not answering", cause);
        return new ServiceUnavailableException("Answers running on other servers cannot be reached right now. Try again shortly.",
                ApiError.RETRY_AFTER_SECONDS);
    }

    private static String claimKey(String sessionId) {
        return PREFIX + "claim:" + sessionId;
    }

    private static String latestKey(String sessionId) {
        return PREFIX + "latest:" + sessionId;
    }

    /** The turn's stream; its wake-up channel has the same name (channels and keys do not share names). */
    private static String eventsKey(String answerId) {
        return PREFIX + "events:" + answerId;
    }

    private static String runningKey(String answerId) {
        return PREFIX + "running:" + answerId;
    }

    private static String stopChannel(String instanceId) {
        return PREFIX + "stop:" + instanceId;
    }
}
