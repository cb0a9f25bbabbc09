SELECT {episode_columns}
  FROM episodes e
 WHERE e.podcast_id = $1 AND e.episode_id = ANY($2::text[])
   FOR UPDATE
