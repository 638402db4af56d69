#include "node/registry/pagination.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace pacto {
namespace {

// A meta key, like the others of keys.h; kept here, its only user.
constexpr char kPageTokenSecretKey[] = "page_token_secret";
constexpr size_t kSecretBytes = 32;
constexpr char kTokenVersion = '\x01';
constexpr size_t kMacBytes = 16;

absl::Status BadToken() {
  return absl::InvalidArgumentError(
      "page_token: not a token this node issued for this query; pass back next_page_token "
      "as given, with the same filters, or leave it empty for the first page");
}

// Serializes one page token secret's creation per process: two first list calls must
// not store two different secrets (the data dir is locked to one process).
absl::Mutex secret_creation;

}  // namespace

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

std::string PageQuery(const google::protobuf::Message& request, absl::string_view scan) {
  std::unique_ptr<google::protobuf::Message> bound(request.New());
  bound->CopyFrom(request);
  const google::protobuf::Descriptor* descriptor = bound->GetDescriptor();
  for (const char* paging : {"page_token", "page_size"}) {
    if (const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByName(paging)) {
      bound->GetReflection()->ClearField(bound.get(), field);
    }
  }
  std::string fields;
  {
    google::protobuf::io::StringOutputStream stream(&fields);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    bound->SerializeToCodedStream(&coded);
  }
  // Length-prefixed parts, so no two different queries join to the same bytes.
  return absl::StrCat(descriptor->full_name().size(), ":", descriptor->full_name(), scan.size(),
                      ":", scan, fields);
}

absl::StatusOr<PageTokens> PageTokens::ForDatabase(const Database& db) {
  std::string secret;
  rocksdb::Status s = db.db()->Get(rocksdb::ReadOptions(), db.meta(), kPageTokenSecretKey, &secret);
  if (s.IsNotFound()) {
    absl::MutexLock lock(&secret_creation);
    s = db.db()->Get(rocksdb::ReadOptions(), db.meta(), kPageTokenSecretKey, &secret);
    if (s.IsNotFound()) {
      secret.resize(kSecretBytes);
      if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), kSecretBytes) != 1) {
        return absl::InternalError("no randomness for the page token secret");
      }
      rocksdb::WriteOptions options;
      options.sync = true;
      s = db.db()->Put(options, db.meta(), kPageTokenSecretKey, secret);
    }
  }
  if (!s.ok()) return FromRocks(s, "the page token secret");
  if (secret.size() < kSecretBytes) {
    return absl::DataLossError("the data dir's page token secret is malformed");
  }
  return PageTokens(std::move(secret));
}

std::string PageTokens::Mac(absl::string_view query, absl::string_view last_key) const {
  // The query's length first, so the split between query and key is part of the MAC.
  const std::string message = absl::StrCat(query.size(), ":", query, last_key);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_size);
  return std::string(reinterpret_cast<const char*>(mac), kMacBytes);
}

std::string PageTokens::Encode(absl::string_view query, absl::string_view last_key) const {
  return absl::WebSafeBase64Escape(
      absl::StrCat(absl::string_view(&kTokenVersion, 1), Mac(query, last_key), last_key));
}

absl::StatusOr<std::string> PageTokens::Decode(absl::string_view query,
                                               absl::string_view token) const {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 1 + kMacBytes ||
      raw[0] != kTokenVersion || absl::WebSafeBase64Escape(raw) != token) {
    // (The last check refuses the other spellings of the same bytes, e.g. altered
    // padding bits: a token is valid exactly as it was handed out.)
    return BadToken();
  }
  const absl::string_view mac = absl::string_view(raw).substr(1, kMacBytes);
  std::string last_key = raw.substr(1 + kMacBytes);
  const std::string expected = Mac(query, last_key);
  if (CRYPTO_memcmp(mac.data(), expected.data(), kMacBytes) != 0) return BadToken();
  return last_key;
}

}  // namespace pacto
