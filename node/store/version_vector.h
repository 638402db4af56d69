// A version vector: for each origin node, the highest sequence number such that this
// node has applied every write of that origin up to it. Not thread-safe.
#ifndef PACTO_NODE_STORE_VERSION_VECTOR_H_
#define PACTO_NODE_STORE_VERSION_VECTOR_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/map.h"
#include "pacto/v1/log.pb.h"

namespace pacto {

class VersionVector {
 public:
  uint64_t Get(absl::string_view origin) const;
  void Set(absl::string_view origin, uint64_t seq);
  bool Covers(absl::string_view origin, uint64_t seq) const { return seq <= Get(origin); }
  bool Covers(const v1::Dot& dot) const { return Covers(dot.origin(), dot.seq()); }
  // Every origin's count is at least other's.
  bool Dominates(const VersionVector& other) const;
  // Pointwise maximum.
  void MergeFrom(const VersionVector& other);
  uint64_t Total() const;

  const std::map<std::string, uint64_t, std::less<>>& entries() const { return entries_; }
  void ToProto(google::protobuf::Map<std::string, uint64_t>* out) const;
  static VersionVector FromProto(const google::protobuf::Map<std::string, uint64_t>& in);

  bool operator==(const VersionVector& other) const { return entries_ == other.entries_; }

 private:
  std::map<std::string, uint64_t, std::less<>> entries_;  // zero counts are not stored
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_VERSION_VECTOR_H_
