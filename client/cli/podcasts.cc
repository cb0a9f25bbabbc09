// podmeta podcasts list|get|create|update|delete|undelete|purge
#include <iostream>

#include "command.h"

namespace podmeta::cli {
namespace {

struct ListPodcastsOptions {
  int page_size = 0;
  std::string page_token;
  bool all = false;
  bool show_deleted = false;
};

struct GetPodcastOptions {
  std::string name;
};

struct CreatePodcastOptions {
  std::string title;
  std::string id;
  std::string description;
  std::string request_id;
};

struct UpdatePodcastOptions {
  std::string name;
  Given<std::string> title;
  Given<std::string> description;
  std::string etag;
};

struct DeletePodcastOptions {
  std::string name;
  std::string etag;
  bool force = false;
};

void AddList(CLI::App& podcasts, Command& chosen) {
  auto options = std::make_shared<ListPodcastsOptions>();
  auto* list = podcasts.add_subcommand("list", "List podcasts");
  list->add_option("--page-size", options->page_size, "Podcasts per page (max 1000)");
  list->add_option("--page-token", options->page_token, "Continue from a previous page");
  list->add_flag("--all", options->all, "Fetch every page");
  list->add_flag("--show-deleted", options->show_deleted, "Include soft-deleted podcasts");
  list->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      v1::ListPodcastsRequest request;
      request.set_page_size(options->page_size);
      request.set_page_token(options->page_token);
      request.set_show_deleted(options->show_deleted);
      std::vector<v1::Podcast> found;
      std::string next;
      do {
        auto page = context.client.ListPodcasts(request);
        if (!page.ok()) return ReportError(page.status());
        found.insert(found.end(), page->podcasts().begin(), page->podcasts().end());
        next = page->next_page_token();
        request.set_page_token(next);
      } while (options->all && !next.empty());
      PrintPodcasts(found, context.format);
      if (!next.empty() && context.format == Format::kTable) std::cout << "next page: --page-token " << next << '\n';
      return kExitOk;
    };
  });
}

void AddGet(CLI::App& podcasts, Command& chosen) {
  auto options = std::make_shared<GetPodcastOptions>();
  auto* get = podcasts.add_subcommand("get", "Show one podcast");
  get->add_option("NAME", options->name, "podcasts/{podcast} or just {podcast}")->required();
  get->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      return Finish(context.client.GetPodcast(PodcastName(options->name)),
                    [&](const v1::Podcast& podcast) { PrintPodcast(podcast, context.format); });
    };
  });
}

void AddCreate(CLI::App& podcasts, Command& chosen) {
  auto options = std::make_shared<CreatePodcastOptions>();
  auto* create = podcasts.add_subcommand("create", "Create a podcast");
  create->add_option("--title", options->title, "Title")->required();
  create->add_option("--id", options->id, "Id (default: the title's slug)");
  create->add_option("--description", options->description, "Description");
  create->add_option("--request-id", options->request_id, "Idempotency key (default: random)");
  create->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      v1::CreatePodcastRequest request;
      request.mutable_podcast()->set_title(options->title);
      request.mutable_podcast()->set_description(options->description);
      request.set_podcast_id(options->id);
      request.set_request_id(options->request_id);
      return Finish(context.client.CreatePodcast(request),
                    [&](const v1::Podcast& podcast) { PrintPodcast(podcast, context.format); });
    };
  });
}

void AddUpdate(CLI::App& podcasts, Command& chosen) {
  auto options = std::make_shared<UpdatePodcastOptions>();
  auto* update = podcasts.add_subcommand("update", "Change a podcast's title or description");
  update->add_option("NAME", options->name, "The podcast")->required();
  options->title.option = update->add_option("--title", options->title.value, "New title");
  options->description.option = update->add_option("--description", options->description.value, "New description");
  update->add_option("--etag", options->etag, "Fail with ABORTED unless the podcast still has this etag");
  update->callback([options, &chosen] {
    chosen.run = [options](Context& context) {
      v1::UpdatePodcastRequest request;
      request.mutable_podcast()->set_name(PodcastName(options->name));
      request.mutable_podcast()->set_etag(options->etag);
      if (options->title.given()) {
        request.mutable_podcast()->set_title(options->title.value);
        request.mutable_update_mask()->add_paths("title");
      }
      if (options->description.given()) {
        request.mutable_podcast()->set_description(options->description.value);
        request.mutable_update_mask()->add_paths("description");
      }
      if (request.update_mask().paths().empty()) {
        return ReportError(absl::InvalidArgumentError("nothing to update: give --title or --description"));
      }
      return Finish(context.client.UpdatePodcast(request),
                    [&](const v1::Podcast& podcast) { PrintPodcast(podcast, context.format); });
    };
  });
}

void AddDelete(CLI::App& podcasts, Command& chosen, bool undelete) {
  auto options = std::make_shared<DeletePodcastOptions>();
  auto* command = podcasts.add_subcommand(undelete ? "undelete" : "delete",
                                          undelete ? "Restore a soft-deleted podcast" : "Soft-delete a podcast");
  command->add_option("NAME", options->name, "The podcast")->required();
  command->add_option("--etag", options->etag, "Fail with ABORTED unless the podcast still has this etag");
  if (!undelete) {
    command->add_flag("--force", options->force,
                      "Also soft-delete the podcast's episodes (without it, a podcast with episodes is not deleted)");
  }
  command->callback([options, &chosen, undelete] {
    chosen.run = [options, undelete](Context& context) {
      const std::string name = PodcastName(options->name);
      v1::DeletePodcastRequest request;
      request.set_name(name);
      request.set_etag(options->etag);
      request.set_force(options->force);
      return Finish(
          undelete ? context.client.UndeletePodcast(name, options->etag) : context.client.DeletePodcast(request),
          [&](const v1::Podcast& podcast) { PrintPodcast(podcast, context.format); });
    };
  });
}

}  // namespace

void AddPodcasts(CLI::App& app, Command& chosen) {
  auto* podcasts = app.add_subcommand("podcasts", "Shows: list, get, create, update, delete, undelete, purge");
  podcasts->require_subcommand(1);
  AddList(*podcasts, chosen);
  AddGet(*podcasts, chosen);
  AddCreate(*podcasts, chosen);
  AddUpdate(*podcasts, chosen);
  AddDelete(*podcasts, chosen, /*undelete=*/false);
  AddDelete(*podcasts, chosen, /*undelete=*/true);
  AddPurge<v1::PurgePodcastRequest>(
      *podcasts, chosen, "podcast, with its episodes,", PodcastName,
      [](Client& client, const v1::PurgePodcastRequest& request) { return client.PurgePodcast(request); });
}

}  // namespace podmeta::cli
