package dev.notebookchat.operations.control;

import dev.notebookchat.provider.control.Providers;
import dev.notebookchat.provider.spi.ModelRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application's metrics, registered through the MicroProfile Metrics API only, so every server
 * that implements it serves them the same way at {@code /metrics} (names in README, Metrics).
 *
 * <p>A turn is recorded once, when it ends: the per-token path only counts in the turn's own watch.
 * The {@code model} label is the model's name only for models the server offers
 * ({@code notebookchat.models}); any other name a client sends is {@code other}, so clients cannot
 * grow the number of series without bound.
 */
@ApplicationScoped
public class ChatMetrics {

    static final String OTHER_MODEL = "other";
    /** The provider and model labels of a turn refused before its model was chosen. */
    static final String NO_MODEL = "none";

    private static final Metadata TURNS = Metadata.builder().withName("notebookchat.turns")
            .withDescription("Turns that ended, by provider, model, outcome and, for errors and refusals, kind").build();
    private static final Metadata FIRST_TOKEN = Metadata.builder().withName("notebookchat.turn.first_token")
            .withDescription("Time from the start of a turn to its first token").withUnit(MetricUnits.SECONDS).build();
    private static final Metadata DURATION = Metadata.builder().withName("notebookchat.turn.duration")
            .withDescription("Time from the start of a turn to its end, whatever the outcome").withUnit(MetricUnits.SECONDS).build();
    private static final Metadata TOKENS = Metadata.builder().withName("notebookchat.tokens")
            .withDescription("Token events relayed to clients").build();
    private static final Metadata RETRIES = Metadata.builder().withName("notebookchat.provider.retries")
            .withDescription("Provider requests sent again after a busy answer or a connection closed before answering").build();
    private static final Metadata RUNNING_TURNS = Metadata.builder().withName("notebookchat.turns.running")
            .withDescription("Turns answering right now").build();
    private static final Metadata OPEN_STREAMS = Metadata.builder().withName("notebookchat.streams.open")
            .withDescription("Server-Sent Events responses open right now").build();

    @Inject
    MetricRegistry registry;

    @Inject
    Providers providers;

    private final AtomicInteger runningTurns = new AtomicInteger();
    private final AtomicInteger openStreams = new AtomicInteger();

    /** The gauges exist from the start, so a scrape before the first turn already shows them at 0. */
    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        registry.gauge(RUNNING_TURNS, runningTurns, AtomicInteger::get);
        registry.gauge(OPEN_STREAMS, openStreams, AtomicInteger::get);
    }

    void turnStarted() {
        runningTurns.incrementAndGet();
    }

    void turnEnded(TurnReport report) {
        runningTurns.decrementAndGet();
        Tag provider = new Tag("provider", report.provider());
        Tag model = new Tag("model", modelLabel(report.provider(), report.model()));
        registry.counter(TURNS, provider, model, new Tag("outcome", report.outcome()), new Tag("kind", report.kind())).inc();
        registry.timer(DURATION, provider, model).update(report.duration());
        report.firstToken().ifPresent(firstToken -> registry.timer(FIRST_TOKEN, provider, model).update(firstToken));
        registry.counter(TOKENS, provider, model).inc(report.tokens());
        registry.counter(RETRIES, provider, model).inc(report.retries());
    }

    /** A turn refused before it started, e.g. with 503 because too many turns were running. */
    void refused(String limit) {
        registry.counter(TURNS, new Tag("provider", NO_MODEL), new Tag("model", NO_MODEL),
                new Tag("outcome", "refused"), new Tag("kind", limit)).inc();
    }

    public void streamOpened() {
        openStreams.incrementAndGet();
    }

    public void streamClosed() {
        openStreams.decrementAndGet();
    }

    private String modelLabel(String provider, String model) {
        return providers.offers(new ModelRef(provider, model)) ? model : OTHER_MODEL;
    }
}
