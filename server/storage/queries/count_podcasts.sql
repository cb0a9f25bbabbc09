-- $1: deleted podcasts included.
SELECT count(*) FROM podcasts WHERE $1 OR delete_time IS NULL
