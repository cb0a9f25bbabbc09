-- How many episodes podcast $1 has (migration 0003 keeps the counts); $2:
-- deleted ones included.
SELECT coalesce((SELECT CASE WHEN $2 THEN total ELSE live END
                   FROM podcast_episode_counts
                  WHERE podcast_id = $1), 0)
