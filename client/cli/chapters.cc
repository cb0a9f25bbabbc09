// podmeta chapters list|export|set
#include <iostream>

#include "absl/strings/ascii.h"
#include "command.h"

namespace podmeta::cli {
namespace {

struct ListChaptersOptions {
  std::string episode;
};

struct ExportChaptersOptions {
  std::string episode;
  v1::ChapterFormat format = v1::CHAPTER_FORMAT_UNSPECIFIED;
};

struct SetChaptersOptions {
  std::string episode;
  std::string file;
  v1::ChapterFormat format = v1::CHAPTER_FORMAT_UNSPECIFIED;  // detected
  std::string etag;
};

const std::map<std::string, v1::ChapterFormat>& Formats() {
  static const auto* formats = new std::map<std::string, v1::ChapterFormat>{{"podcasting2", v1::PODCASTING2_JSON},
                                                                            {"psc", v1::PODLOVE_SIMPLE_CHAPTERS},
                                                                            {"webvtt", v1::WEBVTT},
                                                                            {"text", v1::PLAIN_TEXT}};
  return *formats;
}

void AddList(CLI::App& chapters, Command& chosen) {
  auto options = std::make_shared<ListChaptersOptions>();
  auto* list = chapters.add_subcommand("list", "List an episode's chapters with their parts");
  list->add_option("EPISODE", options->episode, "podcasts/{podcast}/episodes/{episode} or {podcast}/{episode}")
      ->required();
  list->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      return Finish(context.client.GetEpisode(EpisodeName(options->episode)),
                    [&](const v1::Episode& episode) { PrintChapters(episode, context.format); });
    };
  });
}

void AddExport(CLI::App& chapters, Command& chosen) {
  auto options = std::make_shared<ExportChaptersOptions>();
  auto* exported = chapters.add_subcommand("export", "Print an episode's chapters as a chapter file");
  exported->add_option("EPISODE", options->episode, "The episode")->required();
  exported->add_option("--format", options->format, "podcasting2 (JSON), psc (Podlove XML), webvtt, text")
      ->required()
      ->transform(CLI::CheckedTransformer(Formats()));
  exported->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      v1::ExportChaptersRequest request;
      request.set_name(EpisodeName(options->episode));
      request.set_format(options->format);
      return Finish(context.client.ExportChapters(request),
                    [](const v1::ExportChaptersResponse& response) { std::cout << response.content(); });
    };
  });
}

void AddSet(CLI::App& chapters, Command& chosen) {
  auto options = std::make_shared<SetChaptersOptions>();
  auto* set = chapters.add_subcommand("set", "Replace an episode's chapters with those of a chapter file");
  set->add_option("EPISODE", options->episode, "The episode")->required();
  set->add_option("FILE", options->file, "A chapter file in any export format (detected), or - for stdin")->required();
  set->add_option("--format", options->format, "The file's format, when detection is not wanted")
      ->transform(CLI::CheckedTransformer(Formats()));
  set->add_option("--etag", options->etag, "Fail with ABORTED unless the episode still has this etag");
  set->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      absl::StatusOr<std::string> content = ReadInput(options->file);
      if (!content.ok()) return ReportError(content.status());
      if (absl::StripAsciiWhitespace(*content).empty()) {
        // An empty pipe or file is a mistake far more often than a wish
        // to remove every chapter (ReplaceChapters with an empty list does that).
        return ReportError(absl::InvalidArgumentError(options->file + " is empty: no chapters to set"));
      }
      v1::ImportChaptersRequest request;
      request.set_name(EpisodeName(options->episode));
      request.set_content(*content);
      request.set_format(options->format);
      request.set_etag(options->etag);
      return Finish(context.client.ImportChapters(request),
                    [&](const v1::Episode& episode) { PrintChapters(episode, context.format); });
    };
  });
}

}  // namespace

void AddChapters(CLI::App& app, Command& chosen) {
  auto* chapters = app.add_subcommand("chapters", "An episode's chapters");
  chapters->require_subcommand(1);
  AddList(*chapters, chosen);
  AddExport(*chapters, chosen);
  AddSet(*chapters, chosen);
}

}  // namespace podmeta::cli
