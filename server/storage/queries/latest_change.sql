-- The id of podcast $1's latest change (0 if none), or the change log's
-- horizon for it if that is later (its latest change was purged).
SELECT greatest(coalesce(max(change_id), 0),
                coalesce((SELECT h.purged_through FROM episode_change_horizons h WHERE h.podcast_id = $1), 0))
  FROM episode_changes
 WHERE podcast_id = $1
