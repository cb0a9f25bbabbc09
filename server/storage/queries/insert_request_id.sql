INSERT INTO request_ids (podcast_id, request_id, response, fingerprint) VALUES ($1, $2, $3, $4)
