-- Up to $2 podcasts soft-deleted more than $1 seconds ago.
SELECT podcast_id
  FROM podcasts
 WHERE delete_time < now() - make_interval(secs => $1)
 ORDER BY delete_time
 LIMIT $2
   FOR UPDATE SKIP LOCKED
