// What importing a show page changes: the fields a page carries are written
// over what is stored; everything else (guids, people on episodes, images,
// explicit chapter ends set through the API) is left alone. Applying the same
// page twice changes nothing the second time.
#pragma once

#include "podmeta/v1/resources.pb.h"

namespace podmeta::domain {

// An import's answer names at most this many episodes per list (created,
// updated, unchanged); its counts are whole.
inline constexpr int kMaxImportNamesPerList = 1000;

// Records an episode of an import's answer (ImportShowPageResponse or
// ImportFeedResponse): counted, and named while the list has room.
enum class ImportOutcome { kCreated, kUpdated, kUnchanged };
template <typename Response>
void RecordImported(Response& response, ImportOutcome outcome, std::string name) {
  auto record = [&name](int32_t& count, google::protobuf::RepeatedPtrField<std::string>& names) {
    ++count;
    if (names.size() < kMaxImportNamesPerList) names.Add(std::move(name));
  };
  int32_t count = 0;
  switch (outcome) {
    case ImportOutcome::kCreated:
      count = response.created_count();
      record(count, *response.mutable_created_episodes());
      response.set_created_count(count);
      break;
    case ImportOutcome::kUpdated:
      count = response.updated_count();
      record(count, *response.mutable_updated_episodes());
      response.set_updated_count(count);
      break;
    case ImportOutcome::kUnchanged:
      count = response.unchanged_count();
      record(count, *response.mutable_unchanged_episodes());
      response.set_unchanged_count(count);
      break;
  }
}

void ApplyImportedPodcast(const v1::Podcast& imported, v1::Podcast& stored);
void ApplyImportedEpisode(const v1::Episode& imported, v1::Episode& stored);

// A show page's outline is SHOW_PAGE chapters (replacing any others: the
// page is what its publisher wrote).
v1::Episode::ChaptersSource ShowPageChaptersSource(const v1::Episode& imported);

}  // namespace podmeta::domain
