package dev.notebookchat.retrieval.control;

import dev.notebookchat.notebook.entity.ItemChanged;
import dev.notebookchat.platform.Clock;
import dev.notebookchat.platform.Seconds;
import dev.notebookchat.retrieval.control.Chunker.Chunk;
import dev.notebookchat.retrieval.control.PassageTable.Claim;
import dev.notebookchat.retrieval.entity.Passage;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps every source's and note's passages in step with its text, in the background. An edit marks the
 * item {@code pending} in its own transaction; once that commits, the item joins a bounded queue that one
 * task on the managed executor drains, so requests never wait for the model and at most one core embeds.
 * Each item is claimed in the database ({@link PassageTable}), split, and only the passages whose text is
 * new are embedded (in batches, the claim renewed between them, items taking turns batch by batch); the
 * rest keep their embedding, found by the SHA-256 of their text. A sweep, at start and then every {@code notebookchat.retrieval.sweep-interval}
 * seconds, takes up what no server is working on: items edited on a server that stopped before indexing
 * them, a full queue's overflow, and claims not renewed for {@code notebookchat.retrieval.indexing-timeout}
 * seconds (a server killed mid-item).
 */
@ApplicationScoped
public class Indexer {

    private static final Logger LOG = Logger.getLogger(Indexer.class.getName());

    private static final Metadata QUEUED = Metadata.builder().withName("notebookchat.indexing.items")
            .withDescription("Sources and notes this server has queued or is indexing right now").build();

    @Inject
    PassageTable table;

    @Inject
    Embedder embedder;

    @Inject
    MetricRegistry registry;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "notebookchat.retrieval.passage-characters", defaultValue = "800")
    int passageCharacters;

    @Inject
    @ConfigProperty(name = "notebookchat.retrieval.overlap-characters", defaultValue = "120")
    int overlapCharacters;

    /** Passages per call of the model: big enough to use its batching, small enough to renew the claim often. */
    @Inject
    @ConfigProperty(name = "notebookchat.retrieval.embed-batch", defaultValue = "32")
    int batch;

    @Inject
    @ConfigProperty(name = "notebookchat.retrieval.queue-size", defaultValue = "10000")
    int queueSize;

    @Inject
    @ConfigProperty(name = "notebookchat.retrieval.indexing-timeout", defaultValue = "120")
    double indexingTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "notebookchat.retrieval.sweep-interval", defaultValue = "30")
    double sweepSeconds;

    private Chunker chunker;
    private Duration indexingTimeout;

    /** Items to index, each once, oldest first; guarded by itself, as is {@link #draining}. */
    private final LinkedHashSet<Item> queue = new LinkedHashSet<>();
    /** Items claimed and partly embedded, waiting for their next batch; guarded by {@link #queue}. */
    private final ArrayDeque<Job> inProgress = new ArrayDeque<>();
    private boolean draining;
    /** The item being indexed now, if any: with the queue, the work this server has in hand. */
    private final AtomicInteger working = new AtomicInteger();
    private volatile boolean stopped;
    private ScheduledFuture<?> sweeps;

    @PostConstruct
    void configure() {
        chunker = new Chunker(passageCharacters, overlapCharacters);
        indexingTimeout = Seconds.atLeast(Duration.ofSeconds(1), indexingTimeoutSeconds);
    }

    /** After the migrations (priority 1): the first sweep picks up what the last run left. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        registry.gauge(QUEUED, this, Indexer::inHand);
        long millis = Seconds.atLeast(Duration.ofSeconds(1), sweepSeconds).toMillis();
        sweeps = scheduler.scheduleWithFixedDelay(this::sweep, 0, millis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        stopped = true;
        if (sweeps != null) {
            sweeps.cancel(false);
        }
    }

    /** In the transaction of the edit: the notebook's cached vectors are stale from its commit on. */
    void changed(@Observes ItemChanged change) {
        table.bump(change.notebookId());
    }

    /** Only once the edit is committed can another transaction see the text to index. */
    void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ItemChanged change) {
        if (change.reindex()) {
            enqueue(change.noteId() == null ? Item.source(change.sourceId()) : Item.note(change.noteId()));
        }
    }

    /** Never blocks: a full queue drops the item, which the next sweep finds still pending. */
    void enqueue(Item item) {
        synchronized (queue) {
            if (stopped || queue.size() >= queueSize) {
                return;
            }
            queue.add(item);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (queue) {
                draining = false;
            }
            LOG.warning("Indexing could not start (" + e.getMessage() + "); the next sweep tries again");
        }
    }

    private void drain() {
        boolean emptied = false;
        try {
            drainQueue();
            emptied = true;
        } finally {
            if (!emptied) {
                // An Error ended the loop: the next enqueue (a sweep's at the latest) starts another.
                synchronized (queue) {
                    draining = false;
                }
            }
        }
    }

    /**
     * Takes turns: an item just queued gets its first batch before an item in progress gets its next,
     * so a small edit is indexed in about one batch's time however large the documents ahead of it.
     */
    private void drainQueue() {
        while (true) {
            Item next = null;
            Job job = null;
            synchronized (queue) {
                Iterator<Item> first = queue.iterator();
                if (!stopped && first.hasNext()) {
                    next = first.next();
                    first.remove();
                } else if (!stopped && !inProgress.isEmpty()) {
                    job = inProgress.poll();
                } else {
                    draining = false;
                    return;
                }
                working.set(1);
            }
            Item item = next != null ? next : job.item();
            try {
                if (job == null) {
                    job = start(next);
                }
                if (job != null && job.step()) {
                    synchronized (queue) {
                        inProgress.add(job);
                    }
                }
            } catch (RuntimeException e) {
                // The database, most likely: the claim runs out and a sweep tries again.
                LOG.warning("Indexing " + item.table() + " " + item.id() + " was interrupted: " + e);
            } finally {
                working.set(0);
            }
        }
    }

    private long inHand() {
        synchronized (queue) {
            return queue.size() + inProgress.size() + working.get();
        }
    }

    void sweep() {
        try {
            OffsetDateTime now = Clock.now();
            for (Item item : table.waiting(now.minus(indexingTimeout), queueSize)) {
                enqueue(item);
            }
        } catch (RuntimeException e) {
            LOG.fine("The sweep for items to index failed, the next one tries again: " + e);
        }
    }

    /** Indexes one item to its end if it still needs it and no one else is at it. */
    void index(Item item) {
        Job job = start(item);
        while (job != null && job.step()) {
            // one batch after another
        }
    }

    /**
     * Claims the item and splits it; null when it needs no indexing here (someone else has it, it is
     * ready, gone or unindexable).
     */
    Job start(Item item) {
        OffsetDateTime now = Clock.now();
        Optional<Claim> claimed = table.claim(item, now, now.minus(indexingTimeout));
        if (claimed.isEmpty()) {
            return null;
        }
        Claim claim = claimed.get();
        try {
            return new Job(claim, chunker.split(claim.content()));
        } catch (RuntimeException | LinkageError e) {
            failed(claim, e);
            return null;
        }
    }

    /** The item's status says it to the user; the cause is for the log, once. */
    private void failed(Claim claim, Throwable cause) {
        LOG.log(Level.WARNING, "Indexing " + claim.item().table() + " " + claim.item().id() + " failed; it is marked failed", cause);
        table.fail(claim);
    }

    /**
     * One claimed item on its way: its passages, the embeddings it keeps (by text hash) and the texts
     * still to embed. It is embedded a batch at a time and goes back to the end of the line between
     * batches, so a large document does not hold up the small ones edited after it.
     */
    final class Job {
        private final Claim claim;
        private final List<Chunk> chunks;
        private final List<String> hashes;
        private final Map<String, PassageTable.Embedded> embeddings;
        private final List<Map.Entry<String, String>> toEmbed;
        private int embedded;

        Job(Claim claim, List<Chunk> chunks) {
            this.claim = claim;
            this.chunks = chunks;
            this.embeddings = new LinkedHashMap<>(claim.embeddings());
            this.hashes = new ArrayList<>(chunks.size());
            Map<String, String> missing = new LinkedHashMap<>();
            for (Chunk chunk : chunks) {
                String hash = sha256(chunk.text());
                hashes.add(hash);
                if (!embeddings.containsKey(hash)) {
                    missing.putIfAbsent(hash, chunk.text());
                }
            }
            this.toEmbed = new ArrayList<>(missing.entrySet());
        }

        /**
         * Embeds the next batch, or saves the passages when none is left; true when there is more to do.
         * The claim is renewed before every batch but the first: an item edited or deleted meanwhile (the
         * claim no longer stands) is dropped. A database failure passes through: the claim then runs out
         * and a sweep tries again.
         */
        boolean step() {
            if (embedded < toEmbed.size()) {
                if (embedded > 0 && !table.renew(claim, Clock.now())) {
                    return false;
                }
                List<Map.Entry<String, String>> part = toEmbed.subList(embedded, Math.min(toEmbed.size(), embedded + batch));
                List<List<float[]>> vectors;
                try {
                    vectors = embedder.passages(part.stream().map(Map.Entry::getValue).toList());
                } catch (RuntimeException | LinkageError e) {
                    // LinkageError: the model's library is missing or its native part did not load.
                    failed(claim, e);
                    return false;
                }
                for (int i = 0; i < part.size(); i++) {
                    List<float[]> ofPassage = vectors.get(i);
                    embeddings.put(part.get(i).getKey(), new PassageTable.Embedded(VectorIndex.bytes(ofPassage.get(0)),
                            VectorIndex.bytes(ofPassage.subList(1, ofPassage.size()))));
                }
                embedded += part.size();
                if (embedded < toEmbed.size()) {
                    return true;
                }
            }
            table.finish(claim, passages());
            return false;
        }

        private List<Passage> passages() {
            Item item = claim.item();
            List<Passage> passages = new ArrayList<>(chunks.size());
            for (int i = 0; i < chunks.size(); i++) {
                Chunk chunk = chunks.get(i);
                PassageTable.Embedded embedded = embeddings.get(hashes.get(i));
                passages.add(new Passage(claim.notebookId(), item.note() ? null : item.id(), item.note() ? item.id() : null,
                        chunk.number(), chunk.start(), chunk.end(), chunk.text(), hashes.get(i), embedded.vector(), embedded.windows()));
            }
            return passages;
        }

        Item item() {
            return claim.item();
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
