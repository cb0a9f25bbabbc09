-- The podcasts whose episodes this transaction changed, asked just before it
-- commits: only a transaction's own new changes are without a state yet
-- (migration 0004 fills the states at commit; others' are invisible until
-- then), and a partial index holds just those.
SELECT DISTINCT podcast_id FROM episode_changes WHERE state IS NULL
