package dev.notebookchat.security.control;

import dev.notebookchat.platform.Seconds;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Refuses a token whose signing key the identity provider no longer publishes.
 *
 * <p>MicroProfile JWT verifies the signature with a key from the JWKS at
 * {@code mp.jwt.verify.publickey.location}, fetching it again when a token names a key id it does not
 * know. Open Liberty (26.0.0.3) keeps every key it fetched, though: it drops one only when it is ten
 * minutes old <em>and</em> a token with another unknown key id makes it fetch again, and no setting
 * changes that. A key the provider withdrew (a leaked one, say) would go on verifying tokens.
 *
 * <p>So the application keeps the key ids the JWKS publishes now: read at start, again every
 * {@code notebookchat.jwks.refresh-interval}, and at once when a verified token names a key id it does
 * not hold (a new key, or a withdrawn one). A key id found missing is not asked about again for
 * {@link #RECHECK_LIMIT} (or the refresh interval, if shorter), so a client that keeps sending a
 * withdrawn key's token costs the provider one request per that period. Only verified tokens get here,
 * and their header, key id included, is signed: nobody can make the server fetch for a made-up key id.
 *
 * <p>Reading the JWKS never holds a thread: the JDK client runs on the managed executor, and concurrent
 * askers share one fetch. Only a request whose key id is unknown waits for one (a read gives up after
 * {@link #FETCH_TIMEOUT}), as MicroProfile JWT itself did a moment before for the same reason. When the
 * JWKS cannot be read, the key ids read last stay in force; a key id never seen then cannot be
 * vouched for. The check applies only when the location is an {@code http(s)} URL: the dev login's
 * PEM file has one key, which nobody withdraws while the server runs.
 */
@ApplicationScoped
public class PublishedSigningKeys {

    private static final Logger LOG = Logger.getLogger(PublishedSigningKeys.class.getName());

    /** A JWKS is a small static document: a provider that takes longer than this is in trouble. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    /** The fewest seconds between two reads of the JWKS caused by the same missing key id. */
    static final Duration RECHECK_LIMIT = Duration.ofSeconds(10);

    /** What a token's key is, as far as this server can tell. */
    public enum Verdict {
        /** Published now, or nothing to check (not a JWKS). */
        PUBLISHED,
        /** The JWKS does not publish it (any more), or the token names no key id. */
        WITHDRAWN,
        /** The JWKS could not be read, and its last reading does not name the key. */
        UNREADABLE
    }

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> location;

    @Inject
    @ConfigProperty(name = "notebookchat.jwks.refresh-interval", defaultValue = "300")
    double refreshSeconds;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    /** The key ids one read of the JWKS found ({@code null}: it serves a single PEM key, which has none). */
    private record Reading(Set<String> keyIds, long startedAt) {
    }

    private record Fetch(CompletableFuture<Reading> result, long startedAt) {
    }

    /** The JWKS, or {@code null} when there is nothing to check; set last, so whoever sees it sees the rest. */
    private volatile URI jwks;
    private Function<URI, CompletableFuture<Optional<Set<String>>>> reader;
    private LongSupplier nanoTime = System::nanoTime;
    private long recheckNanos;
    private ScheduledFuture<?> refreshing;

    private final AtomicReference<Reading> published = new AtomicReference<>();
    private final AtomicReference<Fetch> inFlight = new AtomicReference<>();
    /** Key ids a read found missing, with when that read started. */
    private final ConcurrentMap<String, Long> missing = new ConcurrentHashMap<>();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final Set<String> reportedWithdrawn = ConcurrentHashMap.newKeySet();

    /** For CDI. */
    public PublishedSigningKeys() {
    }

    /** Outside a container (tests): the JWKS read by {@code reader}, time told by {@code nanoTime}. */
    PublishedSigningKeys(URI jwks, Duration refreshInterval, Function<URI, CompletableFuture<Optional<Set<String>>>> reader,
                         LongSupplier nanoTime) {
        this.jwks = jwks;
        this.reader = reader;
        this.nanoTime = nanoTime;
        this.recheckNanos = Math.min(RECHECK_LIMIT.toNanos(), refreshInterval.toNanos());
    }

    /** Reads the JWKS once the application starts, and then every refresh interval. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        Optional<URI> url = jwksUrl(location.orElse(""));
        if (url.isEmpty()) {
            return;
        }
        Duration interval = Seconds.atLeast(Duration.ofMillis(100), refreshSeconds);
        recheckNanos = Math.min(RECHECK_LIMIT.toNanos(), interval.toNanos());
        HttpClient client = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(FETCH_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        reader = jwksUrl -> read(client, jwksUrl);
        jwks = url.get();
        refreshing = scheduler.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Tokens must be signed with a key " + jwks + " publishes; it is read again every " + interval.toMillis() / 1000.0
                + " s (notebookchat.jwks.refresh-interval) and whenever a token names a key id not read yet.");
    }

    @PreDestroy
    void stop() {
        if (refreshing != null) {
            refreshing.cancel(false);
        }
    }

    /** The location as a JWKS URL, if it is one: a file or an inline key has nothing to withdraw while the server runs. */
    static Optional<URI> jwksUrl(String location) {
        String trimmed = location.strip();
        String lower = trimmed.toLowerCase(java.util.Locale.ROOT);
        if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
            return Optional.empty();
        }
        return Optional.of(URI.create(trimmed));
    }

    /** Whether the key that signed this verified token is one the identity provider publishes now. */
    public Verdict check(JsonWebToken token) {
        if (jwks == null) {
            return Verdict.PUBLISHED;
        }
        Optional<String> keyId = keyId(token == null ? null : token.getRawToken());
        if (keyId.isPresent()) {
            return check(keyId.get());
        }
        Reading last = published.get();
        if (last != null && last.keyIds() == null) {
            return Verdict.PUBLISHED; // a single PEM key: nothing to name
        }
        if (reportedWithdrawn.add("")) {
            LOG.warning("Refused a token that names no signing key (kid in its header): with a JWKS ("
                    + jwks + ") every token must name the key that signed it.");
        }
        return Verdict.WITHDRAWN;
    }

    Verdict check(String keyId) {
        Reading last = published.get();
        if (last != null && (last.keyIds() == null || last.keyIds().contains(keyId))) {
            return Verdict.PUBLISHED;
        }
        long now = nanoTime.getAsLong();
        Long missingSince = missing.get(keyId);
        if (missingSince != null && now - missingSince < recheckNanos) {
            return Verdict.WITHDRAWN;
        }
        Reading fresh;
        try {
            fresh = readStartedNoEarlierThan(now, last).get(2 * FETCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Verdict.UNREADABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.UNREADABLE;
        }
        if (fresh.keyIds() == null || fresh.keyIds().contains(keyId)) {
            return Verdict.PUBLISHED;
        }
        missing.put(keyId, fresh.startedAt());
        if (reportedWithdrawn.add(keyId)) {
            LOG.warning("Refused a token signed with key " + keyId + ", which " + jwks + " does not publish (any more).");
        }
        return Verdict.WITHDRAWN;
    }

    /** Reads the JWKS again, unless a read is under way: what the schedule runs. */
    void refresh() {
        Fetch current = inFlight.get();
        if (current == null || current.result().isDone()) {
            readStartedNoEarlierThan(nanoTime.getAsLong(), published.get());
        }
    }

    /**
     * A read of the JWKS that started at {@code time} or later, so it sees a key published before then:
     * one that ended after the caller looked at {@code seen} if it qualifies, else the one under way if it
     * qualifies, else a new one (after the one under way, which may be slow).
     */
    private CompletableFuture<Reading> readStartedNoEarlierThan(long time, Reading seen) {
        while (true) {
            Reading last = published.get();
            if (last != seen && last != null && last.startedAt() - time >= 0) {
                return CompletableFuture.completedFuture(last);
            }
            Fetch current = inFlight.get();
            if (current != null && !current.result().isDone()) {
                if (current.startedAt() - time >= 0) {
                    return current.result();
                }
                return current.result().handle((reading, failure) -> time).thenCompose(after -> readStartedNoEarlierThan(after, seen));
            }
            Fetch next = new Fetch(new CompletableFuture<>(), nanoTime.getAsLong());
            if (inFlight.compareAndSet(current, next)) {
                start(next);
                return next.result();
            }
        }
    }

    private void start(Fetch fetch) {
        CompletableFuture<Optional<Set<String>>> keyIds;
        try {
            keyIds = reader.apply(jwks);
        } catch (RuntimeException e) {
            keyIds = CompletableFuture.failedFuture(e);
        }
        keyIds.whenComplete((ids, failure) -> {
            if (failure != null) {
                // once per outage: the schedule tries again every interval
                LOG.log(failing.compareAndSet(false, true) ? Level.WARNING : Level.FINE, "Cannot read the signing keys at " + jwks
                        + " (" + reason(failure) + "); " + (published.get() == null
                        ? "until they are read, tokens get 503." : "the ones read last stay in force."));
                fetch.result().completeExceptionally(failure);
                return;
            }
            if (failing.compareAndSet(true, false)) {
                LOG.info("Read the signing keys at " + jwks + " again.");
            }
            Reading reading = new Reading(ids.map(Set::copyOf).orElse(null), fetch.startedAt());
            published.accumulateAndGet(reading, (old, next) -> old == null || next.startedAt() - old.startedAt() >= 0 ? next : old);
            long expired = nanoTime.getAsLong() - recheckNanos;
            missing.values().removeIf(since -> since - expired < 0);
            if (reading.keyIds() != null) {
                missing.keySet().removeAll(reading.keyIds());
            }
            fetch.result().complete(reading);
        });
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** The key ids of a JWKS document; empty for a PEM key served at the URL. */
    static Optional<Set<String>> keyIds(String document) {
        if (document.stripLeading().startsWith("-----BEGIN")) {
            return Optional.empty();
        }
        JsonObject set;
        try (var json = Json.createReader(new StringReader(document))) {
            set = json.readObject();
        } catch (JsonException | ClassCastException e) {
            throw new IllegalStateException("not a JSON Web Key Set", e);
        }
        if (!(set.get("keys") instanceof jakarta.json.JsonArray keys)) {
            throw new IllegalStateException("not a JSON Web Key Set: no \"keys\"");
        }
        Set<String> ids = new HashSet<>();
        for (JsonValue key : keys) {
            if (key instanceof JsonObject jwk && !"enc".equals(jwk.getString("use", "sig")) && jwk.get("kid") instanceof JsonString kid) {
                ids.add(kid.getString());
            }
        }
        return Optional.of(ids);
    }

    private static CompletableFuture<Optional<Set<String>>> read(HttpClient client, URI jwks) {
        HttpRequest request = HttpRequest.newBuilder(jwks)
                .timeout(FETCH_TIMEOUT)
                .header("Accept", "application/jwk-set+json, application/json")
                .GET()
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException(jwks + " answered " + response.statusCode());
            }
            return keyIds(response.body());
        });
    }

    /** The {@code kid} of a compact JWS's header. */
    static Optional<String> keyId(String rawToken) {
        if (rawToken == null) {
            return Optional.empty();
        }
        int dot = rawToken.indexOf('.');
        try {
            String header = new String(Base64.getUrlDecoder().decode(dot < 0 ? rawToken : rawToken.substring(0, dot)), StandardCharsets.UTF_8);
            try (var json = Json.createReader(new StringReader(header))) {
                return json.readObject().get("kid") instanceof JsonString kid && !kid.getString().isEmpty()
                        ? Optional.of(kid.getString()) : Optional.empty();
            }
        } catch (IllegalArgumentException | JsonException | ClassCastException e) {
            return Optional.empty();
        }
    }
}
