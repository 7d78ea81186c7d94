package dev.notebookchat.operations;

import dev.notebookchat.it.Api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of {@code /metrics}, as Prometheus reads it: samples with a name, labels and a value. */
public record PrometheusText(List<Sample> samples, String text) {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Scrapes without credentials, as Prometheus does by default. */
    public static PrometheusText scrape() {
        Api.Response answer = Api.anonymous().get("metrics");
        if (answer.status() != 200) {
            throw new AssertionError("GET /metrics answered " + answer.status() + ": " + answer.body());
        }
        String type = answer.header("Content-Type");
        if (type == null || !type.startsWith("text/plain")) {
            throw new AssertionError("GET /metrics is not Prometheus text: " + type);
        }
        return parse(answer.body());
    }

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line.strip());
            if (!sample.matches()) {
                throw new AssertionError("not a Prometheus sample: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
        }
        return new PrometheusText(List.copyOf(samples), text);
    }

    /** The samples named {@code name} whose labels include all of {@code labels}. */
    List<Sample> all(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /**
     * The value of the one series named {@code name} with exactly these labels (besides the scope);
     * 0 for a counter that does not exist yet.
     */
    public double value(String name, Map<String, String> labels) {
        List<Sample> matching = samples.stream()
                .filter(s -> s.name().equals(name) && withoutScope(s.labels()).equals(labels))
                .toList();
        if (matching.size() > 1) {
            throw new AssertionError("several series " + name + labels + ": " + matching);
        }
        return matching.isEmpty() ? 0 : matching.get(0).value();
    }

    boolean has(String name, Map<String, String> labels) {
        return !all(name, labels).isEmpty();
    }

    private static Map<String, String> withoutScope(Map<String, String> labels) {
        Map<String, String> rest = new LinkedHashMap<>(labels);
        rest.remove("mp_scope");
        return rest;
    }
}
