#include "node/store/digest.h"

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "node/store/keys.h"
#include "node/store/record_state.h"
#include "node/store/sha256.h"

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
  // Almost every record holds one version: no sorting, and the buffer is reused.
  const v1::Version* one = state.versions_size() == 1 ? &state.versions(0) : nullptr;
  std::vector<const v1::Version*> versions;
  if (one == nullptr) {
    for (const auto& v : state.versions()) versions.push_back(&v);
    std::sort(versions.begin(), versions.end(), [](const v1::Version* a, const v1::Version* b) {
      return DotLess(a->dot(), b->dot());
    });
  }
  thread_local std::string canonical;
  canonical.clear();
  AppendField(&canonical, record_key);
  auto append = [](const v1::Version* v) {
    AppendField(&canonical, v->dot().origin());
    PutBigEndian64(&canonical, v->dot().seq());
    PutBigEndian64(&canonical, v->hlc());
    PutBigEndian64(&canonical, static_cast<uint64_t>(v->kind()));
    AppendField(&canonical, v->value());
  };
  if (one != nullptr) append(one);
  for (const v1::Version* v : versions) append(v);
  unsigned char hash[kSha256Bytes];
  Sha256Into(canonical, hash);
  return Digest::Decode(absl::string_view(reinterpret_cast<char*>(hash), 16));
}

}  // namespace pacto
