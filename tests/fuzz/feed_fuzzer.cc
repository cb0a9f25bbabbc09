// libFuzzer target: the feed reader must never crash on any bytes; every item
// it accepts passes the same validation as an API write; and the feed
// written back from what it read is well-formed and reads back to as many
// items.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "domain/feed.h"
#include "domain/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace domain = podmeta::domain;
  absl::StatusOr<domain::Feed> feed = domain::ParseFeed(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!feed.ok()) return 0;
  std::vector<podmeta::v1::Episode> episodes;
  for (const domain::FeedItem& item : feed->items) {
    if (!item.valid) continue;
    domain::Violations violations;
    domain::ValidateEpisode(item.episode, "", violations);
    if (!violations.empty()) {
      for (const auto& violation : violations.list()) {
        std::fprintf(stderr, "accepted but invalid: %s: %s\n", violation.field.c_str(), violation.description.c_str());
      }
      std::abort();
    }
    episodes.push_back(item.episode);
  }
  podmeta::v1::Podcast podcast = feed->podcast;
  podcast.set_name("podcasts/fuzz");
  const std::string written = domain::WriteFeed(podcast, episodes, {});
  absl::StatusOr<domain::Feed> again = domain::ParseFeed(written);
  if (!again.ok() || again->items.size() != episodes.size()) {
    std::fprintf(stderr, "the written feed does not read back: %s\n%s\n",
                 again.ok() ? "item count differs" : std::string(again.status().message()).c_str(), written.c_str());
    std::abort();
  }
  return 0;
}
