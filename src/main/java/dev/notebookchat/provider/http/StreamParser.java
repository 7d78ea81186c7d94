package dev.notebookchat.provider.http;

/** Reads one streamed body, line by line, and reports to an {@link AnswerSink}. One instance per attempt. */
interface StreamParser {

    /** One line, without its line terminator ({@code \n} or {@code \r\n}). */
    void line(String line);

    /**
     * The body ended normally. A parser reports completion here when its format has no end marker
     * (Gemini); if it reports nothing, the answer counts as truncated.
     */
    void end();
}
