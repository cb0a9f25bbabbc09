-- One keyset page of podcasts: after id $1, deleted ones too when $2, at most
-- $3; only the one with guid $4 / feed URL $5 when those are not empty.
SELECT {podcast_columns}
  FROM podcasts p
 WHERE p.podcast_id > $1 AND ($2 OR p.delete_time IS NULL)
   AND ($4 = '' OR p.guid = $4) AND ($5 = '' OR p.feed_uri = $5)
 ORDER BY p.podcast_id
 LIMIT $3
