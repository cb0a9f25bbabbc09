-- Episodes of one podcast by id ($2: text[]), in no particular order.
SELECT {episode_columns}
  FROM episodes e
 WHERE e.podcast_id = $1 AND e.episode_id = ANY($2::text[])
