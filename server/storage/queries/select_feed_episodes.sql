-- The live episodes of podcast $1 for its feed, newest first.
SELECT {episode_columns}
  FROM episodes e
 WHERE e.podcast_id = $1 AND e.delete_time IS NULL
 ORDER BY e.publish_time DESC, e.episode_id DESC
