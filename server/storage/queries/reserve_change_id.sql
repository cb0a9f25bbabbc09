-- A change id no change will have, after every change of podcast $1 made so
-- far: taken under the podcast's change lock (migration 0002), so changes
-- committed later have larger ids. A purge makes it the podcast's horizon.
SELECT pg_advisory_xact_lock(hashtextextended('podmeta-episode-changes/' || $1, 0)),
       nextval(pg_get_serial_sequence('episode_changes', 'change_id')) AS change_id
