-- Calls with the same request id ($1 podcast, $2 request id) take turns.
SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))
