-- What podcast $1's feed is made of changes whenever this does: the
-- podcast's revision (every write of it takes a new one) and the newest
-- change of its episodes (the change log numbers every episode write).
SELECT p.revision,
       p.delete_time IS NOT NULL AS deleted,
       coalesce((SELECT max(c.change_id) FROM episode_changes c WHERE c.podcast_id = p.podcast_id), 0)
         AS latest_change
  FROM podcasts p
 WHERE p.podcast_id = $1
