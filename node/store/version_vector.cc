#include "node/store/version_vector.h"

#include <algorithm>

namespace pacto {

uint64_t VersionVector::Get(absl::string_view origin) const {
  auto it = entries_.find(origin);
  return it == entries_.end() ? 0 : it->second;
}

void VersionVector::Set(absl::string_view origin, uint64_t seq) {
  if (seq == 0) {
    auto it = entries_.find(origin);
    if (it != entries_.end()) entries_.erase(it);
    return;
  }
  entries_[std::string(origin)] = seq;
}

bool VersionVector::Dominates(const VersionVector& other) const {
  for (const auto& [origin, seq] : other.entries_) {
    if (Get(origin) < seq) return false;
  }
  return true;
}

void VersionVector::MergeFrom(const VersionVector& other) {
  for (const auto& [origin, seq] : other.entries_) {
    uint64_t& mine = entries_[origin];
    mine = std::max(mine, seq);
  }
}

uint64_t VersionVector::Total() const {
  uint64_t total = 0;
  for (const auto& [origin, seq] : entries_) total += seq;
  return total;
}

void VersionVector::ToProto(google::protobuf::Map<std::string, uint64_t>* out) const {
  out->clear();
  for (const auto& [origin, seq] : entries_) (*out)[origin] = seq;
}

VersionVector VersionVector::FromProto(const google::protobuf::Map<std::string, uint64_t>& in) {
  VersionVector vv;
  for (const auto& [origin, seq] : in) vv.Set(origin, seq);
  return vv;
}

}  // namespace pacto
