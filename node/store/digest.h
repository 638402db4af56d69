// An order-independent digest of a registry: the sum, modulo 2^128, of a SHA-256
// based hash of every live record (its key and all its concurrent versions). Adding
// and removing one record's contribution keeps it current in O(1) per write, and two
// registries with the same records have the same digest whatever order their writes
// arrived in. Records whose every version is a tombstone contribute nothing: a
// registry where a record was deleted equals one where it never existed.
#ifndef PACTO_NODE_STORE_DIGEST_H_
#define PACTO_NODE_STORE_DIGEST_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {

class Digest {
 public:
  Digest() = default;
  Digest(uint64_t hi, uint64_t lo) : hi_(hi), lo_(lo) {}

  void Add(const Digest& d);
  void Subtract(const Digest& d);

  std::string ToHex() const;
  // 16 bytes, big-endian; the form kept in the metadata family.
  std::string Encode() const;
  static Digest Decode(absl::string_view bytes);  // a zero digest when malformed

  bool operator==(const Digest& o) const { return hi_ == o.hi_ && lo_ == o.lo_; }
  bool operator!=(const Digest& o) const { return !(*this == o); }

 private:
  uint64_t hi_ = 0;
  uint64_t lo_ = 0;
};

// The contribution of one record to the registry digest; zero when it is not live.
Digest RecordDigest(absl::string_view record_key, const v1::RecordState& state);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_DIGEST_H_
