-- Search is planned with its words (see search.sql).
SELECT set_config('plan_cache_mode', 'force_custom_plan', true)
