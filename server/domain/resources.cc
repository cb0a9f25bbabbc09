#include "domain/resources.h"

#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "domain/field_masks.h"
#include "domain/limits.h"

namespace podmeta::domain {
namespace {

template <typename Resource>
void ClearOutputOnly(Resource& resource) {
  resource.clear_name();
  resource.clear_create_time();
  resource.clear_update_time();
  resource.clear_delete_time();
  resource.clear_etag();
}

absl::StatusOr<std::string> ChooseId(const std::string& requested, const std::string& derived,
                                     const std::string& id_field, const std::string& title_field) {
  if (!requested.empty()) {
    if (!IsValidId(requested)) {
      return InvalidField(id_field,
                          "must be 1 to 63 lowercase letters, digits and hyphens, starting with a letter or digit");
    }
    return requested;
  }
  if (derived.empty())
    return InvalidField(title_field, "has no letters or digits to derive an id from; set " + id_field);
  return derived;
}

}  // namespace

const std::set<std::string>& PodcastMutablePaths() {
  static const std::set<std::string> paths = {
      "title", "description", "people", "language",     "image_uri", "feed_uri", "author",   "owner",    "categories",
      "type",  "explicit",    "locked", "locked_owner", "funding",   "medium",   "link_uri", "copyright"};
  return paths;
}

const std::set<std::string>& EpisodeMutablePaths() {
  static const std::set<std::string> paths = {
      "number",       "season",           "type",           "title",       "description",
      "publish_time", "duration",         "people",         "snip_count",  "chapters",
      "enclosure",    "link_uri",         "image_uri",      "explicit",    "show_notes_html",
      "itunes_title", "season_name",      "number_display", "transcripts", "soundbites",
      "chapters_uri", "chapter_file_info"};
  return paths;
}

std::string NewGuid() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  uint64_t high = generator();
  uint64_t low = generator();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xFFFF, high & 0xFFFF, low >> 48,
                         low & 0xFFFFFFFFFFFFULL);
}

std::string NewChapterId() {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // 32: no l, o, 0, 1
  thread_local std::mt19937_64 generator{std::random_device{}()};
  uint64_t bits = generator();
  std::string id(10, ' ');
  for (char& c : id) {
    c = kAlphabet[bits & 31];
    bits >>= 5;
  }
  return id;
}

absl::Status KeepChapterIds(const google::protobuf::RepeatedPtrField<v1::Chapter>& before,
                            google::protobuf::RepeatedPtrField<v1::Chapter>& after, absl::string_view field) {
  absl::flat_hash_map<std::string, int> stored;  // id → position in before
  for (int i = 0; i < before.size(); ++i) stored.emplace(before[i].id(), i);
  std::vector<bool> claimed(static_cast<size_t>(before.size()), false);
  Violations violations;
  for (int i = 0; i < after.size(); ++i) {
    if (after[i].id().empty()) continue;
    const auto found = stored.find(after[i].id());
    const std::string path = absl::StrCat(field, "[", i, "].id");
    if (found == stored.end()) {
      violations.Add(path, absl::StrCat(Quoted(after[i].id()),
                                        " is not the id of one of the episode's chapters; leave it empty for a new "
                                        "chapter"));
    } else if (claimed[static_cast<size_t>(found->second)]) {
      violations.Add(path, absl::StrCat(Quoted(after[i].id()), " names a chapter given before in the list"));
    } else {
      claimed[static_cast<size_t>(found->second)] = true;
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  for (v1::Chapter& chapter : after) {
    if (!chapter.id().empty()) continue;
    for (int i = 0; i < before.size(); ++i) {
      if (!claimed[static_cast<size_t>(i)] && before[i].start_offset().seconds() == chapter.start_offset().seconds() &&
          before[i].start_offset().nanos() == chapter.start_offset().nanos() && before[i].title() == chapter.title()) {
        claimed[static_cast<size_t>(i)] = true;
        chapter.set_id(before[i].id());
        break;
      }
    }
  }
  return absl::OkStatus();
}

void ReplaceImportedChapters(const google::protobuf::RepeatedPtrField<v1::Chapter>& imported, v1::Episode& episode) {
  const google::protobuf::RepeatedPtrField<v1::Chapter> before = episode.chapters();
  *episode.mutable_chapters() = imported;
  for (v1::Chapter& chapter : *episode.mutable_chapters()) chapter.clear_id();
  KeepChapterIds(before, *episode.mutable_chapters(), "chapters").IgnoreError();  // no ids given: cannot fail
}

absl::StatusOr<std::string> ChoosePodcastId(const std::string& requested, const v1::Podcast& podcast) {
  return ChooseId(requested, SlugOf(podcast.title()), "podcast_id", "podcast.title");
}

absl::StatusOr<std::string> ChooseEpisodeId(const std::string& requested, const v1::Episode& episode) {
  const std::string derived =
      episode.has_number() && episode.number() >= 0 ? std::to_string(episode.number()) : SlugOf(episode.title());
  return ChooseId(requested, derived, "episode_id", "episode.title");
}

absl::Status PrepareNewPodcast(const std::string& podcast_id, v1::Podcast& podcast) {
  ClearOutputOnly(podcast);
  podcast.clear_episode_count();
  podcast.set_name(PodcastName(podcast_id));
  if (podcast.guid().empty()) podcast.set_guid(NewGuid());
  Violations violations;
  ValidatePodcast(podcast, "podcast", violations);
  return violations.ToStatus();
}

absl::Status PrepareNewEpisode(const EpisodeKey& key, v1::Episode& episode) {
  ClearOutputOnly(episode);
  episode.clear_chapters_source();
  episode.clear_chapter_count();
  episode.clear_expire_time();
  for (v1::Chapter& chapter : *episode.mutable_chapters()) chapter.clear_id();  // given when stored
  episode.set_name(EpisodeName(key));
  if (episode.guid().empty()) episode.set_guid(NewGuid());
  NormalizeChapters(*episode.mutable_chapters());
  if (!episode.chapters().empty()) episode.set_chapters_source(v1::Episode::API);
  Violations violations;
  ValidateEpisode(episode, "episode", violations);
  return violations.ToStatus();
}

namespace {

bool SameChapters(const google::protobuf::RepeatedPtrField<v1::Chapter>& a,
                  const google::protobuf::RepeatedPtrField<v1::Chapter>& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i) {
    if (a[i].SerializeAsString() != b[i].SerializeAsString()) return false;
  }
  return true;
}

// Chapters written through the API: no later import replaces them.
void MarkChaptersEdited(v1::Episode& episode) { episode.set_chapters_source(v1::Episode::API); }

}  // namespace

absl::Status ApplyPodcastUpdate(const v1::Podcast& patch, const google::protobuf::FieldMask& mask,
                                v1::Podcast& current) {
  if (absl::Status matches = CheckEtag(current.etag(), patch.etag()); !matches.ok()) return matches;
  if (absl::Status applied = ApplyFieldMask(patch, mask, PodcastMutablePaths(), current); !applied.ok()) {
    return applied;
  }
  Violations violations;
  ValidatePodcast(current, "podcast", violations);
  return violations.ToStatus();
}

absl::Status ApplyEpisodeUpdate(const v1::Episode& patch, const google::protobuf::FieldMask& mask,
                                v1::Episode& current) {
  if (absl::Status matches = CheckEtag(current.etag(), patch.etag()); !matches.ok()) return matches;
  const google::protobuf::RepeatedPtrField<v1::Chapter> chapters_before = current.chapters();
  if (absl::Status applied = ApplyFieldMask(patch, mask, EpisodeMutablePaths(), current); !applied.ok()) {
    return applied;
  }
  if (absl::Status kept = KeepChapterIds(chapters_before, *current.mutable_chapters(), "episode.chapters");
      !kept.ok()) {
    return kept;
  }
  NormalizeChapters(*current.mutable_chapters());
  if (!SameChapters(chapters_before, current.chapters())) MarkChaptersEdited(current);
  Violations violations;
  ValidateEpisode(current, "episode", violations);
  return violations.ToStatus();
}

namespace {

// The position of the chapter a request names, by id or by index.
absl::StatusOr<int> ChapterPosition(const ChapterRef& ref, const v1::Episode& episode) {
  if (!ref.chapter_id.empty()) {
    for (int i = 0; i < episode.chapters_size(); ++i) {
      if (episode.chapters(i).id() == ref.chapter_id) return i;
    }
    return Error(Reason::kChapterNotFound,
                 absl::StrCat(episode.name(), " has no chapter with id ", Quoted(ref.chapter_id),
                              " (deleted, or replaced by a ReplaceChapters or an import)"),
                 {{"episode", episode.name()}, {"chapterId", ref.chapter_id}});
  }
  if (ref.index < 0 || ref.index >= episode.chapters_size()) {
    return InvalidField("index",
                        absl::StrCat("must be between 0 and ", episode.chapters_size() - 1, ", is ", ref.index));
  }
  return ref.index;
}

absl::Status ValidateChapterList(const v1::Episode& episode) {
  Violations violations;
  ValidateChapters(episode.chapters(), episode.duration(), "chapters", violations);
  return violations.ToStatus();
}

}  // namespace

absl::Status ReplaceChapters(const google::protobuf::RepeatedPtrField<v1::Chapter>& chapters, v1::Episode& episode) {
  const google::protobuf::RepeatedPtrField<v1::Chapter> before = episode.chapters();
  *episode.mutable_chapters() = chapters;
  if (absl::Status kept = KeepChapterIds(before, *episode.mutable_chapters(), "chapters"); !kept.ok()) return kept;
  MarkChaptersEdited(episode);
  NormalizeChapters(*episode.mutable_chapters());
  return ValidateChapterList(episode);
}

absl::Status InsertChapter(const v1::Chapter& chapter, v1::Episode& episode) {
  auto& chapters = *episode.mutable_chapters();
  const int64_t start = google::protobuf::util::TimeUtil::DurationToMilliseconds(chapter.start_offset());
  int position = 0;
  while (position < chapters.size() &&
         google::protobuf::util::TimeUtil::DurationToMilliseconds(chapters[position].start_offset()) < start) {
    ++position;
  }
  *chapters.Add() = chapter;
  chapters[chapters.size() - 1].clear_id();  // a new chapter: its id is given when stored
  for (int i = chapters.size() - 1; i > position; --i) chapters.SwapElements(i, i - 1);
  MarkChaptersEdited(episode);
  NormalizeChapters(chapters);
  return ValidateChapterList(episode);
}

absl::Status UpdateChapter(const ChapterRef& ref, const v1::Chapter& patch, const google::protobuf::FieldMask& mask,
                           v1::Episode& episode) {
  absl::StatusOr<int> index = ChapterPosition(ref, episode);
  if (!index.ok()) return index.status();
  static const std::set<std::string> kChapterPaths = {"start_offset", "end_offset", "title", "image_uri",
                                                      "link_uri",     "toc",        "part",  "location"};
  if (absl::Status applied = ApplyFieldMask(patch, mask, kChapterPaths, *episode.mutable_chapters(*index));
      !applied.ok()) {
    return applied;
  }
  NormalizeChapters(*episode.mutable_chapters());
  MarkChaptersEdited(episode);
  return ValidateChapterList(episode);
}

absl::Status DeleteChapter(const ChapterRef& ref, v1::Episode& episode) {
  absl::StatusOr<int> index = ChapterPosition(ref, episode);
  if (!index.ok()) return index.status();
  episode.mutable_chapters()->DeleteSubrange(*index, 1);
  MarkChaptersEdited(episode);
  return absl::OkStatus();
}

absl::Status MarkPodcastDeleted(const std::string& etag, bool force, v1::Podcast& podcast) {
  if (absl::Status matches = CheckEtag(podcast.etag(), etag); !matches.ok()) return matches;
  if (!podcast.has_delete_time() && podcast.episode_count() > 0 && !force) {
    return Error(
        Reason::kPodcastHasEpisodes,
        absl::StrCat(podcast.name(), " has ", podcast.episode_count(),
                     " episode(s) that are not deleted; delete them first, or delete with force to delete them "
                     "too"),
        {{"podcast", podcast.name()}, {"liveEpisodes", absl::StrCat(podcast.episode_count())}});
  }
  return MarkDeleted(etag, podcast);
}

}  // namespace podmeta::domain
