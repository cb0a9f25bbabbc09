// podmeta episodes list|get|create|update|delete|undelete|purge
#include <iostream>

#include "absl/strings/str_split.h"
#include "command.h"

namespace podmeta::cli {
namespace {

struct ListEpisodesOptions {
  std::string podcast;
  std::string filter;
  std::string order_by;
  int page_size = 0;
  std::string page_token;
  bool all = false;
  bool show_deleted = false;
  std::string view = "basic";
};

struct GetEpisodeOptions {
  std::string name;
};

// The field flags of create and update.
struct EpisodeFields {
  Given<std::string> title;
  Given<std::string> description;
  Given<int> number;
  Given<std::string> publish_time;
  Given<std::string> duration;
};

struct CreateEpisodeOptions {
  std::string podcast;
  std::string json;
  EpisodeFields fields;
  std::string id;
  std::string request_id;
};

struct UpdateEpisodeOptions {
  std::string name;
  std::string json;
  std::string update_mask;
  EpisodeFields fields;
  std::string etag;
};

struct DeleteEpisodeOptions {
  std::string name;
  std::string etag;
};

void AddFieldOptions(CLI::App& command, EpisodeFields& fields) {
  fields.title.option = command.add_option("--title", fields.title.value, "Title");
  fields.description.option = command.add_option("--description", fields.description.value, "Description");
  fields.number.option = command.add_option("--number", fields.number.value, "Episode number");
  fields.publish_time.option =
      command.add_option("--publish-time", fields.publish_time.value, "RFC 3339, e.g. 2024-09-03T00:00:00Z");
  fields.duration.option = command.add_option("--duration", fields.duration.value, "e.g. 1h31m or 5460s");
}

// Copies the field flags given into the episode and names them in `mask`.
absl::Status ApplyFields(const EpisodeFields& fields, v1::Episode& episode, google::protobuf::FieldMask& mask) {
  if (fields.title.given()) {
    episode.set_title(fields.title.value);
    mask.add_paths("title");
  }
  if (fields.description.given()) {
    episode.set_description(fields.description.value);
    mask.add_paths("description");
  }
  if (fields.number.given()) {
    episode.set_number(fields.number.value);
    mask.add_paths("number");
  }
  if (fields.publish_time.given()) {
    if (absl::Status set = SetTime(fields.publish_time.value, episode.mutable_publish_time()); !set.ok()) return set;
    mask.add_paths("publish_time");
  }
  if (fields.duration.given()) {
    if (absl::Status set = SetDuration(fields.duration.value, episode.mutable_duration()); !set.ok()) return set;
    mask.add_paths("duration");
  }
  return absl::OkStatus();
}

void AddList(CLI::App& episodes, Command& chosen) {
  auto options = std::make_shared<ListEpisodesOptions>();
  auto* list = episodes.add_subcommand("list", "List a podcast's episodes, newest first");
  list->add_option("PODCAST", options->podcast, "podcasts/{podcast} or just {podcast}")->required();
  list->add_option("--filter", options->filter, "AIP-160 filter");
  list->add_option("--order-by", options->order_by, "Sort order, e.g. \"publish_time desc\"");
  list->add_option("--page-size", options->page_size, "Episodes per page (max 1000)");
  list->add_option("--page-token", options->page_token, "Continue from a previous page");
  list->add_flag("--all", options->all, "Fetch every page");
  list->add_flag("--show-deleted", options->show_deleted, "Include soft-deleted episodes");
  list->add_option("--view", options->view, "basic (without chapters and show notes) or full")
      ->check(CLI::IsMember({"basic", "full"}));
  list->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      v1::ListEpisodesRequest request;
      request.set_parent(PodcastName(options->podcast));
      request.set_filter(options->filter);
      request.set_order_by(options->order_by);
      request.set_page_size(options->page_size);
      request.set_page_token(options->page_token);
      request.set_show_deleted(options->show_deleted);
      request.set_view(options->view == "full" ? v1::EPISODE_VIEW_FULL : v1::EPISODE_VIEW_BASIC);
      std::vector<v1::Episode> found;
      if (options->all) {
        absl::Status listed =
            context.client.ForEachEpisode(request, [&](const v1::Episode& episode) { found.push_back(episode); });
        if (!listed.ok()) return ReportError(listed);
        PrintEpisodes(found, static_cast<int32_t>(found.size()), context.format);
        return kExitOk;
      }
      auto page = context.client.ListEpisodes(request);
      if (!page.ok()) return ReportError(page.status());
      found.assign(page->episodes().begin(), page->episodes().end());
      PrintEpisodes(found, page->total_size(), context.format);
      if (!page->next_page_token().empty() && context.format == Format::kTable) {
        std::cout << "next page: --page-token " << page->next_page_token() << '\n';
      }
      return kExitOk;
    };
  });
}

void AddGet(CLI::App& episodes, Command& chosen) {
  auto options = std::make_shared<GetEpisodeOptions>();
  auto* get = episodes.add_subcommand("get", "Show one episode");
  get->add_option("NAME", options->name, "podcasts/{podcast}/episodes/{episode} or {podcast}/{episode}")->required();
  get->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      return Finish(context.client.GetEpisode(EpisodeName(options->name)),
                    [&](const v1::Episode& episode) { PrintEpisode(episode, context.format); });
    };
  });
}

void AddCreate(CLI::App& episodes, Command& chosen) {
  auto options = std::make_shared<CreateEpisodeOptions>();
  auto* create = episodes.add_subcommand("create", "Create an episode (fields from flags or a JSON file)");
  create->add_option("PODCAST", options->podcast, "The podcast")->required();
  create->add_option("--json", options->json, "An Episode in protobuf JSON (with chapters), or - for stdin");
  AddFieldOptions(*create, options->fields);
  create->add_option("--id", options->id, "Episode id (default: its number, else its title's slug)");
  create->add_option("--request-id", options->request_id, "Idempotency key (default: random)");
  create->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      v1::CreateEpisodeRequest request;
      request.set_parent(PodcastName(options->podcast));
      request.set_episode_id(options->id);
      request.set_request_id(options->request_id);
      if (!options->json.empty()) {
        if (absl::Status parsed = ParseJsonInto(options->json, *request.mutable_episode()); !parsed.ok()) {
          return ReportError(parsed);
        }
      }
      google::protobuf::FieldMask ignored;
      if (absl::Status set = ApplyFields(options->fields, *request.mutable_episode(), ignored); !set.ok()) {
        return ReportError(set);
      }
      return Finish(context.client.CreateEpisode(request),
                    [&](const v1::Episode& episode) { PrintEpisode(episode, context.format); });
    };
  });
}

void AddUpdate(CLI::App& episodes, Command& chosen) {
  auto options = std::make_shared<UpdateEpisodeOptions>();
  auto* update = episodes.add_subcommand("update", "Change an episode's fields");
  update->add_option("NAME", options->name, "The episode")->required();
  update->add_option("--json", options->json, "New field values as an Episode in protobuf JSON");
  update->add_option("--update-mask", options->update_mask, "Comma-separated fields to take from --json");
  AddFieldOptions(*update, options->fields);
  update->add_option("--etag", options->etag, "Fail with ABORTED unless the episode still has this etag");
  update->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      v1::UpdateEpisodeRequest request;
      if (!options->json.empty()) {
        if (absl::Status parsed = ParseJsonInto(options->json, *request.mutable_episode()); !parsed.ok()) {
          return ReportError(parsed);
        }
        for (absl::string_view path : absl::StrSplit(options->update_mask, ',', absl::SkipEmpty())) {
          request.mutable_update_mask()->add_paths(std::string(path));
        }
      }
      request.mutable_episode()->set_name(EpisodeName(options->name));
      request.mutable_episode()->set_etag(options->etag);
      if (absl::Status set = ApplyFields(options->fields, *request.mutable_episode(), *request.mutable_update_mask());
          !set.ok()) {
        return ReportError(set);
      }
      if (request.update_mask().paths().empty()) {
        return ReportError(
            absl::InvalidArgumentError("nothing to update: give field flags or --json with --update-mask"));
      }
      return Finish(context.client.UpdateEpisode(request),
                    [&](const v1::Episode& episode) { PrintEpisode(episode, context.format); });
    };
  });
}

void AddDelete(CLI::App& episodes, Command& chosen, bool undelete) {
  auto options = std::make_shared<DeleteEpisodeOptions>();
  auto* command = episodes.add_subcommand(undelete ? "undelete" : "delete",
                                          undelete ? "Restore a soft-deleted episode" : "Soft-delete an episode");
  command->add_option("NAME", options->name, "The episode")->required();
  command->add_option("--etag", options->etag, "Fail with ABORTED unless the episode still has this etag");
  command->callback([options, &chosen, undelete] {
    chosen.run = [options, undelete](Context& context) {
      const std::string name = EpisodeName(options->name);
      return Finish(undelete ? context.client.UndeleteEpisode(name, options->etag)
                             : context.client.DeleteEpisode(name, options->etag),
                    [&](const v1::Episode& episode) { PrintEpisode(episode, context.format); });
    };
  });
}

}  // namespace

void AddEpisodes(CLI::App& app, Command& chosen) {
  auto* episodes = app.add_subcommand("episodes", "Episodes: list, get, create, update, delete, undelete, purge");
  episodes->require_subcommand(1);
  AddList(*episodes, chosen);
  AddGet(*episodes, chosen);
  AddCreate(*episodes, chosen);
  AddUpdate(*episodes, chosen);
  AddDelete(*episodes, chosen, /*undelete=*/false);
  AddDelete(*episodes, chosen, /*undelete=*/true);
  AddPurge<v1::PurgeEpisodeRequest>(
      *episodes, chosen, "episode", EpisodeName,
      [](Client& client, const v1::PurgeEpisodeRequest& request) { return client.PurgeEpisode(request); });
}

}  // namespace podmeta::cli
