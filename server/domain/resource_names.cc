#include "domain/resource_names.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "domain/errors.h"

namespace podmeta::domain {
namespace {

constexpr size_t kMaxIdLength = 63;

bool IsIdCharacter(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength || id.front() == '-') return false;
  for (char c : id) {
    if (!IsIdCharacter(c)) return false;
  }
  return true;
}

std::string PodcastName(absl::string_view podcast_id) { return absl::StrCat("podcasts/", podcast_id); }

std::string EpisodeName(const EpisodeKey& key) {
  return absl::StrCat("podcasts/", key.podcast_id, "/episodes/", key.episode_id);
}

absl::StatusOr<std::string> ParsePodcastName(absl::string_view name, std::string field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 || parts[0] != "podcasts" || !IsValidId(parts[1])) {
    return InvalidField(std::move(field), absl::StrCat(Quoted(name), " is not a podcast name (podcasts/{podcast})"));
  }
  return std::string(parts[1]);
}

absl::StatusOr<EpisodeKey> ParseEpisodeName(absl::string_view name, std::string field) {
  // GetEpisode parses one per call: no split into a vector. An id holds no
  // '/', so anything but exactly four parts fails IsValidId.
  absl::string_view rest = name;
  absl::string_view podcast, episode;
  if (absl::ConsumePrefix(&rest, "podcasts/")) {
    const size_t slash = rest.find('/');
    if (slash != absl::string_view::npos) {
      podcast = rest.substr(0, slash);
      rest.remove_prefix(slash);
      if (absl::ConsumePrefix(&rest, "/episodes/")) episode = rest;
    }
  }
  if (!IsValidId(podcast) || !IsValidId(episode)) {
    return InvalidField(std::move(field),
                        absl::StrCat(Quoted(name), " is not an episode name (podcasts/{podcast}/episodes/{episode})"));
  }
  return EpisodeKey{std::string(podcast), std::string(episode)};
}

std::string SlugOf(absl::string_view title) {
  std::string slug;
  bool pending_hyphen = false;
  for (char c : title) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
      const bool hyphen = pending_hyphen && !slug.empty();
      if (slug.size() + (hyphen ? 2 : 1) > kMaxIdLength) break;
      if (hyphen) slug += '-';
      pending_hyphen = false;
      slug += lower;
    } else {
      pending_hyphen = true;
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

}  // namespace podmeta::domain
