// podmeta-server: flags and environment, logging, signals; everything else is
// in Server.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <pqxx/pqxx>
#include <thread>

#include "observability/logging.h"
#include "server.h"
#include "storage/migrations.h"

namespace {

struct Flags {
  podmeta::ServerConfig server;
  std::string log_format = "text";
  std::string log_level = "info";
  int64_t shutdown_grace_ms = 10'000;
};

void ConfigureLogging(const Flags& flags) {
  podmeta::observability::ConfigureLogging(
      flags.log_format == "json" ? podmeta::observability::LogFormat::kJson : podmeta::observability::LogFormat::kText,
      spdlog::level::from_str(flags.log_level));
}

// Blocks SIGINT, SIGTERM and SIGHUP in every thread (call before any thread
// starts), so that only the signal thread in Serve sees them.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Raises the soft limit on open files to the hard limit: every connection
// is a file descriptor, and the usual soft default (1,024) lets a few
// hundred idle clients exhaust it.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  spdlog::info("open files: at most {}", static_cast<uint64_t>(limit.rlim_cur));
}

int Serve(const Flags& flags, const sigset_t& stop_signals) {
  RaiseFileLimit();
  auto server = podmeta::Server::Start(flags.server);
  if (!server.ok()) {
    spdlog::error("cannot start: {}", server.status().ToString());
    return 1;
  }
  std::thread stopper([&] {
    for (;;) {
      int signal = 0;
      sigwait(&stop_signals, &signal);
      if (signal == SIGHUP) {
        absl::Status reloaded = (*server)->ReloadTokens();
        if (reloaded.ok()) {
          spdlog::info("SIGHUP: token file reloaded");
        } else {
          spdlog::error("SIGHUP: {}; keeping the previous tokens", reloaded.ToString());
        }
        continue;
      }
      spdlog::info("received {}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      (*server)->Shutdown(std::chrono::milliseconds(flags.shutdown_grace_ms));
      return;
    }
  });
  (*server)->Wait();
  stopper.join();
  spdlog::info("stopped");
  return 0;
}

int Migrate(const Flags& flags) {
  absl::StatusOr<int> applied = podmeta::storage::MigrateDatabase(flags.server.database_url);
  if (!applied.ok()) {
    spdlog::error("migration failed: {}", applied.status().ToString());
    return 1;
  }
  spdlog::info("applied {} migration(s); schema is current", *applied);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A database host that does not answer must not hang a connection attempt
  // (libpq waits forever by default); a caller's PGCONNECT_TIMEOUT wins.
  setenv("PGCONNECT_TIMEOUT", "5", /*overwrite=*/0);
  const sigset_t stop_signals = BlockStopSignals();
  Flags flags;
  int64_t max_call_ms = flags.server.max_call_time.count();
  size_t episode_cache_mib = flags.server.episode_cache_bytes >> 20;
  CLI::App app{"podmeta-server: the podmeta gRPC metadata service for podcast episodes and chapters."};
  app.option_defaults()->always_capture_default();
  app.add_option("--listen", flags.server.listen, "Address to serve gRPC on: HOST:PORT or unix:PATH")
      ->envname("PODMETA_LISTEN");
  app.add_option("--database-url", flags.server.database_url, "PostgreSQL connection string or URI (libpq syntax)")
      ->envname("PODMETA_DATABASE_URL")
      ->required();
  app.add_option("--read-database-url", flags.server.read_database_url,
                 "Optional replica for reads (Get, List, BatchGet, Search, Export)")
      ->envname("PODMETA_READ_DATABASE_URL");
  app.add_option("--metrics-listen", flags.server.metrics_listen,
                 "Serve Prometheus metrics on HOST:PORT/metrics (off when empty)")
      ->envname("PODMETA_METRICS_LISTEN");
  app.add_option("--auth-token-file", flags.server.auth_token_file,
                 "Bearer tokens allowed to write, one per line (reloaded on SIGHUP); without it writes are "
                 "open and only loopback or unix: listeners are allowed")
      ->envname("PODMETA_AUTH_TOKEN_FILE");
  app.add_flag("--read-only", flags.server.read_only,
               "Refuse every write (PERMISSION_DENIED); allowed on any listener without a token file")
      ->envname("PODMETA_READ_ONLY")
      ->excludes("--auth-token-file");
  app.add_option("--tls-cert", flags.server.tls_cert_file, "TLS certificate chain (PEM); serve TLS with --tls-key")
      ->envname("PODMETA_TLS_CERT");
  app.add_option("--tls-key", flags.server.tls_key_file, "TLS private key (PEM)")->envname("PODMETA_TLS_KEY");
  app.add_option("--tls-client-ca", flags.server.tls_client_ca_file,
                 "CA (PEM) whose client certificates are required: mutual TLS")
      ->envname("PODMETA_TLS_CLIENT_CA");
  app.add_option("--max-call-ms", max_call_ms, "No call or query runs longer than this")
      ->envname("PODMETA_MAX_CALL_MS")
      ->check(CLI::Range(100, 3'600'000));
  app.add_option("--episode-cache-mib", episode_cache_mib,
                 "Memory for hot episodes answered without the database; 0: no cache "
                 "(with --read-database-url, a replica's read is kept only once it has replayed "
                 "the last change notified for its podcast)")
      ->envname("PODMETA_EPISODE_CACHE_MIB")
      ->check(CLI::Range(0, 65'536));
  app.add_option("--pool-size", flags.server.pool_size, "Database connections at most")
      ->envname("PODMETA_POOL_SIZE")
      ->check(CLI::Range(1, 256));
  app.add_option("--worker-threads", flags.server.worker_threads, "Threads that run database work")
      ->envname("PODMETA_WORKER_THREADS")
      ->check(CLI::Range(1, 256));
  app.add_option("--max-queued-calls", flags.server.max_queued_calls,
                 "Calls that may wait for a worker thread; beyond it calls get RESOURCE_EXHAUSTED at once")
      ->envname("PODMETA_MAX_QUEUED_CALLS")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--max-watch-streams", flags.server.max_watch_streams,
                 "Open WatchEpisodes streams at most; beyond it a watch gets RESOURCE_EXHAUSTED")
      ->envname("PODMETA_MAX_WATCH_STREAMS")
      ->check(CLI::Range(1, 10'000'000));
  app.add_flag("--feed-fetch-allow-private", flags.server.feed_fetch_allow_private,
               "Let ImportFeed fetch from loopback, private and link-local addresses (refused by default: "
               "server-side request forgery)")
      ->envname("PODMETA_FEED_FETCH_ALLOW_PRIVATE");
  int64_t feed_fetch_timeout_ms = flags.server.feed_fetch_timeout.count();
  app.add_option("--feed-fetch-timeout-ms", feed_fetch_timeout_ms, "No feed fetch takes longer than this")
      ->envname("PODMETA_FEED_FETCH_TIMEOUT_MS")
      ->check(CLI::Range(100, 600'000));
  app.add_option("--public-base-url", flags.server.public_base_uri,
                 "Where podmeta's HTTP routes are reachable by the public (e.g. https://podmeta.example.com): "
                 "exported feeds link chapters files under it")
      ->envname("PODMETA_PUBLIC_BASE_URL");
  app.add_option("--http-listen", flags.server.http_listen,
                 "Serve HTTP (chapter files, feeds, JSON reads) on HOST:PORT; off when empty")
      ->envname("PODMETA_HTTP_LISTEN");
  app.add_option("--http-max-age", flags.server.http_max_age_seconds,
                 "Cache-Control max-age (seconds) of chapter files and feeds over HTTP")
      ->envname("PODMETA_HTTP_MAX_AGE")
      ->check(CLI::Range(0, 31'536'000));
  int64_t http_request_timeout_ms = flags.server.http_request_timeout.count();
  app.add_option("--http-request-timeout-ms", http_request_timeout_ms,
                 "An HTTP request must arrive whole within this; slower clients are cut off")
      ->envname("PODMETA_HTTP_REQUEST_TIMEOUT_MS")
      ->check(CLI::Range(100, 600'000));
  int64_t http_event_heartbeat_ms = flags.server.http_event_heartbeat.count();
  app.add_option("--http-event-heartbeat-ms", http_event_heartbeat_ms,
                 "An idle event stream (the watch over HTTP) gets a comment this often, for proxies' idle timeouts")
      ->envname("PODMETA_HTTP_EVENT_HEARTBEAT_MS")
      ->check(CLI::Range(100, 600'000));
  int64_t deleted_retention_seconds = flags.server.retention.deleted.count();
  app.add_option("--deleted-retention-seconds", deleted_retention_seconds,
                 "Soft-deleted podcasts and episodes are purged this long after their deletion (their expire_time)")
      ->envname("PODMETA_DELETED_RETENTION_SECONDS")
      ->check(CLI::Range(int64_t{1}, int64_t{100} * 365 * 24 * 3600));
  int64_t request_id_retention_seconds = flags.server.retention.request_ids.count();
  app.add_option("--request-id-retention-seconds", request_id_retention_seconds,
                 "A write's response is kept this long for retries with its request_id")
      ->envname("PODMETA_REQUEST_ID_RETENTION_SECONDS")
      ->check(CLI::Range(int64_t{1}, int64_t{100} * 365 * 24 * 3600));
  int64_t change_retention_seconds = flags.server.retention.changes.count();
  app.add_option("--change-retention-seconds", change_retention_seconds,
                 "The change log behind WatchEpisodes keeps changes this long; older resume tokens expire")
      ->envname("PODMETA_CHANGE_RETENTION_SECONDS")
      ->check(CLI::Range(int64_t{1}, int64_t{100} * 365 * 24 * 3600));
  app.add_option("--page-token-secret-file", flags.server.page_token_secret_file,
                 "Secrets sealing page and resume tokens, one a line (the first seals, all open); default: the "
                 "secret in the database, shared by every server of it")
      ->envname("PODMETA_PAGE_TOKEN_SECRET_FILE");
  int64_t purge_interval_ms = flags.server.purge_interval.count();
  app.add_option("--purge-interval-ms", purge_interval_ms,
                 "How often the purger removes what is past its retention; 0: never (another server purges)")
      ->envname("PODMETA_PURGE_INTERVAL_MS")
      ->check(CLI::Range(int64_t{0}, int64_t{24} * 3600 * 1000));
  app.add_option("--shutdown-grace-ms", flags.shutdown_grace_ms,
                 "On SIGTERM/SIGINT, how long calls in flight may take to finish")
      ->envname("PODMETA_SHUTDOWN_GRACE_MS")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--log-format", flags.log_format, "Log format")
      ->envname("PODMETA_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-level", flags.log_level, "Least severe level logged")
      ->envname("PODMETA_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  CLI::App* migrate = app.add_subcommand("migrate", "Apply database migrations and exit");
  migrate->fallthrough();  // `migrate --database-url ...` as well as `--database-url ... migrate`
  CLI11_PARSE(app, argc, argv);
  flags.server.max_call_time = std::chrono::milliseconds(max_call_ms);
  flags.server.episode_cache_bytes = episode_cache_mib << 20;
  flags.server.feed_fetch_timeout = std::chrono::milliseconds(feed_fetch_timeout_ms);
  flags.server.http_request_timeout = std::chrono::milliseconds(http_request_timeout_ms);
  flags.server.http_event_heartbeat = std::chrono::milliseconds(http_event_heartbeat_ms);
  flags.server.retention.deleted = std::chrono::seconds(deleted_retention_seconds);
  flags.server.retention.request_ids = std::chrono::seconds(request_id_retention_seconds);
  flags.server.retention.changes = std::chrono::seconds(change_retention_seconds);
  flags.server.purge_interval = std::chrono::milliseconds(purge_interval_ms);
  ConfigureLogging(flags);
  if (migrate->parsed()) return Migrate(flags);
  return Serve(flags, stop_signals);
}
