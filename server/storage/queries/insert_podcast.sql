INSERT INTO podcasts (podcast_id, guid, title, description, people, language, image_uri, feed_uri, feed)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9::jsonb)
