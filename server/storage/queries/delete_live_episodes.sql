-- Soft-deletes every live episode of podcast $1 (DeletePodcast with force).
UPDATE episodes
   SET delete_time = now(), update_time = now(), revision = nextval('revisions')
 WHERE podcast_id = $1 AND delete_time IS NULL
