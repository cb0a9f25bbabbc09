-- The rest of a call's time as this transaction's statement_timeout ($1: ms).
SELECT set_config('statement_timeout', $1, true)
