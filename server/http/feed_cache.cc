#include "http/feed_cache.h"

#include <functional>

#include "absl/strings/str_format.h"
#include "http/http_listener.h"

namespace podmeta::http {
namespace {

size_t BytesOf(const FeedCache::Feed& feed) {
  return (feed.body ? feed.body->size() : 0) + (feed.gzip ? feed.gzip->size() : 0) + feed.version.size() +
         feed.etag.size();
}

}  // namespace

FeedCache::FeedCache(size_t budget_bytes) : budget_bytes_(budget_bytes) {}

FeedCache::FeedPtr FeedCache::Find(const std::string& podcast_id, const std::string& version) const {
  sync::MutexLock lock(mutex_);
  auto found = feeds_.find(podcast_id);
  if (found == feeds_.end() || found->second->version != version) return nullptr;
  return found->second;
}

FeedCache::FeedPtr FeedCache::Insert(const std::string& podcast_id, const std::string& version, std::string content) {
  auto rendered = std::make_shared<Feed>();
  rendered->version = version;
  rendered->etag = absl::StrFormat("W/\"%016x\"", std::hash<std::string>{}(content));
  if (std::optional<std::string> compressed = Gzip(content)) {
    rendered->gzip = std::make_shared<const std::string>(*std::move(compressed));
  }
  rendered->body = std::make_shared<const std::string>(std::move(content));
  FeedPtr answer = rendered;
  // What is kept: the bytes only when they fit in half the budget.
  FeedPtr kept = answer;
  if (BytesOf(*rendered) > budget_bytes_ / 2) {
    auto etag_only = std::make_shared<Feed>();
    etag_only->version = rendered->version;
    etag_only->etag = rendered->etag;
    kept = etag_only;
  }
  sync::MutexLock lock(mutex_);
  auto [entry, inserted] = feeds_.try_emplace(podcast_id, kept);
  if (!inserted) {
    bytes_ -= BytesOf(*entry->second);
    entry->second = kept;
  } else {
    order_.push_back(podcast_id);
  }
  bytes_ += BytesOf(*kept);
  while (bytes_ > budget_bytes_ && !order_.empty()) {
    auto oldest = feeds_.find(order_.front());
    order_.pop_front();
    if (oldest == feeds_.end()) continue;
    bytes_ -= BytesOf(*oldest->second);
    feeds_.erase(oldest);
  }
  return answer;
}

size_t FeedCache::bytes() const {
  sync::MutexLock lock(mutex_);
  return bytes_;
}

}  // namespace podmeta::http
