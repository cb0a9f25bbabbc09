SELECT count(*) FROM episodes WHERE podcast_id = $1 AND (episode_id = $2 OR guid = $3)
