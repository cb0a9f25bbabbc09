-- Forgets podcast $1's stored write responses (they may hold an erased episode).
DELETE FROM request_ids WHERE podcast_id = $1
