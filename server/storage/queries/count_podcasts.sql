-- $1: deleted podcasts included; $2 / $3: a guid / feed URL filter ('' = any).
SELECT count(*) FROM podcasts
 WHERE ($1 OR delete_time IS NULL) AND ($2 = '' OR guid = $2) AND ($3 = '' OR feed_uri = $3)
