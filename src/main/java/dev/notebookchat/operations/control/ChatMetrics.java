package dev.notebookchat.operations.control;

import dev.notebookchat.provider.control.Providers;
import dev.notebookchat.provider.spi.ModelRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application's metrics, registered through the MicroProfile Metrics API only, so every server
 * that implements it serves them the same way at {@code /metrics} (names in README, Metrics).
 *
 * <p>A turn is recorded once, when it ends: the per-token path only counts in the turn's own watch.
 * The {@code model} label is the model's name only for models the server offers
 * ({@code notebookchat.models}); any other name a client sends is {@code other}, so clients cannot
 * grow the number of series without bound. For the same reason the metrics of each label set are looked
 * up in the registry once and kept: a turn's end then costs no lookup by name and tags.
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
    private final Map<String, ModelMetrics> byModel = new ConcurrentHashMap<>();
    private final Map<String, Counter> turnsByEnd = new ConcurrentHashMap<>();

    /** The metrics of one provider and model label. */
    private record ModelMetrics(Tag provider, Tag model, Timer duration, Timer firstToken, Counter tokens, Counter retries) {
    }

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
        String label = modelLabel(report.provider(), report.model());
        ModelMetrics metrics = byModel.computeIfAbsent(report.provider() + '\n' + label, key -> modelMetrics(report.provider(), label));
        turns(metrics.provider(), metrics.model(), report.outcome(), report.kind()).inc();
        metrics.duration().update(report.duration());
        report.firstToken().ifPresent(metrics.firstToken()::update);
        metrics.tokens().inc(report.tokens());
        metrics.retries().inc(report.retries());
    }

    private ModelMetrics modelMetrics(String provider, String modelLabel) {
        Tag providerTag = new Tag("provider", provider);
        Tag modelTag = new Tag("model", modelLabel);
        return new ModelMetrics(providerTag, modelTag, registry.timer(DURATION, providerTag, modelTag),
                registry.timer(FIRST_TOKEN, providerTag, modelTag), registry.counter(TOKENS, providerTag, modelTag),
                registry.counter(RETRIES, providerTag, modelTag));
    }

    private Counter turns(Tag provider, Tag model, String outcome, String kind) {
        return turnsByEnd.computeIfAbsent(provider.getTagValue() + '\n' + model.getTagValue() + '\n' + outcome + '\n' + kind,
                key -> registry.counter(TURNS, provider, model, new Tag("outcome", outcome), new Tag("kind", kind)));
    }

    /** A turn refused before it started, e.g. with 503 because too many turns were running. */
    void refused(String limit) {
        turns(new Tag("provider", NO_MODEL), new Tag("model", NO_MODEL), "refused", limit).inc();
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
