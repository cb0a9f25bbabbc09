// libFuzzer target for one chapter-file reader (PODMETA_FUZZ_FORMAT picks
// which): reading must never crash, and what it reads must export again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "domain/chapter_formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr auto kFormat = static_cast<podmeta::v1::ChapterFormat>(PODMETA_FUZZ_FORMAT);
  auto chapters = podmeta::domain::ReadChapters(absl::string_view(reinterpret_cast<const char*>(data), size), kFormat);
  if (!chapters.ok()) return 0;
  podmeta::v1::Episode episode;
  *episode.mutable_chapters() = *chapters;
  if (!podmeta::domain::ExportChapters(episode, kFormat).ok()) std::abort();
  return 0;
}
