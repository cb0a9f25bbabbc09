-- Erases podcast $1 once its episodes are erased: its episode count, its
-- stored write responses and the podcast itself. Returns how many podcasts
-- were erased (0 or 1).
WITH counts AS (DELETE FROM podcast_episode_counts WHERE podcast_id = $1),
responses AS (DELETE FROM request_ids WHERE podcast_id = $1),
erased AS (DELETE FROM podcasts WHERE podcast_id = $1 RETURNING 1)
SELECT count(*) AS erased FROM erased
