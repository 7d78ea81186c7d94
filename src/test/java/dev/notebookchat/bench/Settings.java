package dev.notebookchat.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What one benchmark run does, read from {@code benchmark.*} system properties (the first program
 * argument, if any, is the base URL). Every number is bounded so a typo cannot turn a run into a
 * load test of the machine.
 *
 * @param base           the server, loopback only
 * @param levels         concurrent streams, one level after another
 * @param scenarios      {@code local/extractive}, or {@code openai/<fake scenario>} (answered by the fake)
 * @param turnsPerClient turns each simulated client asks in a row at each level (closed loop)
 * @param warmupStreams  unmeasured streams before each scenario (0: none)
 * @param levelTimeout   no new turn starts after this; running ones get {@code streamTimeout} more
 * @param streamTimeout  a stream not finished after this is cancelled and counted as an error
 * @param fakePort       port of the fake provider this JVM starts; negative: start none
 * @param serverName     the Liberty server whose process is sampled
 * @param serverPid      that process, when known; 0: read {@code serverPidFile}, else look it up by {@code serverName}
 * @param serverPidFile  the pid file Liberty writes for the server, if known
 * @param output         where report.md and report.json go
 * @param allowErrors    whether streams that failed still count as a successful run
 * @param serverSettings what the server was configured with, as told by the build (for the report only)
 */
record Settings(URI base, List<Integer> levels, List<String> scenarios, int turnsPerClient, int warmupStreams,
                Duration levelTimeout, Duration streamTimeout, int fakePort, String serverName, long serverPid,
                Path serverPidFile, Path output, boolean allowErrors, Map<String, String> serverSettings) {

    static final int MAX_LEVEL = 1000;
    static final int MAX_TURNS_PER_CLIENT = 100;
    static final int MAX_STREAMS_PER_LEVEL = 20_000;
    static final String SERVER_SETTING_PREFIX = "benchmark.server.setting.";

    static Settings from(String[] args, Properties properties) {
        String baseText = args.length > 0 ? args[0] : properties.getProperty("benchmark.base-url", "http://localhost:9580/");
        URI base = URI.create(baseText.endsWith("/") ? baseText : baseText + "/");
        requireLoopback(base);

        List<Integer> levels = new ArrayList<>();
        for (String level : list(properties.getProperty("benchmark.levels", "1,10,50,200"))) {
            levels.add(bounded("benchmark.levels", Integer.parseInt(level), 1, MAX_LEVEL));
        }
        List<String> scenarios = list(properties.getProperty("benchmark.scenarios", "local/extractive,openai/slow,openai/ok"));
        for (String scenario : scenarios) {
            if (!scenario.matches("[a-z]+/[a-z0-9-]+")) {
                throw new IllegalArgumentException("benchmark.scenarios: '" + scenario
                        + "' is not provider/name (e.g. local/extractive, openai/slow)");
            }
        }
        int turns = bounded("benchmark.turns", Integer.parseInt(properties.getProperty("benchmark.turns", "3")), 1, MAX_TURNS_PER_CLIENT);
        for (int level : levels) {
            if (level * turns > MAX_STREAMS_PER_LEVEL) {
                throw new IllegalArgumentException("level " + level + " x " + turns + " turns exceeds "
                        + MAX_STREAMS_PER_LEVEL + " streams per level");
            }
        }
        int warmup = bounded("benchmark.warmup", Integer.parseInt(properties.getProperty("benchmark.warmup", "10")), 0, MAX_LEVEL);
        Duration levelTimeout = seconds(properties, "benchmark.level-timeout", 120, 3600);
        Duration streamTimeout = seconds(properties, "benchmark.stream-timeout", 60, 3600);
        int fakePort = bounded("benchmark.fake.port", Integer.parseInt(properties.getProperty("benchmark.fake.port", "9983")), -1, 65535);
        String serverName = properties.getProperty("benchmark.server.name", "notebookchat-bench");
        long serverPid = Long.parseLong(properties.getProperty("benchmark.server.pid", "0"));
        String pidFile = properties.getProperty("benchmark.server.pid-file", "");
        Path output = Path.of(properties.getProperty("benchmark.output", "target/benchmark"));
        boolean allowErrors = Boolean.parseBoolean(properties.getProperty("benchmark.allow-errors", "false"));

        Map<String, String> serverSettings = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(SERVER_SETTING_PREFIX)) {
                serverSettings.put(name.substring(SERVER_SETTING_PREFIX.length()), properties.getProperty(name));
            }
        }
        return new Settings(base, List.copyOf(levels), List.copyOf(scenarios), turns, warmup, levelTimeout, streamTimeout,
                fakePort, serverName, serverPid, pidFile.isBlank() ? null : Path.of(pidFile), output, allowErrors, serverSettings);
    }

    int maxLevel() {
        return levels.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    boolean needsFake() {
        return scenarios.stream().anyMatch(scenario -> !isLocal(scenario));
    }

    static boolean isLocal(String scenario) {
        return scenario.startsWith("local/");
    }

    /**
     * The model a client asks for: the embedded model as it is; a fake scenario with the client's
     * number after it ({@code openai/slow/c7}), which the fake plays as {@code slow} while the
     * requests of different clients stay apart.
     */
    static String model(String scenario, int client) {
        return isLocal(scenario) ? scenario : scenario + "/c" + client;
    }

    private static void requireLoopback(URI base) {
        if (!"http".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("benchmark.base-url must be an http:// URL, not " + base);
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(base.getHost())) {
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException("The benchmark only runs against this machine (loopback), not "
                            + base.getHost() + " (" + address.getHostAddress() + ")");
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Unknown host in benchmark.base-url: " + base.getHost(), e);
        }
    }

    private static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static int bounded(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    private static Duration seconds(Properties properties, String name, int defaultSeconds, int maxSeconds) {
        return Duration.ofSeconds(bounded(name, Integer.parseInt(properties.getProperty(name, String.valueOf(defaultSeconds))), 1, maxSeconds));
    }
}
