-- The id of podcast $1's latest change (0 if none).
SELECT coalesce(max(change_id), 0) FROM episode_changes WHERE podcast_id = $1
