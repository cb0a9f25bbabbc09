-- The newest change removed from podcast $1's change log (0 if none).
SELECT coalesce((SELECT h.purged_through FROM episode_change_horizons h WHERE h.podcast_id = $1), 0)
       AS purged_through
