package dev.notebookchat.provider.http;

import jakarta.json.JsonException;

import java.util.function.Consumer;

/**
 * Reads a 2xx answer body by what it holds, not by its {@code Content-Type}: Ollama Cloud sends NDJSON
 * labelled {@code application/json} (with a Content-Length), proxies label SSE {@code text/plain}, and
 * a server may answer a stream request with one JSON document. The first non-blank line decides:
 * <ul>
 * <li>an SSE field or comment ({@code data:}, {@code event:}, {@code id:}, {@code retry:}, {@code :}):
 *     server-sent events. An NDJSON adapter then receives each event's data as one line;</li>
 * <li>a JSON value complete on its own line, for an NDJSON adapter: NDJSON;</li>
 * <li>any other line starting with {@code {} or {@code [}: one JSON document (pretty-printed, or an
 *     SSE adapter's non-streamed answer), collected up to the limit and read whole at the end;</li>
 * <li>anything else goes to the adapter's own parser, which judges it.</li>
 * </ul>
 * Blank lines before the first content are keep-alives and are dropped. One instance per attempt,
 * called on one thread at a time.
 */
final class AnswerBody implements StreamParser {

    /** How an adapter's stream parser wants its lines. */
    enum Framing { SSE, NDJSON }

    /** Enough of the body to tell the user what came instead of an answer. */
    private static final int SAMPLE = 120;

    private final Framing framing;
    private final StreamParser stream;
    private final Consumer<String> whole;
    private final Runnable documentProgress;
    private final int limit;

    private StreamParser target;
    private StringBuilder document;
    private String sample = "";

    /**
     * @param framing          the framing {@code stream} reads
     * @param stream           the adapter's parser for a streamed answer
     * @param whole            receives the body when it is one JSON document
     * @param documentProgress called for each non-blank line of a JSON document: its bytes are the
     *                         answer, so they count as progress for the idle timeouts
     * @param limit            the longest JSON document collected, in characters
     */
    AnswerBody(Framing framing, StreamParser stream, Consumer<String> whole, Runnable documentProgress, int limit) {
        this.framing = framing;
        this.stream = stream;
        this.whole = whole;
        this.documentProgress = documentProgress;
        this.limit = limit;
    }

    /** The first line that was neither blank nor an SSE comment, shortened; empty if there was none. */
    String sample() {
        return sample;
    }

    @Override
    public void line(String line) {
        if (sample.isEmpty() && !line.isBlank() && !line.startsWith(":")) {
            sample = line.strip().length() <= SAMPLE ? line.strip() : line.strip().substring(0, SAMPLE) + "…";
        }
        if (target != null) {
            target.line(line);
        } else if (document != null) {
            collect(line);
        } else if (!line.isBlank()) {
            decide(line);
        }
    }

    @Override
    public void end() {
        if (target != null) {
            target.end();
        } else if (document != null) {
            whole.accept(document.toString());
        }
        // Nothing but blank lines: nothing to report; the exchange tells the user no answer came.
    }

    private void decide(String first) {
        String text = first.stripLeading();
        if (isSseLine(text)) {
            target = framing == Framing.SSE ? stream : new SseFrames(new SseFrames.Handler() {
                @Override
                public void event(String type, String data) {
                    stream.line(data);
                }

                @Override
                public void end() {
                    stream.end();
                }
            });
            target.line(first);
        } else if (text.startsWith("{") || text.startsWith("[")) {
            if (framing == Framing.NDJSON && isWholeJson(text)) {
                target = stream;
                target.line(first);
            } else {
                document = new StringBuilder();
                collect(first);
            }
        } else {
            target = stream;
            target.line(first);
        }
    }

    private void collect(String line) {
        if (document.length() + line.length() + 1 > limit) {
            throw new IllegalStateException("an answer larger than " + limit + " characters");
        }
        document.append(line).append('\n');
        if (!line.isBlank()) {
            documentProgress.run();
        }
    }

    private static boolean isSseLine(String line) {
        return line.startsWith(":") || line.startsWith("data:") || line.startsWith("event:")
                || line.startsWith("id:") || line.startsWith("retry:")
                || line.equals("data") || line.equals("event");
    }

    private static boolean isWholeJson(String line) {
        try {
            WireJson.parse(line);
            return true;
        } catch (JsonException notAlone) {
            return false;
        }
    }
}
