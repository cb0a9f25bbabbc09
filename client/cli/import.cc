// podmeta import FILE|URL|-: a show page or an RSS feed (told apart by the
// content: a feed starts with "<"; a URL is always a feed, fetched by the
// server).
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "command.h"

namespace podmeta::cli {
namespace {

// An import may take as long as the server allows a call (its
// --max-call-ms), longer than a read: it waits unless told otherwise.
constexpr double kImportTimeoutSeconds = 600;

struct ImportOptions {
  std::string source;
  bool dry_run = false;
  bool allow_partial = false;
  std::string podcast_id;
  bool skip_chapter_files = false;
  bool ignore_cache = false;
};

bool IsUrl(const std::string& source) {
  const std::string lower = absl::AsciiStrToLower(source.substr(0, 8));
  return absl::StartsWith(lower, "http://") || absl::StartsWith(lower, "https://");
}

// Feeds are XML: after a byte-order mark and white space, a "<".
bool LooksLikeFeed(absl::string_view content) {
  absl::ConsumePrefix(&content, "\xEF\xBB\xBF");
  content = absl::StripLeadingAsciiWhitespace(content);
  return absl::StartsWith(content, "<");
}

int ImportFeed(Context& context, const ImportOptions& options, const std::string* content) {
  v1::ImportFeedRequest request;
  if (content != nullptr) {
    request.set_content(*content);
  } else {
    request.set_uri(options.source);
  }
  request.set_podcast_id(options.podcast_id);
  request.set_dry_run(options.dry_run);
  request.set_allow_partial(options.allow_partial);
  request.set_skip_chapter_files(options.skip_chapter_files);
  request.set_ignore_cache(options.ignore_cache);
  return Finish(context.client.ImportFeed(request), [&](const v1::ImportFeedResponse& response) {
    PrintImport(response, request.dry_run(), context.format);
  });
}

}  // namespace

void AddImport(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<ImportOptions>();
  auto* command = app.add_subcommand(
      "import",
      "Import an RSS feed (a file, - for standard input, or an http(s) URL the server fetches) or a show "
      "page (e.g. examples/data/core-py.txt)");
  command->add_option("SOURCE", options->source, "A file, - for standard input, or a feed's http(s) URL")->required();
  command->add_flag("--dry-run", options->dry_run, "Validate and report what would change; write nothing");
  command->add_flag("--allow-partial", options->allow_partial,
                    "Import the valid episodes and report the rest, instead of all-or-nothing");
  command->add_option("--podcast-id", options->podcast_id, "Feeds: the id of a podcast the import creates");
  command->add_flag("--skip-chapter-files", options->skip_chapter_files,
                    "Feeds: do not fetch podcast:chapters files (chapters come from show-note timestamps)");
  command->add_flag("--ignore-cache", options->ignore_cache,
                    "Feed URLs: fetch the whole feed even if the stored ETag/Last-Modified says it is unchanged");
  command->callback([options, &chosen] {
    chosen.default_timeout_seconds = kImportTimeoutSeconds;
    chosen.run = [options](Context& context) {
      if (IsUrl(options->source)) return ImportFeed(context, *options, nullptr);
      absl::StatusOr<std::string> content = ReadInput(options->source);
      if (!content.ok()) return ReportError(content.status());
      if (LooksLikeFeed(*content)) return ImportFeed(context, *options, &*content);
      v1::ImportShowPageRequest request;
      request.set_content(*content);
      request.set_dry_run(options->dry_run);
      request.set_allow_partial(options->allow_partial);
      return Finish(context.client.ImportShowPage(request), [&](const v1::ImportShowPageResponse& response) {
        PrintImport(response, request.dry_run(), context.format);
      });
    };
  });
}

}  // namespace podmeta::cli
