// podmeta feed export PODCAST: the podcast as an RSS 2.0 feed on standard
// output (or -o FILE).
#include <fstream>
#include <iostream>

#include "command.h"

namespace podmeta::cli {
namespace {

struct ExportOptions {
  std::string podcast;
  std::string output;
};

}  // namespace

void AddFeed(CLI::App& app, Command& chosen) {
  auto* feed = app.add_subcommand("feed", "RSS feeds of podcasts");
  feed->require_subcommand(1);
  auto options = std::make_shared<ExportOptions>();
  auto* command = feed->add_subcommand("export", "Print a podcast as an RSS 2.0 feed (iTunes, Podcasting 2.0)");
  command->add_option("PODCAST", options->podcast, "podcasts/{podcast} or just {podcast}")->required();
  command->add_option("-o,--output", options->output, "Write to this file instead of standard output");
  command->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      return Finish(context.client.ExportFeed(PodcastName(options->podcast)),
                    [&](const v1::ExportFeedResponse& response) {
                      if (options->output.empty()) {
                        std::cout << response.content();
                        return;
                      }
                      std::ofstream file(options->output, std::ios::binary);
                      file << response.content();
                    });
    };
  });
}

}  // namespace podmeta::cli
