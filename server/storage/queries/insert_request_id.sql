INSERT INTO request_ids (podcast_id, request_id, response) VALUES ($1, $2, $3)
