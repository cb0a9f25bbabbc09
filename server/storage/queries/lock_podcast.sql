-- Locks podcast $1 for a write; the podcast is read by the next statement,
-- whose snapshot sees every write committed while this one waited.
SELECT 1 FROM podcasts WHERE podcast_id = $1 FOR UPDATE
