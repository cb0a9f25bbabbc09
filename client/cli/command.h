// What every `podmeta` subcommand is built from. Each noun (podcasts,
// episodes, chapters, import, search, watch) has a file that adds its
// subcommands to the app: a typed options struct per command, bound to the
// command's flags, and the action that runs once parsing chose it.
//
//   void AddSearch(CLI::App& app, Command& chosen);   // in search.cc
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "output.h"
#include "podmeta/client.h"

namespace podmeta::cli {

// What a command runs with once the global options are read.
struct Context {
  Client& client;
  Format format;
};

// The command parsing chose: its action, and how long its calls may take
// when --timeout is not given (default: the global default).
struct Command {
  std::function<int(Context&)> run;
  std::optional<double> default_timeout_seconds;
};

// A flag's value and whether it was given on the command line.
template <typename T>
struct Given {
  T value{};
  CLI::Option* option = nullptr;
  bool given() const { return option != nullptr && option->count() > 0; }
};

void AddImport(CLI::App& app, Command& chosen);
void AddPodcasts(CLI::App& app, Command& chosen);
void AddEpisodes(CLI::App& app, Command& chosen);
void AddChapters(CLI::App& app, Command& chosen);
void AddSearch(CLI::App& app, Command& chosen);
void AddWatch(CLI::App& app, Command& chosen);
void AddFeed(CLI::App& app, Command& chosen);

// --- shared by the commands (command.cc) ---

// "core-py" → "podcasts/core-py"; full names pass through.
std::string PodcastName(const std::string& argument);
// "core-py/14" → "podcasts/core-py/episodes/14"; full names pass through.
std::string EpisodeName(const std::string& argument);

// A file's content, or standard input's for "-".
absl::StatusOr<std::string> ReadInput(const std::string& path);
// A protobuf JSON file (or "-") into `message`.
absl::Status ParseJsonInto(const std::string& path, google::protobuf::Message& message);
// RFC 3339 (--publish-time) and Go-style durations (--duration).
absl::Status SetTime(const std::string& text, google::protobuf::Timestamp* time);
absl::Status SetDuration(const std::string& text, google::protobuf::Duration* duration);

// `purge NAME --yes [--etag E] [--allow-missing]` under `parent`: erases the
// named resource for good through `purge(client, request)`.
template <typename Request, typename Purge>
void AddPurge(CLI::App& parent, Command& chosen, const std::string& what, std::string (*name_of)(const std::string&),
              Purge purge) {
  struct Options {
    std::string name, etag;
    bool allow_missing = false, yes = false;
  };
  auto options = std::make_shared<Options>();
  auto* command = parent.add_subcommand("purge", "Erase the " + what + " for good (takedowns, erasure requests)");
  command->add_option("NAME", options->name, "What to erase")->required();
  command->add_option("--etag", options->etag, "Fail with ABORTED unless it still has this etag");
  command->add_flag("--allow-missing", options->allow_missing, "Succeed if it does not exist (already purged)");
  command->add_flag("--yes", options->yes, "Confirm: purging cannot be undone")->required();
  command->callback([options, &chosen, name_of, purge] {
    chosen.run = [options, name_of, purge](Context& context) {
      Request request;
      request.set_name(name_of(options->name));
      request.set_etag(options->etag);
      request.set_allow_missing(options->allow_missing);
      if (absl::Status purged = purge(context.client, request); !purged.ok()) return ReportError(purged);
      std::cout << "purged " << request.name() << '\n';
      return kExitOk;
    };
  });
}

// Prints the result or reports the error; returns the exit code.
template <typename Message, typename Print>
int Finish(const absl::StatusOr<Message>& result, Print print) {
  if (!result.ok()) return ReportError(result.status());
  print(*result);
  return kExitOk;
}

}  // namespace podmeta::cli
