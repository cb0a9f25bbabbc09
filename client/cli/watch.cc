// podmeta watch PODCAST
#include <iostream>

#include "command.h"

namespace podmeta::cli {
namespace {

struct WatchOptions {
  std::string podcast;
  std::string resume_token;
};

}  // namespace

void AddWatch(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<WatchOptions>();
  auto* watch = app.add_subcommand(
      "watch",
      "Print a podcast's episode changes as they happen (Ctrl-C stops); with -o json, one JSON object "
      "per line (JSON Lines)");
  watch->add_option("PODCAST", options->podcast, "The podcast")->required();
  watch->add_option("--resume-token", options->resume_token, "Continue after the event with this token");
  watch->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      v1::WatchEpisodesRequest request;
      request.set_parent(PodcastName(options->podcast));
      request.set_resume_token(options->resume_token);
      absl::Status status = context.client.WatchEpisodes(
          request, [&](const v1::EpisodeChange& change) { PrintChange(change, context.format); }, nullptr,
          [] { std::cerr << "watching; Ctrl-C stops\n"; });
      return ReportError(status);
    };
  });
}

}  // namespace podmeta::cli
