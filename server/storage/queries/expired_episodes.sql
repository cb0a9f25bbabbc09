-- Up to $2 episodes soft-deleted more than $1 seconds ago, locked for their
-- purge; rows another purger holds are skipped.
SELECT podcast_id, episode_id
  FROM episodes
 WHERE delete_time < now() - make_interval(secs => $1)
 ORDER BY podcast_id
 LIMIT $2
   FOR UPDATE SKIP LOCKED
