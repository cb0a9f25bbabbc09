// Resource names (AIP-122) and resource ids: parsing, formatting, and deriving
// ids from titles.
//
//   podcasts/{podcast}
//   podcasts/{podcast}/episodes/{episode}
//
// An id is 1 to 63 characters of lowercase ASCII letters, digits and hyphens,
// starting with a letter or digit.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace podmeta::domain {

struct EpisodeKey {
  std::string podcast_id;
  std::string episode_id;
  bool operator==(const EpisodeKey&) const = default;
};

bool IsValidId(absl::string_view id);

std::string PodcastName(absl::string_view podcast_id);
std::string EpisodeName(const EpisodeKey& key);

// Parse a name; `field` names the request field in the error's violation.
absl::StatusOr<std::string> ParsePodcastName(absl::string_view name, std::string field);
absl::StatusOr<EpisodeKey> ParseEpisodeName(absl::string_view name, std::string field);

// A valid id made from a title: lowercase, runs of anything but ASCII letters
// and digits become one hyphen ("core.py" → "core-py"), cut to 63
// characters. Empty if the title has no ASCII letter or digit.
std::string SlugOf(absl::string_view title);

}  // namespace podmeta::domain
