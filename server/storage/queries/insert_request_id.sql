-- Keeps the response of write $2 on podcast $1: $3 (base64), the request's
-- fingerprint $4, and the episode it holds $5 ('' none, NULL any).
INSERT INTO request_ids (podcast_id, request_id, response, fingerprint, holds_episode) VALUES ($1, $2, $3, $4, $5)
