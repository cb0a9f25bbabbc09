// podmeta: the command-line client. Subcommands mirror the API (see
// `podmeta --help`); output is a table for people or canonical protobuf JSON
// (`--output json`) for scripts; exit codes: 0 ok, 2 usage, 3 not found,
// 4 invalid input, 5 unavailable, 1 anything else.
#include <CLI/CLI.hpp>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "output.h"
#include "podmeta/client.h"

namespace podmeta::cli {
namespace {

using google::protobuf::util::TimeUtil;

struct GlobalOptions {
  std::string server = "127.0.0.1:50051";
  std::string token;
  bool tls = false;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  std::string output = "table";
  double timeout_seconds = 10;
};

// "core-py" → "podcasts/core-py"; full names pass through.
std::string PodcastName(const std::string& argument) {
  return absl::StartsWith(argument, "podcasts/") ? argument : "podcasts/" + argument;
}

// "core-py/14" → "podcasts/core-py/episodes/14"; full names pass through.
std::string EpisodeName(const std::string& argument) {
  if (absl::StartsWith(argument, "podcasts/")) return argument;
  std::vector<std::string> parts = absl::StrSplit(argument, '/');
  return parts.size() == 2 ? "podcasts/" + parts[0] + "/episodes/" + parts[1] : argument;
}

// A year: beyond it a deadline overflows the clock's arithmetic.
constexpr double kMaxTimeoutSeconds = 365.0 * 24 * 3600;
constexpr double kImportTimeoutSeconds = 600;

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::stringstream content;
  if (path == "-") {
    content << std::cin.rdbuf();
  } else {
    std::ifstream file(path, std::ios::binary);
    if (!file) return absl::NotFoundError("cannot read " + path);
    content << file.rdbuf();
  }
  return content.str();
}

absl::Status ParseJsonInto(const std::string& path, google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = ReadInput(path);
  if (!json.ok()) return json.status();
  auto parsed = google::protobuf::util::JsonStringToMessage(*json, &message);
  if (!parsed.ok()) return absl::InvalidArgumentError(path + ": " + std::string(parsed.message()));
  return absl::OkStatus();
}

absl::Status SetTime(const std::string& text, google::protobuf::Timestamp* time) {
  if (!TimeUtil::FromString(text, time)) {
    return absl::InvalidArgumentError("--publish-time: \"" + text + "\" is not RFC 3339 (e.g. 2024-09-03T00:00:00Z)");
  }
  return absl::OkStatus();
}

absl::Status SetDuration(const std::string& text, google::protobuf::Duration* duration) {
  absl::Duration parsed;
  if (!absl::ParseDuration(text, &parsed) || parsed < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--duration: \"" + text + "\" is not a duration (e.g. 1h31m, 5460s)");
  }
  *duration = TimeUtil::MillisecondsToDuration(absl::ToInt64Milliseconds(parsed));
  return absl::OkStatus();
}

class Cli {
 public:
  Cli() : app_("podmeta: command-line client for the podmeta episode and chapter metadata service") {
    app_.require_subcommand(1);
    app_.fallthrough();  // global options may follow the subcommand too
    app_.add_option("--server", global_.server, "Server address, HOST:PORT or unix:PATH")
        ->envname("PODMETA_SERVER")
        ->capture_default_str();
    app_.add_option("--token", global_.token, "Bearer token for writes")->envname("PODMETA_TOKEN");
    app_.add_flag("--tls", global_.tls, "Connect with TLS (system CA roots unless --tls-ca)")->envname("PODMETA_TLS");
    app_.add_option("--tls-ca", global_.tls_ca, "CA certificate (PEM) to verify the server with; implies --tls")
        ->envname("PODMETA_TLS_CA");
    app_.add_option("--tls-cert", global_.tls_cert, "Client certificate (PEM) for mutual TLS")
        ->envname("PODMETA_TLS_CERT");
    app_.add_option("--tls-key", global_.tls_key, "Client private key (PEM) for mutual TLS")
        ->envname("PODMETA_TLS_KEY");
    app_.add_option("--output,-o", global_.output, "Output format")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    timeout_ =
        app_.add_option("--timeout", global_.timeout_seconds, "Seconds each call may take (import: 600 unless given)")
            ->check(CLI::Range(0.001, kMaxTimeoutSeconds))
            ->capture_default_str();
    AddImport();
    AddPodcasts();
    AddEpisodes();
    AddChapters();
    AddSearch();
    AddWatch();
  }

  int Run(int argc, char** argv) {
    try {
      app_.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
      const int code = app_.exit(error);
      return code == 0 ? kExitOk : kExitUsage;
    }
    ClientOptions options;
    options.address = global_.server;
    options.token = global_.token;
    // An import may take as long as the server allows a call (its
    // --max-call-ms), longer than a read: it waits unless told otherwise.
    const double timeout_seconds =
        import_->parsed() && timeout_->count() == 0 ? kImportTimeoutSeconds : global_.timeout_seconds;
    options.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000));
    options.tls = global_.tls || !global_.tls_ca.empty();
    for (auto [path, pem] : {std::pair{&global_.tls_ca, &options.tls_root_certs_pem},
                             std::pair{&global_.tls_cert, &options.tls_cert_chain_pem},
                             std::pair{&global_.tls_key, &options.tls_private_key_pem}}) {
      if (path->empty()) continue;
      absl::StatusOr<std::string> content = ReadInput(*path);
      if (!content.ok()) return ReportError(content.status());
      *pem = *std::move(content);
    }
    client_ = std::make_unique<Client>(options);
    format_ = global_.output == "json" ? Format::kJson : Format::kTable;
    return run_();
  }

 private:
  // Prints the result or reports the error; returns the exit code.
  template <typename Message, typename Print>
  static int Finish(const absl::StatusOr<Message>& result, Print print) {
    if (!result.ok()) return ReportError(result.status());
    print(*result);
    return kExitOk;
  }

  void AddImport() {
    auto* command = app_.add_subcommand("import", "Import a show page (e.g. examples/data/core-py.txt)");
    import_ = command;
    auto* file = &strings_["file"];
    command->add_option("FILE", *file, "The page's text file, or - for standard input")->required();
    command->add_flag("--dry-run", flags_["dry-run"], "Validate and report what would change; write nothing");
    command->add_flag("--allow-partial", flags_["allow-partial"],
                      "Import the valid episodes and report the rest, instead of all-or-nothing");
    command->callback([this, file] {
      run_ = [this, file] {
        absl::StatusOr<std::string> content = ReadInput(*file);
        if (!content.ok()) return ReportError(content.status());
        v1::ImportShowPageRequest request;
        request.set_content(*content);
        request.set_dry_run(flags_["dry-run"]);
        request.set_allow_partial(flags_["allow-partial"]);
        return Finish(client_->ImportShowPage(request), [&](const v1::ImportShowPageResponse& response) {
          PrintImport(response, request.dry_run(), format_);
        });
      };
    });
  }

  void AddPodcasts() {
    auto* podcasts = app_.add_subcommand("podcasts", "Shows: list, get, create, update, delete, undelete");
    podcasts->require_subcommand(1);

    auto* list = podcasts->add_subcommand("list", "List podcasts");
    list->add_option("--page-size", integers_["page-size"], "Podcasts per page (max 1000)");
    list->add_option("--page-token", strings_["page-token"], "Continue from a previous page");
    list->add_flag("--all", flags_["all"], "Fetch every page");
    list->add_flag("--show-deleted", flags_["show-deleted"], "Include soft-deleted podcasts");
    list->callback([this] {
      run_ = [this] {
        v1::ListPodcastsRequest request;
        request.set_page_size(integers_["page-size"]);
        request.set_page_token(strings_["page-token"]);
        request.set_show_deleted(flags_["show-deleted"]);
        std::vector<v1::Podcast> found;
        std::string next;
        do {
          auto page = client_->ListPodcasts(request);
          if (!page.ok()) return ReportError(page.status());
          found.insert(found.end(), page->podcasts().begin(), page->podcasts().end());
          next = page->next_page_token();
          request.set_page_token(next);
        } while (flags_["all"] && !next.empty());
        PrintPodcasts(found, format_);
        if (!next.empty() && format_ == Format::kTable) std::cout << "next page: --page-token " << next << '\n';
        return kExitOk;
      };
    });

    auto* get = podcasts->add_subcommand("get", "Show one podcast");
    get->add_option("NAME", strings_["name"], "podcasts/{podcast} or just {podcast}")->required();
    get->callback([this] {
      run_ = [this] {
        return Finish(client_->GetPodcast(PodcastName(strings_["name"])),
                      [&](const v1::Podcast& podcast) { PrintPodcast(podcast, format_); });
      };
    });

    auto* create = podcasts->add_subcommand("create", "Create a podcast");
    create->add_option("--title", strings_["title"], "Title")->required();
    create->add_option("--id", strings_["id"], "Id (default: the title's slug)");
    create->add_option("--description", strings_["description"], "Description");
    create->add_option("--request-id", strings_["request-id"], "Idempotency key (default: random)");
    create->callback([this] {
      run_ = [this] {
        v1::CreatePodcastRequest request;
        request.mutable_podcast()->set_title(strings_["title"]);
        request.mutable_podcast()->set_description(strings_["description"]);
        request.set_podcast_id(strings_["id"]);
        request.set_request_id(strings_["request-id"]);
        return Finish(client_->CreatePodcast(request),
                      [&](const v1::Podcast& podcast) { PrintPodcast(podcast, format_); });
      };
    });

    auto* update = podcasts->add_subcommand("update", "Change a podcast's title or description");
    update->add_option("NAME", strings_["name"], "The podcast")->required();
    auto* title = update->add_option("--title", strings_["title"], "New title");
    auto* description = update->add_option("--description", strings_["description"], "New description");
    update->add_option("--etag", strings_["etag"], "Fail with ABORTED unless the podcast still has this etag");
    update->callback([this, title, description] {
      run_ = [this, title, description] {
        v1::UpdatePodcastRequest request;
        request.mutable_podcast()->set_name(PodcastName(strings_["name"]));
        request.mutable_podcast()->set_etag(strings_["etag"]);
        if (title->count() > 0) {
          request.mutable_podcast()->set_title(strings_["title"]);
          request.mutable_update_mask()->add_paths("title");
        }
        if (description->count() > 0) {
          request.mutable_podcast()->set_description(strings_["description"]);
          request.mutable_update_mask()->add_paths("description");
        }
        if (request.update_mask().paths().empty()) {
          return ReportError(absl::InvalidArgumentError("nothing to update: give --title or --description"));
        }
        return Finish(client_->UpdatePodcast(request),
                      [&](const v1::Podcast& podcast) { PrintPodcast(podcast, format_); });
      };
    });

    for (const bool undelete : {false, true}) {
      auto* command = podcasts->add_subcommand(undelete ? "undelete" : "delete",
                                               undelete ? "Restore a soft-deleted podcast" : "Soft-delete a podcast");
      command->add_option("NAME", strings_["name"], "The podcast")->required();
      command->add_option("--etag", strings_["etag"], "Fail with ABORTED unless the podcast still has this etag");
      command->callback([this, undelete] {
        run_ = [this, undelete] {
          const std::string name = PodcastName(strings_["name"]);
          return Finish(undelete ? client_->UndeletePodcast(name, strings_["etag"])
                                 : client_->DeletePodcast(name, strings_["etag"]),
                        [&](const v1::Podcast& podcast) { PrintPodcast(podcast, format_); });
        };
      });
    }
  }

  void AddEpisodes() {
    auto* episodes = app_.add_subcommand("episodes", "Episodes: list, get, create, update, delete, undelete");
    episodes->require_subcommand(1);

    auto* list = episodes->add_subcommand("list", "List a podcast's episodes, newest first");
    list->add_option("PODCAST", strings_["podcast"], "podcasts/{podcast} or just {podcast}")->required();
    list->add_option("--filter", strings_["filter"], "AIP-160 filter");
    list->add_option("--order-by", strings_["order-by"], "Sort order, e.g. \"publish_time desc\"");
    list->add_option("--page-size", integers_["page-size"], "Episodes per page (max 1000)");
    list->add_option("--page-token", strings_["page-token"], "Continue from a previous page");
    list->add_flag("--all", flags_["all"], "Fetch every page");
    list->add_flag("--show-deleted", flags_["show-deleted"], "Include soft-deleted episodes");
    list->callback([this] {
      run_ = [this] {
        v1::ListEpisodesRequest request;
        request.set_parent(PodcastName(strings_["podcast"]));
        request.set_filter(strings_["filter"]);
        request.set_order_by(strings_["order-by"]);
        request.set_page_size(integers_["page-size"]);
        request.set_page_token(strings_["page-token"]);
        request.set_show_deleted(flags_["show-deleted"]);
        std::vector<v1::Episode> found;
        if (flags_["all"]) {
          absl::Status listed =
              client_->ForEachEpisode(request, [&](const v1::Episode& episode) { found.push_back(episode); });
          if (!listed.ok()) return ReportError(listed);
          PrintEpisodes(found, static_cast<int32_t>(found.size()), format_);
          return kExitOk;
        }
        auto page = client_->ListEpisodes(request);
        if (!page.ok()) return ReportError(page.status());
        found.assign(page->episodes().begin(), page->episodes().end());
        PrintEpisodes(found, page->total_size(), format_);
        if (!page->next_page_token().empty() && format_ == Format::kTable) {
          std::cout << "next page: --page-token " << page->next_page_token() << '\n';
        }
        return kExitOk;
      };
    });

    auto* get = episodes->add_subcommand("get", "Show one episode");
    get->add_option("NAME", strings_["name"], "podcasts/{podcast}/episodes/{episode} or {podcast}/{episode}")
        ->required();
    get->callback([this] {
      run_ = [this] {
        return Finish(client_->GetEpisode(EpisodeName(strings_["name"])),
                      [&](const v1::Episode& episode) { PrintEpisode(episode, format_); });
      };
    });

    auto* create = episodes->add_subcommand("create", "Create an episode (fields from flags or a JSON file)");
    create->add_option("PODCAST", strings_["podcast"], "The podcast")->required();
    create->add_option("--json", strings_["json"], "An Episode in protobuf JSON (with chapters), or - for stdin");
    AddEpisodeFieldOptions(create);
    create->add_option("--id", strings_["id"], "Episode id (default: its number, else its title's slug)");
    create->add_option("--request-id", strings_["request-id"], "Idempotency key (default: random)");
    create->callback([this, create] {
      run_ = [this, create] {
        v1::CreateEpisodeRequest request;
        request.set_parent(PodcastName(strings_["podcast"]));
        request.set_episode_id(strings_["id"]);
        request.set_request_id(strings_["request-id"]);
        if (!strings_["json"].empty()) {
          if (absl::Status parsed = ParseJsonInto(strings_["json"], *request.mutable_episode()); !parsed.ok()) {
            return ReportError(parsed);
          }
        }
        google::protobuf::FieldMask ignored;
        if (absl::Status set = ApplyEpisodeFieldOptions(create, *request.mutable_episode(), ignored); !set.ok()) {
          return ReportError(set);
        }
        return Finish(client_->CreateEpisode(request),
                      [&](const v1::Episode& episode) { PrintEpisode(episode, format_); });
      };
    });

    auto* update = episodes->add_subcommand("update", "Change an episode's fields");
    update->add_option("NAME", strings_["name"], "The episode")->required();
    update->add_option("--json", strings_["json"], "New field values as an Episode in protobuf JSON");
    update->add_option("--update-mask", strings_["update-mask"], "Comma-separated fields to take from --json");
    AddEpisodeFieldOptions(update);
    update->add_option("--etag", strings_["etag"], "Fail with ABORTED unless the episode still has this etag");
    update->callback([this, update] {
      run_ = [this, update] {
        v1::UpdateEpisodeRequest request;
        if (!strings_["json"].empty()) {
          if (absl::Status parsed = ParseJsonInto(strings_["json"], *request.mutable_episode()); !parsed.ok()) {
            return ReportError(parsed);
          }
          for (absl::string_view path : absl::StrSplit(strings_["update-mask"], ',', absl::SkipEmpty())) {
            request.mutable_update_mask()->add_paths(std::string(path));
          }
        }
        request.mutable_episode()->set_name(EpisodeName(strings_["name"]));
        request.mutable_episode()->set_etag(strings_["etag"]);
        if (absl::Status set =
                ApplyEpisodeFieldOptions(update, *request.mutable_episode(), *request.mutable_update_mask());
            !set.ok()) {
          return ReportError(set);
        }
        if (request.update_mask().paths().empty()) {
          return ReportError(
              absl::InvalidArgumentError("nothing to update: give field flags or --json with --update-mask"));
        }
        return Finish(client_->UpdateEpisode(request),
                      [&](const v1::Episode& episode) { PrintEpisode(episode, format_); });
      };
    });

    for (const bool undelete : {false, true}) {
      auto* command = episodes->add_subcommand(undelete ? "undelete" : "delete",
                                               undelete ? "Restore a soft-deleted episode" : "Soft-delete an episode");
      command->add_option("NAME", strings_["name"], "The episode")->required();
      command->add_option("--etag", strings_["etag"], "Fail with ABORTED unless the episode still has this etag");
      command->callback([this, undelete] {
        run_ = [this, undelete] {
          const std::string name = EpisodeName(strings_["name"]);
          return Finish(undelete ? client_->UndeleteEpisode(name, strings_["etag"])
                                 : client_->DeleteEpisode(name, strings_["etag"]),
                        [&](const v1::Episode& episode) { PrintEpisode(episode, format_); });
        };
      });
    }
  }

  void AddEpisodeFieldOptions(CLI::App* command) {
    field_options_[command] = {
        command->add_option("--title", strings_["title"], "Title"),
        command->add_option("--description", strings_["description"], "Description"),
        command->add_option("--number", integers_["number"], "Episode number"),
        command->add_option("--publish-time", strings_["publish-time"], "RFC 3339, e.g. 2024-09-03T00:00:00Z"),
        command->add_option("--duration", strings_["duration"], "e.g. 1h31m or 5460s"),
    };
  }

  // Copies the field flags given into the episode and names them in `mask`.
  absl::Status ApplyEpisodeFieldOptions(CLI::App* command, v1::Episode& episode, google::protobuf::FieldMask& mask) {
    const std::vector<CLI::Option*>& options = field_options_.at(command);
    auto given = [&](int index) { return options[static_cast<size_t>(index)]->count() > 0; };
    if (given(0)) {
      episode.set_title(strings_["title"]);
      mask.add_paths("title");
    }
    if (given(1)) {
      episode.set_description(strings_["description"]);
      mask.add_paths("description");
    }
    if (given(2)) {
      episode.set_number(integers_["number"]);
      mask.add_paths("number");
    }
    if (given(3)) {
      if (absl::Status set = SetTime(strings_["publish-time"], episode.mutable_publish_time()); !set.ok()) return set;
      mask.add_paths("publish_time");
    }
    if (given(4)) {
      if (absl::Status set = SetDuration(strings_["duration"], episode.mutable_duration()); !set.ok()) return set;
      mask.add_paths("duration");
    }
    return absl::OkStatus();
  }

  void AddChapters() {
    auto* chapters = app_.add_subcommand("chapters", "An episode's chapters");
    chapters->require_subcommand(1);
    auto* list = chapters->add_subcommand("list", "List an episode's chapters with their parts");
    list->add_option("EPISODE", strings_["name"], "podcasts/{podcast}/episodes/{episode} or {podcast}/{episode}")
        ->required();
    list->callback([this] {
      run_ = [this] {
        return Finish(client_->GetEpisode(EpisodeName(strings_["name"])),
                      [&](const v1::Episode& episode) { PrintChapters(episode, format_); });
      };
    });

    const std::map<std::string, v1::ChapterFormat> formats = {{"podcasting2", v1::PODCASTING2_JSON},
                                                              {"psc", v1::PODLOVE_SIMPLE_CHAPTERS},
                                                              {"webvtt", v1::WEBVTT},
                                                              {"text", v1::PLAIN_TEXT}};
    auto* exported = chapters->add_subcommand("export", "Print an episode's chapters as a chapter file");
    exported->add_option("EPISODE", strings_["name"], "The episode")->required();
    exported->add_option("--format", chapter_format_, "podcasting2 (JSON), psc (Podlove XML), webvtt, text")
        ->required()
        ->transform(CLI::CheckedTransformer(formats));
    exported->callback([this] {
      run_ = [this] {
        v1::ExportChaptersRequest request;
        request.set_name(EpisodeName(strings_["name"]));
        request.set_format(chapter_format_);
        return Finish(client_->ExportChapters(request),
                      [](const v1::ExportChaptersResponse& response) { std::cout << response.content(); });
      };
    });

    auto* set = chapters->add_subcommand("set", "Replace an episode's chapters with those of a chapter file");
    set->add_option("EPISODE", strings_["name"], "The episode")->required();
    set->add_option("FILE", strings_["file"], "A chapter file in any export format (detected), or - for stdin")
        ->required();
    set->add_option("--format", chapter_format_, "The file's format, when detection is not wanted")
        ->transform(CLI::CheckedTransformer(formats));
    set->add_option("--etag", strings_["etag"], "Fail with ABORTED unless the episode still has this etag");
    set->callback([this] {
      run_ = [this] {
        absl::StatusOr<std::string> content = ReadInput(strings_["file"]);
        if (!content.ok()) return ReportError(content.status());
        if (absl::StripAsciiWhitespace(*content).empty()) {
          // An empty pipe or file is a mistake far more often than a wish
          // to remove every chapter (ReplaceChapters with an empty list does that).
          return ReportError(absl::InvalidArgumentError(strings_["file"] + " is empty: no chapters to set"));
        }
        v1::ImportChaptersRequest request;
        request.set_name(EpisodeName(strings_["name"]));
        request.set_content(*content);
        request.set_format(chapter_format_);
        request.set_etag(strings_["etag"]);
        return Finish(client_->ImportChapters(request),
                      [&](const v1::Episode& episode) { PrintChapters(episode, format_); });
      };
    });
  }

  void AddSearch() {
    auto* search = app_.add_subcommand("search", "Find episodes and chapters by words (web-search syntax)");
    search->add_option("QUERY", strings_["query"], "Words; \"quoted phrase\", or, -excluded")->required();
    search->add_option("--podcast", strings_["podcast"], "Search one podcast only");
    search->add_option("--page-size", integers_["page-size"], "Hits per page (max 1000)");
    search->add_option("--page-token", strings_["page-token"], "Continue from a previous page");
    search->callback([this] {
      run_ = [this] {
        v1::SearchEpisodesRequest request;
        if (!strings_["podcast"].empty()) request.set_parent(PodcastName(strings_["podcast"]));
        request.set_query(strings_["query"]);
        request.set_page_size(integers_["page-size"]);
        request.set_page_token(strings_["page-token"]);
        return Finish(client_->SearchEpisodes(request),
                      [&](const v1::SearchEpisodesResponse& response) { PrintSearch(response, format_); });
      };
    });
  }

  void AddWatch() {
    auto* watch = app_.add_subcommand(
        "watch",
        "Print a podcast's episode changes as they happen (Ctrl-C stops); with -o json, one JSON object "
        "per line (JSON Lines)");
    watch->add_option("PODCAST", strings_["podcast"], "The podcast")->required();
    watch->add_option("--resume-token", strings_["resume-token"], "Continue after the event with this token");
    watch->callback([this] {
      run_ = [this] {
        v1::WatchEpisodesRequest request;
        request.set_parent(PodcastName(strings_["podcast"]));
        request.set_resume_token(strings_["resume-token"]);
        absl::Status status = client_->WatchEpisodes(
            request, [&](const v1::EpisodeChange& change) { PrintChange(change, format_); }, nullptr,
            [] { std::cerr << "watching; Ctrl-C stops\n"; });
        return ReportError(status);
      };
    });
  }

  CLI::App app_;
  CLI::App* import_ = nullptr;
  CLI::Option* timeout_ = nullptr;
  GlobalOptions global_;
  std::map<std::string, std::string> strings_;
  std::map<std::string, int> integers_;
  std::map<std::string, bool> flags_;
  std::map<CLI::App*, std::vector<CLI::Option*>> field_options_;
  v1::ChapterFormat chapter_format_ = v1::CHAPTER_FORMAT_UNSPECIFIED;
  std::function<int()> run_;
  std::unique_ptr<Client> client_;
  Format format_ = Format::kTable;
};

}  // namespace
}  // namespace podmeta::cli

int main(int argc, char** argv) { return podmeta::cli::Cli().Run(argc, argv); }
