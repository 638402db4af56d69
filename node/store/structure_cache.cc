#include "node/store/structure_cache.h"

#include <algorithm>

#include "node/store/record_io.h"
#include "pacto/v1/model.pb.h"

namespace pacto {

absl::StatusOr<const std::vector<std::string>*> StructureCache::RegionChain(
    WriteTxn& txn, const std::string& code) {
  auto cached = region_chains_.find(code);
  if (cached != region_chains_.end()) return &cached->second;
  std::vector<std::string> chain;
  std::string current = code;
  while (!current.empty() && std::find(chain.begin(), chain.end(), current) == chain.end()) {
    chain.push_back(current);
    auto it = region_parents_.find(current);
    if (it == region_parents_.end()) {
      v1::Region region;
      absl::StatusOr<bool> live = ReadLive(txn, v1::RECORD_TYPE_REGION, current, &region);
      if (!live.ok()) return live.status();
      it = region_parents_.emplace(current, *live ? region.parent() : "").first;
    }
    current = it->second;
  }
  return &region_chains_.emplace(code, std::move(chain)).first->second;
}

absl::StatusOr<StructureCache::ChapterInfo> StructureCache::Chapter(WriteTxn& txn,
                                                                    const std::string& id) {
  auto it = chapters_.find(id);
  if (it != chapters_.end()) return it->second;
  v1::Chapter chapter;
  absl::StatusOr<bool> live = ReadLive(txn, v1::RECORD_TYPE_CHAPTER, id, &chapter);
  if (!live.ok()) return live.status();
  ChapterInfo info;
  info.live = *live;
  info.region = chapter.region();
  info.level = chapter.level();
  info.sector = chapter.sector();
  chapters_[id] = info;
  return info;
}

}  // namespace pacto
