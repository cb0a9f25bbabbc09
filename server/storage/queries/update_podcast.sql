-- The mutable fields ($9: the feed-grade ones as JSON); $8 marks the podcast
-- deleted (keeping the first time).
UPDATE podcasts
   SET title = $2, description = $3, people = $4::jsonb, language = $5, image_uri = $6, feed_uri = $7,
       feed = $9::jsonb,
       delete_time = CASE WHEN $8 THEN coalesce(delete_time, now()) END,
       update_time = now(), revision = nextval('revisions')
 WHERE podcast_id = $1
