-- Every stored field of one episode ($13: the feed-grade ones as JSON); $12
-- marks it deleted (keeping the first time).
UPDATE episodes
   SET number = $3, season = $4, episode_type = $5, title = $6, description = $7,
       publish_time = (timestamptz 'epoch' + $8::bigint * interval '1 microsecond'), duration_ms = $9,
       people = $10::jsonb, snip_count = $11, feed = $13::jsonb,
       delete_time = CASE WHEN $12 THEN coalesce(delete_time, now()) END,
       update_time = now(), revision = nextval('revisions')
 WHERE podcast_id = $1 AND episode_id = $2
