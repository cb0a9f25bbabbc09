-- Whether podcast $1 is deleted, its row locked against a concurrent delete
-- until the transaction ends: an episode written under it commits before the
-- podcast's delete (and is counted by it) or sees the podcast deleted.
SELECT p.delete_time IS NOT NULL AS deleted
  FROM podcasts p
 WHERE p.podcast_id = $1
   FOR SHARE OF p
