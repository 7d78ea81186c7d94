-- One schema for H2 (embedded default) and PostgreSQL: only types and syntax both understand.

CREATE TABLE notebook (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    owner       VARCHAR(255) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    description TEXT,
    created     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX notebook_owner ON notebook (owner, created);

CREATE TABLE source (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    notebook_id VARCHAR(36)  NOT NULL REFERENCES notebook (id) ON DELETE CASCADE,
    title       VARCHAR(200) NOT NULL,
    content     TEXT         NOT NULL,
    summary     TEXT,
    created     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX source_notebook ON source (notebook_id, created);

CREATE TABLE note (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    notebook_id VARCHAR(36)  NOT NULL REFERENCES notebook (id) ON DELETE CASCADE,
    title       VARCHAR(200) NOT NULL,
    content     TEXT         NOT NULL,
    created     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX note_notebook ON note (notebook_id, created);

CREATE TABLE chat_session (
    id             VARCHAR(36)  NOT NULL PRIMARY KEY,
    notebook_id    VARCHAR(36)  NOT NULL REFERENCES notebook (id) ON DELETE CASCADE,
    title          VARCHAR(200) NOT NULL,
    model_override VARCHAR(200),
    created        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX chat_session_notebook ON chat_session (notebook_id, created);

CREATE TABLE chat_message (
    id            VARCHAR(36) NOT NULL PRIMARY KEY,
    session_id    VARCHAR(36) NOT NULL REFERENCES chat_session (id) ON DELETE CASCADE,
    seq           INTEGER     NOT NULL,
    type          VARCHAR(10) NOT NULL,
    content       TEXT        NOT NULL,
    status        VARCHAR(16) NOT NULL,
    model         VARCHAR(200),
    finish_reason VARCHAR(40),
    input_tokens  INTEGER,
    output_tokens INTEGER,
    created       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT chat_message_order UNIQUE (session_id, seq)
);

-- Per-user provider keys, AES-GCM encrypted; the plain key is never stored.
CREATE TABLE credential (
    id         VARCHAR(36)   NOT NULL PRIMARY KEY,
    owner      VARCHAR(255)  NOT NULL,
    provider   VARCHAR(40)   NOT NULL,
    ciphertext VARCHAR(4000) NOT NULL,
    key_hint   VARCHAR(16)   NOT NULL,
    created    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT credential_per_provider UNIQUE (owner, provider)
);
