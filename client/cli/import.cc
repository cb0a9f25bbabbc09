// podmeta import FILE
#include "command.h"

namespace podmeta::cli {
namespace {

// An import may take as long as the server allows a call (its
// --max-call-ms), longer than a read: it waits unless told otherwise.
constexpr double kImportTimeoutSeconds = 600;

struct ImportOptions {
  std::string file;
  bool dry_run = false;
  bool allow_partial = false;
};

}  // namespace

void AddImport(CLI::App& app, Command& chosen) {
  auto options = std::make_shared<ImportOptions>();
  auto* command = app.add_subcommand("import", "Import a show page (e.g. examples/data/core-py.txt)");
  command->add_option("FILE", options->file, "The page's text file, or - for standard input")->required();
  command->add_flag("--dry-run", options->dry_run, "Validate and report what would change; write nothing");
  command->add_flag("--allow-partial", options->allow_partial,
                    "Import the valid episodes and report the rest, instead of all-or-nothing");
  command->callback([options, &chosen] {
    chosen.default_timeout_seconds = kImportTimeoutSeconds;
    chosen.run = [options](Context& context) {
      absl::StatusOr<std::string> content = ReadInput(options->file);
      if (!content.ok()) return ReportError(content.status());
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
