#include "server.h"

#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "api/blocking_executor.h"
#include "api/episode_handlers.h"
#include "api/episode_read_batcher.h"
#include "api/episode_reader.h"
#include "api/feed_importer.h"
#include "api/podcast_handlers.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/page_token.h"
#include "grpc/health/v1/health.pb.h"
#include "http/http_listener.h"
#include "http/routes.h"
#include "observability/call_observer.h"
#include "observability/live_gauges.h"
#include "storage/change_feed.h"
#include "storage/database.h"
#include "storage/episode_store.h"
#include "storage/feed_store.h"
#include "storage/import_store.h"
#include "storage/migrations.h"
#include "storage/pg_connection.h"
#include "storage/podcast_store.h"
#include "storage/search_store.h"

namespace podmeta {

namespace {

// Room for the largest request: a show page of up to 3 MiB (domain/limits.h).
constexpr int kMaxReceiveMessageBytes = 4 * 1024 * 1024;
// Per connection; calls beyond it wait for a stream instead of piling up.
constexpr int kMaxConcurrentStreams = 1000;
// Episodes one coalesced GetEpisode statement reads at most.
constexpr size_t kMaxEpisodeReadBatch = 128;

}  // namespace

api::FeedOptions FeedOptionsOf(const ServerConfig& config) {
  api::FeedOptions options;
  options.feed_limits.allow_private_addresses = config.feed_fetch_allow_private;
  options.feed_limits.total_timeout = config.feed_fetch_timeout;
  options.feed_limits.max_bytes = domain::kMaxFeedBytes;
  options.chapters_limits.allow_private_addresses = config.feed_fetch_allow_private;
  options.chapters_limits.total_timeout = std::min(config.feed_fetch_timeout, std::chrono::milliseconds(10'000));
  options.chapters_limits.max_bytes = domain::kMaxChapterFileBytes;
  options.public_base_uri = config.public_base_uri;
  return options;
}

http::RouteOptions RouteOptionsOf(const ServerConfig& config) {
  http::RouteOptions options;
  options.max_age_seconds = config.http_max_age_seconds;
  options.timeout = config.max_call_time;
  // Half of the watch streams at most: the other half stays for gRPC clients.
  options.max_event_streams = std::max<size_t>(1, static_cast<size_t>(config.max_watch_streams) / 2);
  return options;
}

struct Server::Parts {
  explicit Parts(const ServerConfig& config)
      : access(config.read_only ? api::WriteAccess::ReadOnly() : api::WriteAccess(config.auth_token_file)),
        database(config.database_url, config.pool_size, config.max_call_time, config.retention.deleted),
        read_database(config.read_database_url.empty()
                          ? nullptr
                          : std::make_unique<storage::Database>(config.read_database_url, config.pool_size,
                                                                config.max_call_time, config.retention.deleted)),
        episode_cache(config.episode_cache_bytes > 0
                          ? std::make_unique<storage::EpisodeCache>(config.episode_cache_bytes)
                          : nullptr),
        podcasts(database, reads()),
        episodes(database, reads()),
        imports(database),
        feeds(database, reads()),
        lifecycle(database),
        feed_importer(feeds, podcasts, FeedOptionsOf(config)),
        search(reads()),
        // With a replica, notifications carry the WAL position a read must
        // have replayed to be cached.
        feed(config.database_url, episode_cache.get(), !config.read_database_url.empty()),
        executor(config.worker_threads, config.max_queued_calls),
        episode_reads(episodes, executor, config.pool_size, kMaxEpisodeReadBatch),
        episode_reader(episodes, episode_reads, episode_cache.get(), executor),
        fanout(episodes, feed, executor, config.max_watch_streams),
        podcast_handlers(podcasts, imports, feed_importer, lifecycle, access, executor),
        episode_handlers(episodes, episode_reader, search, fanout, lifecycle, access, executor, calls),
        routes(episode_reader, feed_importer, executor, RouteOptionsOf(config)) {
    // This server's own writes leave the cache as they commit, before their
    // call answers; other servers' arrive through the change feed (and so do
    // this server's, again, with the WAL position a replica read needs).
    if (episode_cache != nullptr) {
      database.OnEpisodesCommitted([cache = episode_cache.get()](const std::vector<std::string>& podcast_ids) {
        for (const std::string& podcast_id : podcast_ids) cache->InvalidatePodcast(podcast_id);
      });
    }
  }

  storage::Database& reads() { return read_database ? *read_database : database; }

  api::WriteAccess access;
  storage::Database database;
  std::unique_ptr<storage::Database> read_database;
  std::unique_ptr<storage::EpisodeCache> episode_cache;
  storage::PodcastStore podcasts;
  storage::EpisodeStore episodes;
  storage::ImportStore imports;
  storage::FeedStore feeds;
  storage::LifecycleStore lifecycle;
  api::FeedImporter feed_importer;
  storage::SearchStore search;
  storage::ChangeFeed feed;
  api::BlockingExecutor executor;
  api::EpisodeReadBatcher episode_reads;
  api::EpisodeReader episode_reader;
  // After the executor: destroyed first, so no feed callback reaches the
  // executor once it is gone.
  api::ChangeFanout fanout;
  // Before the handlers: GetEpisode's handler observes its own calls.
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  observability::CallObserver calls{*registry};
  api::PodcastHandlers podcast_handlers;
  api::EpisodeHandlers episode_handlers;
  http::Routes routes;
  std::shared_ptr<observability::LiveGauges> gauges = std::make_shared<observability::LiveGauges>();
  std::unique_ptr<prometheus::Exposer> exposer;
  std::unique_ptr<grpc::Server> grpc_server;
  // Declared after the server: destroyed (stopped) before it.
  std::unique_ptr<http::HttpListener> http_listener;
  int port = 0;

  // Readiness follows the database (reachable, schema current); liveness
  // follows the process itself. See MonitorHealth.
  std::string database_url;
  // Only the health monitor writes it after Start; the purger reads it.
  std::atomic<bool> schema_current{false};
  bool token_secret_from_database = true;
  // The TCP port whose listener the health monitor watches (0: none, e.g.
  // a unix socket).
  int watched_port = 0;
  sync::Mutex health_mutex;
  std::condition_variable health_wake;
  bool stopping ABSL_GUARDED_BY(health_mutex) = false;
  std::thread health_monitor;
  std::thread purger;

  // True once Shutdown asked the background threads to stop, waiting up to
  // `wait` for it.
  bool StopRequested(std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    sync::MutexLock lock(health_mutex);
    while (!stopping && health_mutex.WaitUntil(health_wake, until)) {
    }
    return stopping;
  }
};

namespace {

// Brings the schema up to date; then, unless --page-token-secret-file gave
// them, takes the page-token secret every server of the database shares.
absl::Status Migrate(const std::string& database_url, bool token_secret_from_database) {
  absl::StatusOr<int> applied = storage::MigrateDatabase(database_url);
  if (!applied.ok()) return applied.status();
  spdlog::info("database schema is current ({} migration(s) applied now)", *applied);
  if (token_secret_from_database) {
    absl::StatusOr<std::string> secret = storage::ReadServerSecret(database_url, "page_tokens");
    if (!secret.ok()) return secret.status();
    domain::SetPageTokenSecrets({*secret});
  }
  return absl::OkStatus();
}

// Readiness: the server as a whole ("") and each podmeta service by name,
// so that clients probing a specific service see the same state.
void SetReady(grpc::Server& server, bool ready) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  for (const char* service : {"", v1::PodcastService::service_full_name(), v1::EpisodeService::service_full_name()}) {
    health->SetServingStatus(service, ready);
  }
}

// Serves /metrics: the call metrics plus gauges read at scrape time.
absl::Status ExposeMetrics(const std::string& address, Server::Parts& parts) {
  try {
    parts.exposer = std::make_unique<prometheus::Exposer>(address);
  } catch (const std::exception& error) {
    return domain::Error(domain::Reason::kListenFailed,
                         absl::StrCat("cannot serve metrics on ", address, ": ", error.what()));
  }
  storage::ConnectionPool& pool = parts.database.pool();
  parts.gauges->Add("podmeta_db_pool_connections_open", "Open connections to the primary database",
                    [&pool] { return static_cast<double>(pool.stats().open); });
  parts.gauges->Add("podmeta_db_pool_connections_in_use", "Primary database connections lent out",
                    [&pool] { return static_cast<double>(pool.stats().in_use); });
  parts.gauges->Add("podmeta_db_pool_waiting", "Calls waiting for a primary database connection",
                    [&pool] { return static_cast<double>(pool.stats().waiting); });
  parts.gauges->Add("podmeta_watch_streams", "Open WatchEpisodes streams",
                    [&parts] { return static_cast<double>(parts.fanout.watcher_count()); });
  parts.gauges->Add("podmeta_watch_shared_reads", "Reads of the change log shared by a podcast's watches since start",
                    [&parts] { return static_cast<double>(parts.fanout.shared_reads()); });
  if (storage::EpisodeCache* cache = parts.episode_cache.get()) {
    parts.gauges->Add("podmeta_episode_cache_entries", "Episodes in the cache",
                      [cache] { return static_cast<double>(cache->stats().entries); });
    parts.gauges->Add("podmeta_episode_cache_bytes", "Estimated memory of the cached episodes",
                      [cache] { return static_cast<double>(cache->stats().bytes); });
    parts.gauges->Add("podmeta_episode_cache_hits", "GetEpisode calls answered from the cache since start",
                      [cache] { return static_cast<double>(cache->stats().hits); });
    parts.gauges->Add("podmeta_episode_cache_misses", "GetEpisode calls that read the database since start",
                      [cache] { return static_cast<double>(cache->stats().misses); });
  }
  parts.exposer->RegisterCollectable(parts.registry);
  parts.exposer->RegisterCollectable(parts.gauges);
  spdlog::info("metrics on http://{}/metrics", address);
  return absl::OkStatus();
}

}  // namespace

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return domain::Error(domain::Reason::kServerMisconfigured, absl::StrCat("cannot read the ", what, " ", path));
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// A server certificate that has expired (or is not valid yet) would fail
// every TLS handshake with nothing in the server's log: refuse to start,
// saying why. One that expires within a week is logged as a warning.
absl::Status CheckCertificateDates(const std::string& pem, const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                                                          X509_free);
  if (certificate == nullptr)
    return domain::Error(domain::Reason::kServerMisconfigured, absl::StrCat(path, " holds no PEM certificate"));
  const auto printed = [](const ASN1_TIME* time) {
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
    ASN1_TIME_print(out.get(), time);
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<size_t>(size));
  };
  const ASN1_TIME* not_after = X509_get0_notAfter(certificate.get());
  const ASN1_TIME* not_before = X509_get0_notBefore(certificate.get());
  if (X509_cmp_current_time(not_after) <= 0) {
    return domain::Error(domain::Reason::kServerMisconfigured,
                         absl::StrCat("the TLS certificate ", path, " expired on ", printed(not_after)));
  }
  if (X509_cmp_current_time(not_before) >= 0) {
    return domain::Error(domain::Reason::kServerMisconfigured,
                         absl::StrCat("the TLS certificate ", path, " is not valid before ", printed(not_before)));
  }
  time_t in_a_week = time(nullptr) + 7 * 24 * 3600;
  if (X509_cmp_time(not_after, &in_a_week) <= 0) {
    spdlog::warn("the TLS certificate {} expires on {}", path, printed(not_after));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerConfig& config) {
  if (config.tls_cert_file.empty() && config.tls_key_file.empty()) {
    if (!config.tls_client_ca_file.empty()) {
      return domain::Error(domain::Reason::kServerMisconfigured, "--tls-client-ca needs --tls-cert and --tls-key");
    }
    return grpc::InsecureServerCredentials();
  }
  auto certificate = ReadFile(config.tls_cert_file, "TLS certificate");
  if (!certificate.ok()) return certificate.status();
  if (absl::Status current = CheckCertificateDates(*certificate, config.tls_cert_file); !current.ok()) return current;
  auto key = ReadFile(config.tls_key_file, "TLS key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({*key, *certificate});
  if (!config.tls_client_ca_file.empty()) {
    auto client_ca = ReadFile(config.tls_client_ca_file, "TLS client CA");
    if (!client_ca.ok()) return client_ca.status();
    options.pem_root_certs = *client_ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

// Connections waiting in the kernel's accept queue of this process's
// listening TCP socket on `port`, or -1 when there is no such socket. A
// listener that gRPC stopped accepting on (it stops for good after an
// accept() failure such as EMFILE) keeps connections waiting there, while
// calls on existing connections still work.
int AcceptQueueLength(int port) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    int fd = -1;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &fd)) continue;
    int accepting = 0;
    socklen_t length = sizeof(accepting);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0 || accepting == 0) continue;
    sockaddr_storage address{};
    socklen_t address_length = sizeof(address);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &address_length) != 0) continue;
    int bound_port = -1;
    if (address.ss_family == AF_INET) bound_port = ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
    if (address.ss_family == AF_INET6) bound_port = ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    if (bound_port != port) continue;
    tcp_info info{};
    socklen_t info_length = sizeof(info);
    // For a listening socket, Linux reports the accept queue's length here.
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &info_length) == 0) return static_cast<int>(info.tcpi_unacked);
  }
  return -1;
}

// Every `interval`: purges what is past its retention (soft-deleted podcasts
// and episodes, stored write responses, old change log entries) in batches
// until a pass finds nothing more; see storage/lifecycle_store.h. Servers
// purging at once skip each other's rows.
void RunPurger(Server::Parts& parts, storage::Retention retention, std::chrono::milliseconds interval) {
  constexpr int32_t kBatch = 500;
  while (!parts.StopRequested(interval)) {
    if (!parts.schema_current) continue;
    for (int pass = 0; pass < 100 && !parts.StopRequested(std::chrono::milliseconds(0)); ++pass) {
      absl::StatusOr<storage::PurgeCounts> purged = parts.lifecycle.PurgeExpired(retention, kBatch);
      if (!purged.ok()) {
        spdlog::warn("purge failed, retried in {} ms: {}", interval.count(), std::string(purged.status().message()));
        break;
      }
      if (purged->total() == 0) break;
      spdlog::info(
          "purged {} podcast(s) and {} episode(s) past their retention, {} stored write response(s), and old changes "
          "of {} podcast(s)",
          purged->podcasts, purged->episodes, purged->request_ids, purged->change_podcasts);
    }
  }
}

// Every half second: brings the schema up to date if it was not yet (the
// database was down at start), then checks the database over a connection of
// its own and reports readiness accordingly, so load balancers and
// Kubernetes stop sending calls that can only fail. A busy pool is not a
// reason to be unready: its calls queue and finish. Every few seconds it
// also looks at the listener's accept queue: connections left waiting there
// at three looks in a row (or a listener gone) mean the server no longer
// accepts, and liveness turns NOT_SERVING.
void MonitorHealth(Server::Parts& parts) {
  constexpr auto kInterval = std::chrono::milliseconds(500);
  constexpr int kListenerCheckEvery = 6;  // intervals
  constexpr int kListenerFailuresAllowed = 3;
  // Readiness turns NOT_SERVING when the database does not answer within it.
  constexpr auto kProbeTimeout = std::chrono::milliseconds(1000);
  storage::DatabaseProbe probe(parts.database_url);
  bool ready = parts.schema_current;
  bool live = true;
  int round = 0;
  int listener_failures = 0;
  while (!parts.StopRequested(kInterval)) {
    if (!parts.schema_current && Migrate(parts.database_url, parts.token_secret_from_database).ok()) {
      parts.schema_current = true;
      spdlog::info("database reachable; schema current");
    }
    const absl::Status reachable = parts.schema_current
                                       ? probe.Check(kProbeTimeout)
                                       : domain::Error(domain::Reason::kServerStarting, "schema not migrated yet");
    if (parts.watched_port != 0 && ++round % kListenerCheckEvery == 0) {
      listener_failures = AcceptQueueLength(parts.watched_port) == 0 ? 0 : listener_failures + 1;
    }
    // Shutdown joins this thread before it turns the statuses off, so none
    // is turned on after it.
    if (parts.StopRequested(std::chrono::milliseconds(0))) break;
    // Pooled connections to a server that does not answer (or no longer
    // takes writes) would each cost a call its deadline.
    if (!reachable.ok() && parts.schema_current) parts.database.GiveUpOnServer(kProbeTimeout);
    if (reachable.ok() != ready) {
      ready = reachable.ok();
      SetReady(*parts.grpc_server, ready);
      if (ready) {
        spdlog::info("database reachable: ready (SERVING)");
      } else {
        spdlog::error("database unreachable ({}): not ready (NOT_SERVING)", std::string(reachable.message()));
      }
    }
    if (const bool accepting = listener_failures < kListenerFailuresAllowed; accepting != live) {
      live = accepting;
      parts.grpc_server->GetHealthCheckService()->SetServingStatus(std::string(kLivenessService), live);
      if (live) {
        spdlog::info("the listener accepts connections again: live");
      } else {
        spdlog::error(
            "connections to port {} are no longer accepted (file descriptors exhausted?): liveness "
            "NOT_SERVING",
            parts.watched_port);
      }
    }
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerConfig& given) {
  // Every connection the server opens has client-side bounds on its waits.
  ServerConfig config = given;
  config.database_url = storage::WithClientTimeouts(given.database_url);
  if (!given.read_database_url.empty()) {
    config.read_database_url = storage::WithClientTimeouts(given.read_database_url);
  }
  if (!storage::AsksForPrimary(given.database_url)) {
    spdlog::warn(
        "--database-url does not say target_session_attrs=read-write: after a failover it may connect to a "
        "standby, which takes no writes (readiness then says NOT_SERVING)");
  }
  if (config.read_only) {
    spdlog::info("read-only: every write is refused");
  } else if (config.auth_token_file.empty()) {
    if (!api::ListenerIsLocal(config.listen)) {
      return domain::Error(
          domain::Reason::kServerMisconfigured,
          absl::StrCat("refusing to listen on ", config.listen,
                       " without --auth-token-file: anyone who can reach it could write; give a token file, serve "
                       "--read-only, or listen on 127.0.0.1 or a unix socket"));
    }
    spdlog::warn("no --auth-token-file: writes are open to anyone who can reach {}", config.listen);
  }
  // A database that is down at start is waited for (not ready meanwhile);
  // a migration that fails is an error.
  const bool token_secret_from_database = config.page_token_secret_file.empty();
  if (!token_secret_from_database) {
    absl::StatusOr<std::string> secrets = ReadFile(config.page_token_secret_file, "page token secret file");
    if (!secrets.ok()) return secrets.status();
    std::vector<std::string> lines;
    for (absl::string_view line : absl::StrSplit(*secrets, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!line.empty() && line.front() != '#') lines.emplace_back(line);
    }
    if (lines.empty()) {
      return domain::Error(domain::Reason::kServerMisconfigured,
                           absl::StrCat("the page token secret file ", config.page_token_secret_file,
                                        " holds no secret (one a line: the first seals, all open)"));
    }
    domain::SetPageTokenSecrets(lines);
  }
  const absl::Status migrated = Migrate(config.database_url, token_secret_from_database);
  if (!migrated.ok() && !absl::IsUnavailable(migrated)) return migrated;
  if (!migrated.ok()) {
    spdlog::warn("{}; serving, not ready until the database answers", std::string(migrated.message()));
  }

  // Debian's abseil is built with its debug checks on, so every absl::Mutex
  // lock (gRPC takes several a call) also maintains a lock-order graph for
  // deadlock detection; profiles of GetEpisode showed it. Releases turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Links the health proto's descriptor in, so reflection can describe the
  // built-in health service.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  auto parts = std::make_unique<Parts>(config);
  parts->database_url = config.database_url;
  parts->token_secret_from_database = token_secret_from_database;
  parts->schema_current = migrated.ok();
  // Until the change feed LISTENs, watches would wait for the next change and
  // the episode cache stays off; the database just answered, so this is quick.
  if (parts->schema_current && !parts->feed.AwaitConnected(std::chrono::seconds(10))) {
    spdlog::warn("the change feed is not connected yet; serving anyway (watches and the cache follow once it is)");
  }
  if (absl::Status loaded = parts->access.Reload(); !loaded.ok()) return loaded;
  if (!config.metrics_listen.empty()) {
    if (absl::Status exposed = ExposeMetrics(config.metrics_listen, *parts); !exposed.ok()) return exposed;
  }
  grpc::ServerBuilder builder;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(parts->calls.NewInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  auto credentials = Credentials(config);
  if (!credentials.ok()) return credentials.status();
  builder.AddListeningPort(config.listen, *credentials, &parts->port);
  builder.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams);
  builder.RegisterService(&parts->podcast_handlers);
  builder.RegisterService(&parts->episode_handlers);
  parts->grpc_server = builder.BuildAndStart();
  if (!parts->grpc_server)
    return domain::Error(domain::Reason::kListenFailed, absl::StrCat("cannot listen on ", config.listen));
  // Liveness: the process answers calls. Never tied to the database.
  parts->grpc_server->GetHealthCheckService()->SetServingStatus(std::string(kLivenessService), true);
  SetReady(*parts->grpc_server, parts->schema_current);
  if (!config.http_listen.empty()) {
    // The JSON reads (:exportFeed among them) take answers of any size the
    // server makes; gRPC's default would refuse one over 4 MiB.
    grpc::ChannelArguments in_process;
    in_process.SetMaxReceiveMessageSize(-1);
    parts->routes.Connect(parts->grpc_server->InProcessChannel(in_process));
    http::ListenerOptions options;
    options.listen = config.http_listen;
    options.request_timeout = config.http_request_timeout;
    options.event_heartbeat = config.http_event_heartbeat;
    absl::StatusOr<std::unique_ptr<http::HttpListener>> listener =
        http::HttpListener::Start(options, parts->routes, parts->registry.get());
    if (!listener.ok()) return listener.status();
    parts->http_listener = *std::move(listener);
    spdlog::info("podmeta-server serving HTTP on {} (port {})", config.http_listen, parts->http_listener->port());
  }
  // gRPC reports port 1 for a unix socket: only a TCP listener is watched.
  parts->watched_port = absl::StartsWith(config.listen, "unix:") ? 0 : parts->port;
  Server::Parts* monitored = parts.get();
  parts->health_monitor = std::thread([monitored] { MonitorHealth(*monitored); });
  if (config.purge_interval.count() > 0 && !config.read_only) {
    parts->purger = std::thread([monitored, retention = config.retention, interval = config.purge_interval] {
      RunPurger(*monitored, retention, interval);
    });
  }
  spdlog::info("podmeta-server listening on {}", config.listen);
  return std::unique_ptr<Server>(new Server(std::move(parts)));
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() = default;

int Server::port() const { return parts_->port; }

int Server::http_port() const { return parts_->http_listener ? parts_->http_listener->port() : 0; }

uint64_t Server::change_log_reads() const { return parts_->episodes.change_log_reads(); }

storage::EpisodeCache::Stats Server::episode_cache_stats() const {
  return parts_->episode_cache ? parts_->episode_cache->stats() : storage::EpisodeCache::Stats{};
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  spdlog::info("shutting down: NOT_SERVING, finishing calls in flight (grace {} ms)", grace.count());
  {
    sync::MutexLock lock(parts_->health_mutex);
    parts_->stopping = true;
  }
  parts_->health_wake.notify_all();
  if (parts_->health_monitor.joinable()) parts_->health_monitor.join();
  if (parts_->purger.joinable()) parts_->purger.join();
  SetReady(*parts_->grpc_server, false);
  parts_->grpc_server->GetHealthCheckService()->SetServingStatus(std::string(kLivenessService), false);
  if (parts_->http_listener) parts_->http_listener->Stop();
  parts_->grpc_server->Shutdown(std::chrono::system_clock::now() + grace);
  parts_->database.pool().CloseIdle();
}

void Server::Wait() { parts_->grpc_server->Wait(); }

absl::Status Server::ReloadTokens() { return parts_->access.Reload(); }

}  // namespace podmeta
