#include "node/store/digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "node/store/keys.h"
#include "node/store/record_state.h"

namespace pacto {
namespace {

void AppendField(std::string* out, absl::string_view bytes) {
  PutBigEndian64(out, bytes.size());
  out->append(bytes.data(), bytes.size());
}

}  // namespace

void Digest::Add(const Digest& d) {
  uint64_t lo = lo_ + d.lo_;
  hi_ += d.hi_ + (lo < lo_ ? 1 : 0);
  lo_ = lo;
}

void Digest::Subtract(const Digest& d) {
  uint64_t lo = lo_ - d.lo_;
  hi_ -= d.hi_ + (lo > lo_ ? 1 : 0);
  lo_ = lo;
}

std::string Digest::Encode() const {
  std::string out;
  PutBigEndian64(&out, hi_);
  PutBigEndian64(&out, lo_);
  return out;
}

Digest Digest::Decode(absl::string_view bytes) {
  if (bytes.size() != 16) return Digest();
  return Digest(GetBigEndian64(bytes.substr(0, 8)), GetBigEndian64(bytes.substr(8, 8)));
}

std::string Digest::ToHex() const { return absl::BytesToHexString(Encode()); }

Digest RecordDigest(absl::string_view record_key, const v1::RecordState& state) {
  if (!IsLive(state)) return Digest();
  std::vector<const v1::Version*> versions;
  for (const auto& v : state.versions()) versions.push_back(&v);
  std::sort(versions.begin(), versions.end(),
            [](const v1::Version* a, const v1::Version* b) { return DotLess(a->dot(), b->dot()); });
  std::string canonical;
  AppendField(&canonical, record_key);
  for (const v1::Version* v : versions) {
    AppendField(&canonical, v->dot().origin());
    PutBigEndian64(&canonical, v->dot().seq());
    PutBigEndian64(&canonical, v->hlc());
    PutBigEndian64(&canonical, static_cast<uint64_t>(v->kind()));
    AppendField(&canonical, v->value());
  }
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(canonical.data(), canonical.size(), hash, &len, EVP_sha256(), nullptr);
  return Digest::Decode(absl::string_view(reinterpret_cast<char*>(hash), 16));
}

}  // namespace pacto
