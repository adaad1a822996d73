-- fsdash store, version 6: a case can wait for a worker. An allocation row with no worker is a
-- case open with the team but not yet allocated (counted as unallocated, in no one's caseload).
ALTER TABLE allocation ALTER COLUMN worker_id DROP NOT NULL;
