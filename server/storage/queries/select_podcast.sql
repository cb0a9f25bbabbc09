SELECT {podcast_columns}
  FROM podcasts p
 WHERE p.podcast_id = $1
