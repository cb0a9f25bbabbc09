-- How far a replica has replayed the primary's WAL, as a byte offset; NULL
-- on a primary. Read before the rows it vouches for (EpisodeStore::GetMany).
SELECT (pg_last_wal_replay_lsn() - '0/0')::bigint AS position
