#include "domain/page_token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/strings/escaping.h"
#include "absl/synchronization/mutex.h"
#include "domain/errors.h"
#include "domain/limits.h"

namespace podmeta::domain {
namespace {

// 2: sealed with AES-256-GCM (1 was a checksum over readable bytes).
constexpr uint8_t kTokenVersion = 2;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using Key = std::array<unsigned char, 32>;

Key KeyOf(absl::string_view secret) {
  Key key;
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), key.data());
  return key;
}

class Keys {
 public:
  Keys() {
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1) std::abort();
    keys_.push_back(KeyOf(absl::string_view(reinterpret_cast<const char*>(random), sizeof random)));
  }
  void Set(std::vector<Key> keys) {
    absl::MutexLock lock(&mutex_);
    keys_ = std::move(keys);
  }
  std::vector<Key> Get() const {
    absl::ReaderMutexLock lock(&mutex_);
    return keys_;
  }

 private:
  mutable absl::Mutex mutex_;
  std::vector<Key> keys_ ABSL_GUARDED_BY(mutex_);
};

Keys& TokenKeys() {
  static Keys* const keys = new Keys();
  return *keys;
}

struct CipherContext {
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  ~CipherContext() { EVP_CIPHER_CTX_free(context); }
};

// version || nonce || AES-256-GCM(plain) || tag, the version authenticated.
std::string Seal(const Key& key, absl::string_view plain) {
  std::string sealed(1 + kNonceBytes + plain.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  out[0] = kTokenVersion;
  if (RAND_bytes(out + 1, kNonceBytes) != 1) std::abort();
  CipherContext cipher;
  int length = 0;
  if (cipher.context == nullptr ||
      EVP_EncryptInit_ex(cipher.context, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(cipher.context, nullptr, nullptr, key.data(), out + 1) != 1 ||
      EVP_EncryptUpdate(cipher.context, nullptr, &length, out, 1) != 1 ||
      EVP_EncryptUpdate(cipher.context, out + 1 + kNonceBytes, &length,
                        reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(cipher.context, out + 1 + kNonceBytes + plain.size(), &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_GET_TAG, kTagBytes, out + 1 + kNonceBytes + plain.size()) != 1) {
    std::abort();  // only a broken libcrypto fails here
  }
  return sealed;
}

// The plain bytes, if `sealed` was sealed with `key` and is unchanged.
std::optional<std::string> Open(const Key& key, absl::string_view sealed) {
  if (sealed.size() < 1 + kNonceBytes + kTagBytes) return std::nullopt;
  const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
  const size_t plain_size = sealed.size() - 1 - kNonceBytes - kTagBytes;
  std::string plain(plain_size, '\0');
  CipherContext cipher;
  int length = 0;
  std::array<unsigned char, kTagBytes> tag;
  std::copy(in + 1 + kNonceBytes + plain_size, in + sealed.size(), tag.begin());
  const bool opened =
      cipher.context != nullptr &&
      EVP_DecryptInit_ex(cipher.context, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(cipher.context, nullptr, nullptr, key.data(), in + 1) == 1 &&
      EVP_DecryptUpdate(cipher.context, nullptr, &length, in, 1) == 1 &&
      EVP_DecryptUpdate(cipher.context, reinterpret_cast<unsigned char*>(plain.data()), &length, in + 1 + kNonceBytes,
                        static_cast<int>(plain_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(cipher.context, reinterpret_cast<unsigned char*>(plain.data()) + length, &length) == 1;
  if (!opened) return std::nullopt;
  return plain;
}

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

void SetPageTokenSecrets(const std::vector<std::string>& secrets) {
  std::vector<Key> keys;
  for (const std::string& secret : secrets) {
    if (!secret.empty()) keys.push_back(KeyOf(secret));
  }
  if (!keys.empty()) TokenKeys().Set(std::move(keys));
}

std::string EncodePageToken(uint64_t query_fingerprint, const std::vector<std::string>& last_keys) {
  std::string payload;
  AppendFixed64(payload, query_fingerprint);
  AppendVarint(payload, last_keys.size());
  for (const std::string& key : last_keys) {
    AppendVarint(payload, key.size());
    payload += key;
  }
  return absl::WebSafeBase64Escape(Seal(TokenKeys().Get().front(), payload));
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token, uint64_t query_fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.empty()) return BadToken("is not a page token podmeta issued");
  if (static_cast<uint8_t>(raw.front()) != kTokenVersion) {
    return BadToken("is not a page token podmeta issued (or one of an older version; start the listing again)");
  }
  std::optional<std::string> opened;
  for (const Key& key : TokenKeys().Get()) {
    if ((opened = Open(key, raw))) break;
  }
  if (!opened) return BadToken("is corrupt, was edited, or was not issued by these servers");
  absl::string_view body = *opened;
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
