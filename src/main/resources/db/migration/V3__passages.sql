-- Passage retrieval. Sources and notes are split into passages, each with its embedding (384 little-endian
-- floats); the same table on H2 and PostgreSQL, searched in the server (no vector extension needed).

ALTER TABLE source ADD COLUMN status VARCHAR(16) DEFAULT 'pending' NOT NULL;
ALTER TABLE note ADD COLUMN status VARCHAR(16) DEFAULT 'pending' NOT NULL;

-- Rises whenever a notebook's passages change, so a server's cached vectors know when they are stale.
ALTER TABLE notebook ADD COLUMN passages_version BIGINT DEFAULT 0 NOT NULL;

CREATE TABLE passage (
    id           VARCHAR(36) NOT NULL PRIMARY KEY,
    notebook_id  VARCHAR(36) NOT NULL REFERENCES notebook (id) ON DELETE CASCADE,
    source_id    VARCHAR(36) REFERENCES source (id) ON DELETE CASCADE,
    note_id      VARCHAR(36) REFERENCES note (id) ON DELETE CASCADE,
    number       INTEGER     NOT NULL,
    start_offset INTEGER     NOT NULL,
    end_offset   INTEGER     NOT NULL,
    text         TEXT        NOT NULL,
    text_hash    VARCHAR(64) NOT NULL,
    embedding    BYTEA       NOT NULL,
    -- The vectors of the passage's two-sentence windows, one after another; empty for a short passage.
    window_embeddings BYTEA  NOT NULL,
    CONSTRAINT passage_of_one_item CHECK ((source_id IS NULL) <> (note_id IS NULL))
);
CREATE INDEX passage_notebook ON passage (notebook_id);
CREATE INDEX passage_source ON passage (source_id, number);
CREATE INDEX passage_note ON passage (note_id, number);

-- The passages an answer cites, as the JSON array its complete event carried.
ALTER TABLE chat_message ADD COLUMN citations TEXT;
