-- The primary's current WAL insert position as a byte offset: past the
-- commit record of every change notified before it is read (ChangeFeed,
-- replica reads). The insert position, not pg_current_wal_lsn(): with
-- synchronous_commit off a commit record may not be written out yet.
SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint AS position
