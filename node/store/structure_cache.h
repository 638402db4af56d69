// What the apply path needs to know, write after write, about the federation's
// structure: each region's chain of ancestors and each chapter's region and level.
// Both change rarely, so they are cached and forgotten when their records change.
//
// Not thread-safe: owned by the apply path.
#ifndef PACTO_NODE_STORE_STRUCTURE_CACHE_H_
#define PACTO_NODE_STORE_STRUCTURE_CACHE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "node/store/write_txn.h"

namespace pacto {

class StructureCache {
 public:
  struct ChapterInfo {
    bool live = false;
    std::string region;
    std::string level;
    std::string sector;
  };

  // The region and its ancestors, nearest first. A region not (yet) known yields just
  // itself; a cycle in region parents is cut where it repeats. The chain is cached:
  // the pointer stays valid until ForgetRegions or Reset.
  absl::StatusOr<const std::vector<std::string>*> RegionChain(WriteTxn& txn,
                                                              const std::string& code);
  absl::StatusOr<ChapterInfo> Chapter(WriteTxn& txn, const std::string& id);

  void ForgetRegions() {
    region_parents_.clear();
    region_chains_.clear();
  }
  void ForgetChapter(const std::string& id) { chapters_.erase(id); }
  // Pins what Chapter(id) answers until the next ForgetChapter(id): lets derived
  // data uncount members as things were before a chapter's record changed.
  void PutChapter(const std::string& id, ChapterInfo info) { chapters_[id] = std::move(info); }
  void Reset() {
    region_parents_.clear();
    region_chains_.clear();
    chapters_.clear();
  }

 private:
  absl::flat_hash_map<std::string, std::string> region_parents_;
  // Node-based: chains handed out stay put while others are added.
  absl::node_hash_map<std::string, std::vector<std::string>> region_chains_;
  absl::flat_hash_map<std::string, ChapterInfo> chapters_;
};

}  // namespace pacto

#endif  // PACTO_NODE_STORE_STRUCTURE_CACHE_H_
