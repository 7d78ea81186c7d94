package dev.notebookchat.bench;

import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The figures of one scenario at one concurrency level.
 *
 * @param streams          streams started
 * @param ok               streams that ended with {@code complete} and no {@code error}
 * @param errors           the others, by how they ended
 * @param errorSamples     a few distinct error details, to tell what went wrong
 * @param timeToHeaders    request sent to response headers (successful streams)
 * @param timeToFirstToken request sent to the first {@code token} event (successful streams)
 * @param tokenGaps        between consecutive {@code token} events of one stream
 * @param turnTime         request sent to {@code complete}
 * @param tokens           token events received, by every stream
 * @param wallSeconds      first request sent to last stream ended
 * @param deadlineReached  whether the level timeout stopped clients from starting all their turns
 * @param resources        what the server and this JVM used meanwhile
 */
record LevelResult(String scenario, int level, int streams, int ok, Map<StreamProbe.Outcome, Integer> errors,
                   Set<String> errorSamples, Distribution.Summary timeToHeaders, Distribution.Summary timeToFirstToken,
                   Distribution.Summary tokenGaps, Distribution.Summary turnTime, long tokens, double wallSeconds,
                   boolean deadlineReached, Resources resources) {

    /**
     * @param serverThreadsBefore  server threads when the level started
     * @param serverThreadsMax     most server threads seen during it
     * @param serverRssMbBefore    server resident memory at the start, MiB
     * @param serverRssMbMax       most seen during the level, MiB
     * @param serverCpuPercent     server CPU time over wall time (100 = one core busy)
     * @param benchCpuPercent      the same for this JVM: the client and the fake provider together
     * @param clientThreadsMax     most threads of this JVM other than the fake provider's
     * @param loadAverageBefore    the machine's 1-minute load average at the start
     */
    record Resources(int serverThreadsBefore, int serverThreadsMax, double serverRssMbBefore, double serverRssMbMax,
                     double serverCpuPercent, double benchCpuPercent, int clientThreadsMax, double loadAverageBefore) {
    }

    int errorCount() {
        return streams - ok;
    }

    double tokensPerSecond() {
        return wallSeconds <= 0 ? 0 : tokens / wallSeconds;
    }

    static LevelResult of(String scenario, int level, Collection<StreamProbe.Result> results, long started,
                          boolean deadlineReached, Resources resources) {
        Distribution headers = new Distribution();
        Distribution firstToken = new Distribution();
        Distribution gaps = new Distribution();
        Distribution turn = new Distribution();
        Map<StreamProbe.Outcome, Integer> errors = new EnumMap<>(StreamProbe.Outcome.class);
        Set<String> samples = new LinkedHashSet<>();
        long tokens = 0;
        int ok = 0;
        long lastEnd = started;
        for (StreamProbe.Result result : results) {
            tokens += result.tokens();
            lastEnd = Math.max(lastEnd, result.end());
            if (result.outcome() != StreamProbe.Outcome.OK) {
                errors.merge(result.outcome(), 1, Integer::sum);
                if (samples.size() < 5) {
                    samples.add(result.outcome().label + ": " + result.detail());
                }
                continue;
            }
            ok++;
            headers.add(result.timeToHeaders());
            if (result.firstToken() >= 0) {
                firstToken.add(result.timeToFirstToken());
            }
            gaps.addAll(result.gaps());
            turn.add(result.turnTime());
        }
        double wall = (lastEnd - started) / 1e9;
        return new LevelResult(scenario, level, results.size(), ok, errors, samples, headers.summary(), firstToken.summary(),
                gaps.summary(), turn.summary(), tokens, wall, deadlineReached, resources);
    }
}
