#include "domain/feed_import.h"

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "domain/chapter_formats.h"
#include "domain/resource_names.h"
#include "domain/resources.h"

namespace podmeta::domain {

void ApplyFeedPodcast(const v1::Podcast& imported, v1::Podcast& stored) {
  stored.set_title(imported.title());
  stored.set_description(imported.description());
  *stored.mutable_people() = imported.people();
  stored.set_language(imported.language());
  stored.set_image_uri(imported.image_uri());
  if (!imported.feed_uri().empty()) stored.set_feed_uri(imported.feed_uri());
  stored.set_author(imported.author());
  if (imported.has_owner()) {
    *stored.mutable_owner() = imported.owner();
  } else {
    stored.clear_owner();
  }
  *stored.mutable_categories() = imported.categories();
  stored.set_type(imported.type());
  if (imported.has_explicit_()) {
    stored.set_explicit_(imported.explicit_());
  } else {
    stored.clear_explicit_();
  }
  if (imported.has_locked()) {
    stored.set_locked(imported.locked());
  } else {
    stored.clear_locked();
  }
  stored.set_locked_owner(imported.locked_owner());
  *stored.mutable_funding() = imported.funding();
  stored.set_medium(imported.medium());
  stored.set_link_uri(imported.link_uri());
  stored.set_copyright(imported.copyright());
}

void ApplyFeedEpisode(const v1::Episode& imported, v1::Episode& stored) {
  if (imported.has_number()) {
    stored.set_number(imported.number());
  } else {
    stored.clear_number();
  }
  if (imported.has_season()) {
    stored.set_season(imported.season());
  } else {
    stored.clear_season();
  }
  stored.set_type(imported.type());
  stored.set_title(imported.title());
  stored.set_description(imported.description());
  *stored.mutable_publish_time() = imported.publish_time();
  *stored.mutable_duration() = imported.duration();
  *stored.mutable_people() = imported.people();
  if (imported.has_enclosure()) {
    *stored.mutable_enclosure() = imported.enclosure();
  } else {
    stored.clear_enclosure();
  }
  stored.set_link_uri(imported.link_uri());
  stored.set_image_uri(imported.image_uri());
  if (imported.has_explicit_()) {
    stored.set_explicit_(imported.explicit_());
  } else {
    stored.clear_explicit_();
  }
  stored.set_show_notes_html(imported.show_notes_html());
  stored.set_itunes_title(imported.itunes_title());
  stored.set_season_name(imported.season_name());
  stored.set_number_display(imported.number_display());
  *stored.mutable_transcripts() = imported.transcripts();
  *stored.mutable_soundbites() = imported.soundbites();
  stored.set_chapters_uri(imported.chapters_uri());
  if (DecideChapters(imported, stored) == ChaptersDecision::kReplace) {
    ReplaceImportedChapters(imported.chapters(), stored);
    SetChapterFileInfo(imported.chapter_file_info(), stored);
    stored.set_chapters_source(imported.chapters_source());
  }
}

ChaptersDecision DecideChapters(const v1::Episode& item, const v1::Episode& stored) {
  if (item.chapters().empty()) return ChaptersDecision::kKeep;
  switch (stored.chapters_source()) {
    case v1::Episode::API:
      return ChaptersDecision::kKeepEditedThroughApi;
    case v1::Episode::CHAPTERS_SOURCE_UNSPECIFIED:
      if (!stored.chapters().empty() && item.chapters_source() == v1::Episode::SHOW_NOTES) {
        return ChaptersDecision::kKeep;
      }
      return ChaptersDecision::kReplace;
    default:
      return ChaptersDecision::kReplace;
  }
}

std::string NewFeedEpisodeId(const v1::Episode& item, const absl::flat_hash_map<int32_t, int>& numbers_in_feed,
                             absl::flat_hash_set<std::string>& taken) {
  std::vector<std::string> candidates;
  const bool full = item.type() == v1::Episode::FULL || item.type() == v1::Episode::TYPE_UNSPECIFIED;
  if (item.has_number() && full) {
    auto count = numbers_in_feed.find(item.number());
    if (count != numbers_in_feed.end() && count->second == 1) candidates.push_back(absl::StrCat(item.number()));
    if (item.has_season()) candidates.push_back(absl::StrCat("s", item.season(), "e", item.number()));
  }
  const std::string slug = SlugOf(item.title());
  if (!slug.empty()) candidates.push_back(slug);
  unsigned char digest[SHA_DIGEST_LENGTH];
  const std::string& key = item.guid().empty() ? item.title() : item.guid();
  SHA1(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  std::string hash;
  static const char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    hash += kHex[digest[i] >> 4];
    hash += kHex[digest[i] & 0xF];
  }
  std::string base = slug.substr(0, 54);
  while (!base.empty() && base.back() == '-') base.pop_back();
  base = base.empty() ? absl::StrCat("episode-", hash) : absl::StrCat(base, "-", hash);
  candidates.push_back(base);
  for (const std::string& candidate : candidates) {
    if (IsValidId(candidate) && taken.insert(candidate).second) return candidate;
  }
  for (int suffix = 2;; ++suffix) {
    std::string candidate = absl::StrCat(base, "-", suffix);
    if (taken.insert(candidate).second) return candidate;
  }
}

}  // namespace podmeta::domain
