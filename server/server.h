// Wires a podmeta server together: the database pool, migrations, the stores,
// the gRPC services, health checking and reflection. Used by main.cc and by
// the integration tests, which run the same server in-process.
//
//   auto server = Server::Start(config);      // migrates, then listens
//   ... server->port() ...
//   server->Shutdown(std::chrono::seconds(10));
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "storage/episode_cache.h"
#include "storage/retention.h"

namespace podmeta {

// Health (grpc.health.v1): the service "" and each podmeta service name say
// whether the server is ready (the database answers and the schema is
// current); the service "liveness" says whether the process serves at all.
// A liveness probe must not restart a server whose database is down.
inline constexpr std::string_view kLivenessService = "liveness";

struct ServerConfig {
  // host:port, or unix:PATH. Port 0 picks a free port (see Server::port).
  std::string listen = "127.0.0.1:50051";
  std::string database_url;
  // Optional replica for reads (Get, List, BatchGet, Search, Export);
  // writes, watches and migrations always use database_url.
  std::string read_database_url;
  // Prometheus /metrics on HOST:PORT; empty: no metrics endpoint.
  std::string metrics_listen;
  // Bearer tokens allowed to write, one per line. Empty: writes are open,
  // and only loopback or unix-socket listeners are allowed.
  std::string auth_token_file;
  // Every write is refused (PERMISSION_DENIED), on any listener: a public
  // read replica, or a container started without a token file.
  bool read_only = false;
  size_t pool_size = 8;
  // Threads that run database work; calls beyond these wait in a queue.
  size_t worker_threads = 8;
  // Calls that may wait in that queue; beyond it a call is answered
  // RESOURCE_EXHAUSTED at once (admission control).
  size_t max_queued_calls = 10'000;
  // Open WatchEpisodes streams at most; more get RESOURCE_EXHAUSTED.
  size_t max_watch_streams = 10'000;
  // No call (and so no query: it becomes statement_timeout) runs longer,
  // whatever deadline the client sets, or when it sets none.
  std::chrono::milliseconds max_call_time{30'000};
  // Memory for hot episodes served without a database round trip; 0 turns
  // the cache off. With read_database_url, a replica's read is kept only
  // once it has replayed the podcast's last notified change
  // (storage/episode_cache.h).
  size_t episode_cache_bytes = 64 << 20;
  // TLS: certificate chain and key (PEM files). With a client CA, clients
  // must present a certificate it signed (mutual TLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // ImportFeed fetches http(s) URLs, by default never from loopback,
  // private or link-local addresses; this allows them (tests, private
  // networks).
  bool feed_fetch_allow_private = false;
  // No feed fetch takes longer (chapters files: at most 10 s each).
  std::chrono::milliseconds feed_fetch_timeout{30'000};
  // Where podmeta is reachable over HTTP by the public, e.g.
  // "https://podmeta.example.com": exported feeds link chapters files under
  // it. Empty: they link the chapters file each episode was imported with.
  std::string public_base_uri;
  // HTTP (chapter files, feeds, JSON reads) on HOST:PORT; empty: off.
  std::string http_listen;
  // Cache-Control max-age of chapter files and feeds served over HTTP.
  int http_max_age_seconds = 60;
  // A request must arrive whole within this (slow clients are cut off).
  std::chrono::milliseconds http_request_timeout{10'000};
  // An idle event stream (the watch over HTTP) gets a comment this often,
  // so proxies with idle timeouts keep it open.
  std::chrono::milliseconds http_event_heartbeat{15'000};
  // How long soft-deleted podcasts and episodes (their expire_time), write
  // responses kept for retries, and the change log behind watches are kept.
  storage::Retention retention;
  // How often the purger looks for what is past its retention (one server
  // at a time does the work); 0: never.
  std::chrono::milliseconds purge_interval{300'000};
  // Secrets that seal page and resume tokens, one a line: the first seals,
  // every one opens (rotation). Empty: the secret stored in the database,
  // which every server of it shares.
  std::string page_token_secret_file;
};

class Server {
 public:
  // Applies migrations, opens the pool, starts serving. A database that
  // cannot be reached is waited for in the background (not ready until it
  // answers, then migrated); fails if a migration fails or the address
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerConfig& config);

  ~Server();

  // The bound TCP port (0 for unix sockets).
  int port() const;
  // The bound HTTP port (0 without --http-listen).
  int http_port() const;

  // Reports NOT_SERVING, stops accepting calls, lets calls in flight finish
  // within `grace` (then cancels them), and closes the pool.
  void Shutdown(std::chrono::milliseconds grace);

  // Blocks until Shutdown completes.
  void Wait();

  // Reads of the change log by watches since start (shared or their own).
  uint64_t change_log_reads() const;

  // The episode cache's counters (all zero without a cache).
  storage::EpisodeCache::Stats episode_cache_stats() const;

  // Re-reads the token file (on SIGHUP).
  absl::Status ReloadTokens();

  struct Parts;

 private:
  explicit Server(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace podmeta
