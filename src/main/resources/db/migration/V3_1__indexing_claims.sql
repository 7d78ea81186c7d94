-- Who is indexing an item and since when. A server claims a pending item with a conditional UPDATE, so
-- of several servers sharing the database exactly one indexes it; it refreshes indexing_since while it
-- works, so a claim not refreshed for a while is one a stopped server left behind, and another takes it.
-- Its result is written only while its claim still stands: an edit (status back to pending) or a newer
-- claim makes it drop its work.
ALTER TABLE source ADD COLUMN indexing_claim VARCHAR(36);
ALTER TABLE source ADD COLUMN indexing_since TIMESTAMP WITH TIME ZONE;
ALTER TABLE note ADD COLUMN indexing_claim VARCHAR(36);
ALTER TABLE note ADD COLUMN indexing_since TIMESTAMP WITH TIME ZONE;

-- The sweep looks for work by status; nearly every item is ready, so these stay small to read.
CREATE INDEX source_status ON source (status);
CREATE INDEX note_status ON note (status);
