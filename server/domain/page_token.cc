#include "domain/page_token.h"

#include "absl/strings/escaping.h"
#include "domain/errors.h"
#include "domain/limits.h"

namespace podmeta::domain {
namespace {

constexpr uint8_t kTokenVersion = 1;

// FNV-1a: stable across builds and platforms, unlike std::hash.
uint64_t Fnv1a(absl::string_view bytes, uint64_t hash = 0xcbf29ce484222325ULL) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

void AppendFixed64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

bool ReadFixed64(absl::string_view& in, uint64_t& value) {
  if (in.size() < 8) return false;
  value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(in[static_cast<size_t>(i)]);
  in.remove_prefix(8);
  return true;
}

void AppendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

bool ReadVarint(absl::string_view& in, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

absl::Status BadToken(std::string description, Reason reason = Reason::kInvalidPageToken) {
  return InvalidField("page_token", std::move(description), reason);
}

}  // namespace

uint64_t QueryFingerprint(std::initializer_list<absl::string_view> query_parts) {
  uint64_t hash = Fnv1a("podmeta-query");
  for (absl::string_view part : query_parts) {
    std::string length_prefixed;
    AppendVarint(length_prefixed, part.size());
    hash = Fnv1a(part, Fnv1a(length_prefixed, hash));
  }
  return hash;
}

std::string EncodePageToken(uint64_t query_fingerprint, const std::vector<std::string>& last_keys) {
  std::string payload;
  payload += static_cast<char>(kTokenVersion);
  AppendFixed64(payload, query_fingerprint);
  AppendVarint(payload, last_keys.size());
  for (const std::string& key : last_keys) {
    AppendVarint(payload, key.size());
    payload += key;
  }
  AppendFixed64(payload, Fnv1a(payload));
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token, uint64_t query_fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 1 + 8 + 1 + 8) {
    return BadToken("is not a page token podmeta issued");
  }
  absl::string_view body(raw.data(), raw.size() - 8);
  absl::string_view checksum_bytes(raw.data() + raw.size() - 8, 8);
  uint64_t checksum = 0;
  if (!ReadFixed64(checksum_bytes, checksum) || checksum != Fnv1a(body)) {
    return BadToken("is corrupt or was edited");
  }
  if (static_cast<uint8_t>(body.front()) != kTokenVersion) return BadToken("has an unknown version");
  body.remove_prefix(1);
  uint64_t fingerprint = 0;
  uint64_t count = 0;
  if (!ReadFixed64(body, fingerprint) || !ReadVarint(body, count) || count > 16) {
    return BadToken("is not a page token podmeta issued");
  }
  if (fingerprint != query_fingerprint) {
    return BadToken("belongs to a different query (parent, filter, order_by or show_deleted changed)",
                    Reason::kPageTokenMismatch);
  }
  std::vector<std::string> keys;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t length = 0;
    if (!ReadVarint(body, length) || length > body.size()) return BadToken("is not a page token podmeta issued");
    keys.emplace_back(body.substr(0, length));
    body.remove_prefix(length);
  }
  if (!body.empty()) return BadToken("is not a page token podmeta issued");
  return keys;
}

absl::StatusOr<int32_t> EffectivePageSize(int32_t requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

}  // namespace podmeta::domain
