-- Several servers may share the database. Each holds a lease it renews while it runs, and names
-- itself on the answers it writes, so an answer is a leftover only once its server's lease ran out.
CREATE TABLE server_instance (
    id          VARCHAR(36)              NOT NULL PRIMARY KEY,
    lease_until TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE chat_message ADD COLUMN instance_id VARCHAR(36);

-- The sweep looks for the few answers still streaming among all the saved ones.
CREATE INDEX chat_message_status ON chat_message (status);
