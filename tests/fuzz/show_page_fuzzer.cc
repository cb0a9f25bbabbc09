// libFuzzer target: the show-page parser must never crash, and whatever it
// accepts without problems must pass the same validation as an API write.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "domain/resource_names.h"
#include "domain/show_page.h"
#include "domain/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const podmeta::domain::ShowPage page =
      podmeta::domain::ParseShowPage(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!page.problems.empty()) return 0;
  for (const podmeta::domain::ParsedEpisode& parsed : page.episodes) {
    podmeta::domain::Violations violations;
    podmeta::domain::ValidateEpisode(parsed.episode, "", violations);
    if (!violations.empty() || !podmeta::domain::IsValidId(parsed.episode_id)) {
      for (const auto& violation : violations.list()) {
        std::fprintf(stderr, "accepted but invalid: %s: %s\n", violation.field.c_str(), violation.description.c_str());
      }
      std::fprintf(stderr, "episode id: \"%s\"\n", parsed.episode_id.c_str());
      std::abort();
    }
  }
  return 0;
}
