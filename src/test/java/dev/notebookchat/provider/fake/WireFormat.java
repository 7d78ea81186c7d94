package dev.notebookchat.provider.fake;

/** The four wire formats the fake speaks, chosen by the request path. */
public enum WireFormat {
    /** {@code .../chat/completions}: OpenAI, Groq, DeepSeek, Mistral, OpenRouter. */
    OPENAI("openai", "text/event-stream", "\n"),
    /** {@code .../messages}. */
    ANTHROPIC("anthropic", "text/event-stream", "\n"),
    /** {@code .../models/{model}:streamGenerateContent?alt=sse} or {@code :generateContent}; lines end in CRLF. */
    GEMINI("gemini", "text/event-stream", "\r\n"),
    /** {@code .../api/chat}, NDJSON. */
    OLLAMA("ollama", "application/x-ndjson", "\n");

    final String folder;
    final String streamType;
    final String lineEnd;

    WireFormat(String folder, String streamType, String lineEnd) {
        this.folder = folder;
        this.streamType = streamType;
        this.lineEnd = lineEnd;
    }

    boolean isSse() {
        return this != OLLAMA;
    }

    static WireFormat byPath(String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (bare.endsWith("/chat/completions")) {
            return OPENAI;
        }
        if (bare.endsWith("/messages")) {
            return ANTHROPIC;
        }
        if (bare.endsWith(":streamGenerateContent") || bare.endsWith(":generateContent")) {
            return GEMINI;
        }
        if (bare.endsWith("/api/chat")) {
            return OLLAMA;
        }
        return null;
    }
}
