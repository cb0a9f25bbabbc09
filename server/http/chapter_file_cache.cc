#include "http/chapter_file_cache.h"

#include "absl/strings/str_cat.h"
#include "domain/chapter_formats.h"
#include "domain/errors.h"
#include "podmeta/v1/episode_service.pb.h"

namespace podmeta::http {

ChapterFileCache::ChapterFileCache(size_t budget_bytes) : budget_bytes_(budget_bytes) {}

absl::StatusOr<ChapterFileCache::FilePtr> ChapterFileCache::Get(const api::EpisodeReader::Bytes& episode,
                                                                v1::ChapterFormat format) {
  const Key key{episode.get(), static_cast<int>(format)};
  {
    sync::MutexLock lock(mutex_);
    auto found = entries_.find(key);
    // The address may belong to a newer object once the old one is gone:
    // only the very object the entry was rendered from counts.
    if (found != entries_.end() && found->second.source.lock() == episode) return found->second.file;
  }
  v1::Episode parsed;
  if (!parsed.ParseFromString(*episode))
    return domain::Error(domain::Reason::kInternal, "the cached episode does not parse");
  auto file = std::make_shared<File>();
  file->name = parsed.name();
  file->deleted = parsed.has_delete_time();
  file->etag = absl::StrCat("W/", parsed.etag());
  file->modified = parsed.update_time().seconds();
  if (!file->deleted) {
    absl::StatusOr<v1::ExportChaptersResponse> rendered = domain::ExportChapterFile(parsed, format);
    if (!rendered.ok()) return rendered.status();
    file->content_type = rendered->content_type();
    file->body = std::move(*rendered->mutable_content());
  }
  if (file->body.size() <= budget_bytes_ / 16) {
    sync::MutexLock lock(mutex_);
    InsertLocked(key, Entry{episode, file});
  }
  return FilePtr(std::move(file));
}

void ChapterFileCache::InsertLocked(Key key, Entry entry) {
  bytes_ += entry.file->body.size();
  auto found = entries_.find(key);
  if (found != entries_.end()) {
    bytes_ -= found->second.file->body.size();
    found->second = std::move(entry);
  } else {
    entries_.emplace(key, std::move(entry));
    order_.push_back(key);
  }
  while (bytes_ > budget_bytes_ && !order_.empty()) {
    auto oldest = entries_.find(order_.front());
    bytes_ -= oldest->second.file->body.size();
    entries_.erase(oldest);
    order_.pop_front();
  }
}

size_t ChapterFileCache::bytes() const {
  sync::MutexLock lock(mutex_);
  return bytes_;
}

size_t ChapterFileCache::size() const {
  sync::MutexLock lock(mutex_);
  return entries_.size();
}

}  // namespace podmeta::http
