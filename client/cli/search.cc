// podmeta search QUERY
#include "command.h"

namespace podmeta::cli {
namespace {

struct SearchOptions {
  std::string query;
  std::string podcast;  // empty: every podcast
  int page_size = 0;
  std::string page_token;
};

}  // namespace

void AddSearch(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<SearchOptions>();
  auto* search = app.add_subcommand("search", "Find episodes and chapters by words (web-search syntax)");
  search->add_option("QUERY", options->query, "Words; \"quoted phrase\", or, -excluded")->required();
  search->add_option("--podcast", options->podcast, "Search one podcast only");
  search->add_option("--page-size", options->page_size, "Hits per page (max 1000)");
  search->add_option("--page-token", options->page_token, "Continue from a previous page");
  search->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      v1::SearchEpisodesRequest request;
      if (!options->podcast.empty()) request.set_parent(PodcastName(options->podcast));
      request.set_query(options->query);
      request.set_page_size(options->page_size);
      request.set_page_token(options->page_token);
      return Finish(context.client.SearchEpisodes(request),
                    [&](const v1::SearchEpisodesResponse& response) { PrintSearch(response, context.format); });
    };
  });
}

}  // namespace podmeta::cli
