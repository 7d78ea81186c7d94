package dev.notebookchat.retrieval.control;

/** A source or a note, as the indexing queue and the passage table name it. */
record Item(boolean note, String id) {

    static Item source(String id) {
        return new Item(false, id);
    }

    static Item note(String id) {
        return new Item(true, id);
    }

    /** Its table; one of two constants, never user input, so it can go into the SQL text. */
    String table() {
        return note ? "note" : "source";
    }

    /** The passage column that points at it. */
    String passageColumn() {
        return note ? "note_id" : "source_id";
    }
}
