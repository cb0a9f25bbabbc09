-- Forgets up to $2 write responses kept longer than $1 seconds.
DELETE FROM request_ids
 WHERE (podcast_id, request_id) IN (
       SELECT podcast_id, request_id FROM request_ids
        WHERE create_time < now() - make_interval(secs => $1)
        LIMIT $2)
