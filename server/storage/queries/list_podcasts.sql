-- One keyset page of podcasts: after id $1, deleted ones too when $2, at most $3.
SELECT {podcast_columns}
  FROM podcasts p
 WHERE p.podcast_id > $1 AND ($2 OR p.delete_time IS NULL)
 ORDER BY p.podcast_id
 LIMIT $3
