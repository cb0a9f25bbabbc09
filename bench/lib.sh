# What bench/run and bench/growth share; sourced by both after they set
# $build (the build directory). Every function fails loudly: the scripts
# run with `set -euo pipefail`.

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
# Seconds since START (a value of now).
elapsed() { echo "$(now) - $1" | bc; }
log() { echo "== $(date +%H:%M:%S) $*" >&2; }

# The columns of bench/generate_data.py's episodes.tsv and chapters.tsv.
episode_columns="podcast_id, episode_id, guid, number, season, episode_type, title, description, publish_time"
episode_columns+=", duration_ms, people, snip_count"
chapter_columns="podcast_id, episode_id, position, start_ms, end_ms, title, image_uri, link_uri, toc, part, chapter_id"

# Waits until the podmeta-server on 127.0.0.1:PORT answers a call (10 s at
# most; the load that follows fails if it never did).
wait_for_server() {
  for _ in $(seq 100); do
    "$build/client/podmeta" --server "127.0.0.1:$1" podcasts list >/dev/null 2>&1 && return 0
    sleep 0.1
  done
}

# load_generated_data DIR URL: COPYs the rows bench/generate_data.py wrote to
# DIR into the database at URL, without the change log of their creation
# (the benchmarks need the rows, not a million CREATED changes), then
# VACUUM ANALYZE. Prints the seconds the three COPYs took.
load_generated_data() {
  local dir=$1 url=$2 start
  psql "$url" -qc "ALTER TABLE episodes DISABLE TRIGGER episodes_changes_recorded_on_insert"
  start=$(now)
  psql "$url" -v ON_ERROR_STOP=1 -q \
    -c "\\copy podcasts (podcast_id, guid, title, description, people, language, image_uri, feed_uri) FROM '$dir/podcasts.tsv'" \
    -c "\\copy episodes ($episode_columns) FROM '$dir/episodes.tsv'" \
    -c "\\copy chapters ($chapter_columns) FROM '$dir/chapters.tsv'"
  elapsed "$start"
  psql "$url" -qc "ALTER TABLE episodes ENABLE TRIGGER episodes_changes_recorded_on_insert" -c "VACUUM ANALYZE"
}

# deep_page_token URL OFFSET TOTAL: the ListEpisodes page token a server of
# the database at URL gives for the page after the newest OFFSET episodes of
# podcasts/show-0 (TOTAL episodes), made with the database's own secret.
deep_page_token() {
  local url=$1 offset=$2 total=$3 key secret
  key=$(psql "$url" -Atc "SELECT (extract(epoch FROM publish_time) * 1000000)::bigint || ' ' || episode_id
    FROM episodes WHERE podcast_id = 'show-0' ORDER BY publish_time DESC, episode_id DESC OFFSET $((offset - 1)) LIMIT 1")
  secret=$(psql "$url" -Atc "SELECT secret FROM server_secrets WHERE name = 'page_tokens'")
  # shellcheck disable=SC2086  # the key is two words: sort key, episode id
  "$build/bench/bench_page_token" podcasts/show-0 $key "$total" "$secret"
}

# search_latency PORT CALLS: SearchEpisodes on podcasts/show-0, one client,
# CALLS calls of each of four one-word and four two-word queries. Prints
# "p50 p99 p50 p99" in ms: one word, then two words.
search_latency() {
  PYTHONPATH=$build/tests/python /usr/bin/python3 "$root/bench/search_latency.py" "127.0.0.1:$1" "$2"
}
