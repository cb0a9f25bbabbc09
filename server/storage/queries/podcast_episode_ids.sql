-- Every episode id of podcast $1, deleted or not, locked for a purge.
SELECT episode_id FROM episodes WHERE podcast_id = $1 FOR UPDATE
