SELECT response, fingerprint FROM request_ids WHERE podcast_id = $1 AND request_id = $2
