package dev.notebookchat.bench;

import dev.notebookchat.provider.fake.FakeProviderServer;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads one stream of stamped tokens ({@code paced-…} scenarios of the fake), through the app (SSE
 * {@code token} events) or straight through nginx (the provider's own OpenAI frames), on the HTTP
 * client's executor. For each token it keeps arrival minus the stamp the fake wrote when it sent it;
 * for the stream, the time from its scheduled start to the first token. Lines are scanned as text, not
 * parsed as JSON, so that reading 5,000 streams stays cheap for the client.
 */
final class RelayProbe implements Flow.Subscriber<String> {

    enum Via { APP, NGINX }

    enum Outcome { OK, HTTP_STATUS, ERROR_EVENT, MISSING_END, TIMEOUT, IO_FAILURE }

    /**
     * One stream's figures; nanosecond times are {@link System#nanoTime()}, -1 when it never happened.
     * {@code tokenArrivals[i]} is when the token of {@code tokenLatencyMicros[i]} arrived.
     */
    record Result(Outcome outcome, String detail, long scheduled, long firstToken, long end, long[] tokenLatencyMicros,
                  long[] tokenArrivals) {

        long timeToFirstToken() {
            return firstToken < 0 ? -1 : firstToken - scheduled;
        }
    }

    private static final String WORD = FakeProviderServer.PACED_WORD;

    private final Via via;
    private final long scheduled;
    // Written by the client's callbacks, one at a time (Flow); read once the exchange's future completed.
    private volatile int status = -1;
    private long firstToken = -1;
    private long[] latencies = new long[16];
    private long[] arrivals = new long[16];
    private int count;
    private boolean ended;
    private String error;
    private volatile boolean timedOut;
    private volatile long end = -1;

    /** Counts every token of every probe of a load as it arrives, for CPU per token over part of the load. */
    private final LongAdder received;

    RelayProbe(Via via, long scheduled) {
        this(via, scheduled, new LongAdder());
    }

    RelayProbe(Via via, long scheduled, LongAdder received) {
        this.via = via;
        this.scheduled = scheduled;
        this.received = received;
    }

    HttpResponse.BodyHandler<String> handler() {
        return info -> {
            status = info.statusCode();
            if (status == 200) {
                return HttpResponse.BodySubscribers.fromLineSubscriber(this, probe -> "", StandardCharsets.UTF_8, null);
            }
            return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        };
    }

    void timedOut() {
        timedOut = true;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        if (!line.startsWith("data:")) {
            return;
        }
        if (via == Via.APP) {
            if (line.contains("\"type\":\"token\"")) {
                stamps(line);
            } else if (line.contains("\"type\":\"complete\"")) {
                ended = true;
            } else if (line.contains("\"type\":\"error\"")) {
                error = line;
            }
        } else if (line.startsWith("data: [DONE]")) {
            ended = true;
        } else {
            stamps(line);
        }
    }

    /** Every stamp in the line: a relay that merges pending tokens into one event still shows each. */
    private void stamps(String line) {
        long arrivedNanos = System.nanoTime();
        long arrivedMicros = FakeProviderServer.epochMicros();
        for (int at = line.indexOf(WORD); at >= 0; at = line.indexOf(WORD, at + 1)) {
            int digits = at + WORD.length();
            int stop = digits;
            while (stop < line.length() && Character.isDigit(line.charAt(stop))) {
                stop++;
            }
            if (stop - digits < 10 || stop - digits > 18) {
                continue;
            }
            if (firstToken < 0) {
                firstToken = arrivedNanos;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
                arrivals = Arrays.copyOf(arrivals, count * 2);
            }
            arrivals[count] = arrivedNanos;
            latencies[count++] = arrivedMicros - Long.parseLong(line, digits, stop, 10);
            received.increment();
        }
    }

    @Override
    public void onError(Throwable throwable) {
        end = System.nanoTime();
    }

    @Override
    public void onComplete() {
        end = System.nanoTime();
    }

    Result result(HttpResponse<String> response, Throwable failure) {
        long finished = end > 0 ? end : System.nanoTime();
        long[] measured = Arrays.copyOf(latencies, count);
        long[] arrived = Arrays.copyOf(arrivals, count);
        if (timedOut) {
            return new Result(Outcome.TIMEOUT, "not ended within the stream timeout", scheduled, firstToken, finished, measured, arrived);
        }
        if (failure != null) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return new Result(Outcome.IO_FAILURE, cause.toString(), scheduled, firstToken, finished, measured, arrived);
        }
        if (response.statusCode() != 200) {
            String body = response.body() == null ? "" : response.body();
            return new Result(Outcome.HTTP_STATUS, "HTTP " + response.statusCode() + " " + shortened(body), scheduled, -1, finished, new long[0], new long[0]);
        }
        if (error != null) {
            return new Result(Outcome.ERROR_EVENT, shortened(error), scheduled, firstToken, finished, measured, arrived);
        }
        if (!ended) {
            return new Result(Outcome.MISSING_END, "the stream closed before its end", scheduled, firstToken, finished, measured, arrived);
        }
        return new Result(Outcome.OK, "", scheduled, firstToken, finished, measured, arrived);
    }

    private static String shortened(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
