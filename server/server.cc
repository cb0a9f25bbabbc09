#include "server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "api/blocking_executor.h"
#include "api/episode_service.h"
#include "api/podcast_service.h"
#include "grpc/health/v1/health.pb.h"
#include "storage/change_feed.h"
#include "storage/database.h"
#include "storage/episode_store.h"
#include "storage/import_store.h"
#include "storage/migrations.h"
#include "storage/podcast_store.h"
#include "storage/search_store.h"

namespace podmeta {

struct Server::Parts {
  explicit Parts(const ServerConfig& config)
      : access(config.auth_token_file),
        database(config.database_url, config.pool_size),
        podcasts(database),
        episodes(database),
        imports(database),
        search(database),
        feed(config.database_url),
        executor(config.worker_threads),
        podcast_service(podcasts, imports, access, executor),
        episode_service(episodes, search, feed, access, executor) {}

  api::WriteAccess access;
  storage::Database database;
  storage::PodcastStore podcasts;
  storage::EpisodeStore episodes;
  storage::ImportStore imports;
  storage::SearchStore search;
  storage::ChangeFeed feed;
  api::BlockingExecutor executor;
  api::PodcastService podcast_service;
  api::EpisodeService episode_service;
  std::unique_ptr<grpc::Server> grpc_server;
  int port = 0;
};

namespace {

absl::Status Migrate(const std::string& database_url) {
  try {
    pqxx::connection connection(database_url);
    absl::StatusOr<int> applied = storage::ApplyMigrations(connection);
    if (!applied.ok()) return applied.status();
    spdlog::info("database schema is current ({} migration(s) applied now)", *applied);
    return absl::OkStatus();
  } catch (const std::exception& error) {
    return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", error.what()));
  }
}

// The server as a whole ("") and each podmeta service by name, so that
// clients probing a specific service see the same state.
void SetServing(grpc::Server& server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  health->SetServingStatus(serving);
  for (const char* service : {v1::PodcastService::service_full_name(), v1::EpisodeService::service_full_name()}) {
    health->SetServingStatus(service, serving);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerConfig& config) {
  if (config.auth_token_file.empty()) {
    if (!api::ListenerIsLocal(config.listen)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to listen on ", config.listen,
          " without --auth-token-file: anyone who can reach it could write; give a token file, or listen on "
          "127.0.0.1 or a unix socket"));
    }
    spdlog::warn("no --auth-token-file: writes are open to anyone who can reach {}", config.listen);
  }
  if (absl::Status migrated = Migrate(config.database_url); !migrated.ok()) return migrated;

  // Links the health proto's descriptor in, so reflection can describe the
  // built-in health service.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  auto parts = std::make_unique<Parts>(config);
  if (absl::Status loaded = parts->access.Reload(); !loaded.ok()) return loaded;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, grpc::InsecureServerCredentials(), &parts->port);
  builder.RegisterService(&parts->podcast_service);
  builder.RegisterService(&parts->episode_service);
  parts->grpc_server = builder.BuildAndStart();
  if (!parts->grpc_server) return absl::UnavailableError(absl::StrCat("cannot listen on ", config.listen));
  SetServing(*parts->grpc_server, true);
  spdlog::info("podmeta-server listening on {}", config.listen);
  return std::unique_ptr<Server>(new Server(std::move(parts)));
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() = default;

int Server::port() const { return parts_->port; }

void Server::Shutdown(std::chrono::milliseconds grace) {
  spdlog::info("shutting down: NOT_SERVING, finishing calls in flight (grace {} ms)", grace.count());
  SetServing(*parts_->grpc_server, false);
  parts_->grpc_server->Shutdown(std::chrono::system_clock::now() + grace);
  parts_->database.pool().CloseIdle();
}

void Server::Wait() { parts_->grpc_server->Wait(); }

absl::Status Server::ReloadTokens() { return parts_->access.Reload(); }

}  // namespace podmeta
