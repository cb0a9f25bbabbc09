// libFuzzer target: every parser of a short text a client sends in a request
// field (filter, order_by, page and resume tokens, resource names, search
// text) must never crash, and every error it gives must carry field
// violations that survive serialization (valid UTF-8, bounded size), so an
// error can never be dropped and a filter never silently ignored.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "domain/episode_query.h"
#include "domain/errors.h"
#include "domain/page_token.h"
#include "domain/resource_names.h"
#include "domain/validation.h"

namespace {

void CheckError(const absl::Status& status, const char* parser) {
  if (status.ok()) return;
  const auto violations = podmeta::domain::FieldViolationsOf(status);
  if (status.code() != absl::StatusCode::kInvalidArgument || violations.empty()) {
    std::fprintf(stderr, "%s: an error without field violations: %s\n", parser, status.ToString().c_str());
    std::abort();
  }
  if (status.message().size() > podmeta::domain::kMaxMessageBytes + 16 ||
      !podmeta::domain::IsValidUtf8(status.message())) {
    std::fprintf(stderr, "%s: an unbounded or invalid error text\n", parser);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckError(podmeta::domain::ParseEpisodeFilter(text).status(), "filter");
  CheckError(podmeta::domain::ParseEpisodeOrder(text).status(), "order_by");
  const uint64_t fingerprint = podmeta::domain::EpisodeListFingerprint("podcasts/p", "", "", false);
  CheckError(podmeta::domain::DecodeEpisodePageToken(text, fingerprint).status(), "page_token");
  CheckError(podmeta::domain::DecodePageToken(text, fingerprint).status(), "page_token");
  CheckError(podmeta::domain::ParseEpisodeName(text, "name").status(), "episode name");
  CheckError(podmeta::domain::ParsePodcastName(text, "parent").status(), "podcast name");
  const std::string normalized = podmeta::domain::NormalizeSearchText(text);
  if (normalized.find("--") == 0 || normalized.size() > text.size()) {
    std::fprintf(stderr, "search text: \"%s\" kept a nested negation or grew\n", normalized.c_str());
    std::abort();
  }
  return 0;
}
