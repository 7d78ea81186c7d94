package dev.notebookchat.notebook.control;

import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;

/** The contract's ceiling on a source's or note's text; more is a 413, not a 400: the text is fine, just too big. */
public final class ContentLimit {

    public static final int MAX_CHARACTERS = 2_000_000;

    private ContentLimit() {
    }

    public static String check(String what, String content) {
        if (content != null && content.length() > MAX_CHARACTERS
                && content.codePointCount(0, content.length()) > MAX_CHARACTERS) {
            throw new ClientErrorException(what + " content is longer than " + MAX_CHARACTERS + " characters.",
                    Response.Status.REQUEST_ENTITY_TOO_LARGE);
        }
        return content;
    }
}
