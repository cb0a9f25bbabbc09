-- Imports of one podcast ($1) take turns: two clients importing the same new
-- page at once must both see the podcast and episodes the first one created
-- (an import is idempotent), not race to insert the same rows.
SELECT pg_advisory_xact_lock(hashtextextended('import/' || $1, 0))
