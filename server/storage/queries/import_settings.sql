-- An import's statements are planned for the rows at hand (a page may hold
-- tens of thousands of episodes), not with a generic plan made when the
-- tables were small.
SET LOCAL plan_cache_mode = force_custom_plan
