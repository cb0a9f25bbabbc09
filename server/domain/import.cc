#include "domain/import.h"

#include "domain/resources.h"

namespace podmeta::domain {

void ApplyImportedPodcast(const v1::Podcast& imported, v1::Podcast& stored) {
  stored.set_title(imported.title());
  stored.set_description(imported.description());
  *stored.mutable_people() = imported.people();
}

void ApplyImportedEpisode(const v1::Episode& imported, v1::Episode& stored) {
  if (imported.has_number()) {
    stored.set_number(imported.number());
  } else {
    stored.clear_number();
  }
  stored.set_type(imported.type());
  stored.set_title(imported.title());
  stored.set_description(imported.description());
  *stored.mutable_publish_time() = imported.publish_time();
  *stored.mutable_duration() = imported.duration();
  stored.set_snip_count(imported.snip_count());
  ReplaceImportedChapters(imported.chapters(), stored);
  stored.set_chapters_source(ShowPageChaptersSource(imported));
}

v1::Episode::ChaptersSource ShowPageChaptersSource(const v1::Episode& imported) {
  return imported.chapters().empty() ? v1::Episode::CHAPTERS_SOURCE_UNSPECIFIED : v1::Episode::SHOW_PAGE;
}

}  // namespace podmeta::domain
