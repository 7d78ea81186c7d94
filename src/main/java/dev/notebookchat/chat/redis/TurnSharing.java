package dev.notebookchat.chat.redis;

import dev.notebookchat.chat.control.InstanceLease;
import dev.notebookchat.chat.control.SharedTurns;
import dev.notebookchat.chat.control.Turn;
import dev.notebookchat.platform.Seconds;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Optional;

/**
 * The running turns this server shares: through Redis when {@code notebookchat.turns.redis-url} is
 * set, else none ({@link SharedTurns#NONE}), the single-server default. Connects at start-up, so
 * stops sent by other servers reach this one before it runs its first turn.
 */
@ApplicationScoped
public class TurnSharing implements SharedTurns {

    @Inject
    @ConfigProperty(name = "notebookchat.turns.redis-url")
    Optional<String> redisUrl;

    /** How long a finished turn stays in Redis, for clients that resume it on any server. */
    @Inject
    @ConfigProperty(name = "notebookchat.turns.finished-grace", defaultValue = "300")
    double graceSeconds;

    @Inject
    @ConfigProperty(name = "notebookchat.instance.lease", defaultValue = "30")
    double leaseSeconds;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.max-answer-characters", defaultValue = "200000")
    int maxAnswerCharacters;

    @Inject
    InstanceLease instance;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private volatile SharedTurns shared = SharedTurns.NONE;
    /** Closes the Redis connection; a no-op without Redis, so stopping never loads the Redis classes. */
    private volatile Runnable stopping = () -> { };

    void start(@Observes @Priority(3) @Initialized(ApplicationScoped.class) Object started) {
        String url = redisUrl.map(String::strip).orElse("");
        if (url.isEmpty()) {
            return;
        }
        // Every token is an event, so no turn has more events than characters, plus its first and last three.
        RedisTurns redis = new RedisTurns(url, instance.id(), executor, scheduler,
                Seconds.atLeast(Duration.ZERO, leaseSeconds), Seconds.atLeast(Duration.ZERO, graceSeconds),
                maxAnswerCharacters + 8L);
        redis.start();
        shared = redis;
        stopping = redis::stop;
    }

    @PreDestroy
    void stop() {
        stopping.run();
    }

    @Override
    public Optional<Claim> claim(String sessionId) {
        return shared.claim(sessionId);
    }

    @Override
    public Optional<Turn> latest(String sessionId, Turn finishedHere) {
        return shared.latest(sessionId, finishedHere);
    }

    @Override
    public Optional<String> stop(String sessionId) {
        return shared.stop(sessionId);
    }
}
