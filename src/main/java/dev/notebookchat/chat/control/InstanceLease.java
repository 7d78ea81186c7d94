package dev.notebookchat.chat.control;

import dev.notebookchat.platform.Clock;
import dev.notebookchat.platform.Seconds;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This server's name among the servers that share the database, and its lease. Every answer it
 * starts carries the name; the lease is renewed a few times per lease period. Every server sweeps
 * now and then for answers left {@code streaming} by a server whose lease ran out (it crashed or
 * lost the database for longer than the lease) and marks them {@code interrupted}, keeping the text
 * of their last checkpoint; answers of servers that are alive are never touched.
 *
 * <p>A new name is drawn at each start, so a server that restarts after a crash treats its own
 * earlier answers like any other server's: leftovers once the earlier lease ran out.
 */
@ApplicationScoped
public class InstanceLease {

    private static final Logger LOG = Logger.getLogger(InstanceLease.class.getName());

    @Inject
    Instances instances;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedExecutorService executor;

    @Inject
    @ConfigProperty(name = "notebookchat.instance.lease", defaultValue = "30")
    double leaseSeconds;

    private final String id = UUID.randomUUID().toString();
    private final AtomicBoolean renewing = new AtomicBoolean();
    private ScheduledFuture<?> renewals;

    /** This server's name, on each answer it starts. */
    public String id() {
        return id;
    }

    /** Right after the migrations, before any turn: the lease first, then the leftovers of servers that are gone. */
    void start(@Observes @Priority(2) @Initialized(ApplicationScoped.class) Object started) {
        renewAndSweep();
        long every = Seconds.atLeast(Duration.ofMillis(100), leaseSeconds / 3).toMillis();
        renewals = scheduler.scheduleWithFixedDelay(() -> {
            try {
                executor.execute(this::renewAndSweep);
            } catch (RejectedExecutionException stopping) {
                // the server is going down: its lease goes with it
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private Duration lease() {
        return Seconds.atLeast(Duration.ZERO, leaseSeconds);
    }

    private void renewAndSweep() {
        // One round at a time: two would both find no row and both insert it.
        if (!renewing.compareAndSet(false, true)) {
            return;
        }
        try {
            var now = Clock.now();
            instances.renew(id, now.plus(lease()));
            int marked = instances.interruptOrphans(now);
            if (marked > 0) {
                LOG.info(marked + " answers whose server stopped mid-turn are marked interrupted");
            }
        } catch (RuntimeException e) {
            // The database is away; the next round tries again, and until then nothing else is touched.
            LOG.log(Level.FINE, "Renewing the lease of server " + id + " failed", e);
        } finally {
            renewing.set(false);
        }
    }

    /** While the database is still there: by the time beans are destroyed, the persistence unit is closed. */
    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
        if (renewals != null) {
            renewals.cancel(false);
        }
        try {
            instances.release(id);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "The lease of server " + id + " is left to run out", e);
        }
    }
}
