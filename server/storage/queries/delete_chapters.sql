DELETE FROM chapters WHERE podcast_id = $1 AND episode_id = $2
