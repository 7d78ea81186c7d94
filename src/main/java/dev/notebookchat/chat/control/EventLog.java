package dev.notebookchat.chat.control;

import dev.notebookchat.chat.control.Turn.Numbered;
import dev.notebookchat.chat.entity.ChatEvent;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The events of one turn, in order, for followers that read them at their own pace; event {@code n}
 * (1-based, its SSE id) is at index {@code n-1}. Not thread-safe: {@link Turn} guards it.
 *
 * <p>Tokens, nearly all of a log, are not kept as objects: the answer's text is kept once, and each
 * token as the offset where it ends in that text. A log of 200 tokens is the text and 200 ints
 * rather than 200 events, each with its text and its encoded JSON: a long answer, and the finished
 * turns kept for clients that resume, then give the collector a few arrays to copy instead of
 * hundreds of objects per answer. A token's {@code data:} text is written when a follower reads it;
 * the newest one is kept, so the followers reading at the head of the log share it.
 */
final class EventLog {

    private static final int NOT_A_TOKEN = -1;

    private final StringBuilder text = new StringBuilder();
    /** For each event, where its text ends in {@link #text} if it is a token, else {@link #NOT_A_TOKEN}. */
    private int[] tokenEnds = new int[16];
    private int size;
    /** The events that are not tokens (the user's message and the terminal ones) with their data, by index. */
    private final Map<Integer, Numbered> others = new HashMap<>(8);
    private int encodedToken = -1;
    private String encodedTokenData;

    int size() {
        return size;
    }

    /** The text of all tokens so far: the answer. */
    String text() {
        return text.toString();
    }

    int textLength() {
        return text.length();
    }

    void appendToken(String content) {
        text.append(content);
        add(text.length());
    }

    void append(ChatEvent event) {
        append(event, null);
    }

    /** {@code data}, when known (an event relayed from another server), is sent as it is. */
    void append(ChatEvent event, String data) {
        if (event instanceof ChatEvent.Token token) {
            appendToken(token.content());
            return;
        }
        others.put(size, new Numbered(size + 1, event, data == null ? event.data() : data));
        add(NOT_A_TOKEN);
    }

    boolean isToken(int index) {
        return index >= 0 && index < size && tokenEnds[index] != NOT_A_TOKEN;
    }

    /** The event at {@code index}, which must exist. */
    ChatEvent event(int index) {
        return isToken(index) ? new ChatEvent.Token(text.substring(tokenStart(index), tokenEnds[index])) : others.get(index).event();
    }

    /** The event at {@code index}, which must exist, with its id and {@code data:} text. */
    Numbered numbered(int index) {
        if (!isToken(index)) {
            return others.get(index);
        }
        ChatEvent.Token token = (ChatEvent.Token) event(index);
        if (encodedToken != index) {
            encodedTokenData = token.data();
            encodedToken = index;
        }
        return new Numbered(index + 1, token, encodedTokenData);
    }

    /** Consecutive tokens of the log as one token event, {@code last} the index of the last of them. */
    record Run(int last, ChatEvent.Token token) {
    }

    /**
     * The token at {@code index} and all tokens right after it, merged; null when {@code index} is no
     * token or no token follows it.
     */
    Run tokensFrom(int index) {
        if (!isToken(index) || !isToken(index + 1)) {
            return null;
        }
        int last = index + 1;
        while (isToken(last + 1)) {
            last++;
        }
        return new Run(last, new ChatEvent.Token(text.substring(tokenStart(index), tokenEnds[last])));
    }

    /** Tokens are contiguous in the text: one starts where the token before it, if any, ends. */
    private int tokenStart(int index) {
        for (int i = index - 1; i >= 0; i--) {
            if (tokenEnds[i] != NOT_A_TOKEN) {
                return tokenEnds[i];
            }
        }
        return 0;
    }

    private void add(int tokenEnd) {
        if (size == tokenEnds.length) {
            tokenEnds = Arrays.copyOf(tokenEnds, size * 2);
        }
        tokenEnds[size++] = tokenEnd;
    }
}
