#include "node/store/derived_data.h"

#include <deque>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {
namespace {

template <typename T>
absl::StatusOr<std::unique_ptr<T>> ParseValue(const std::string* bytes) {
  if (bytes == nullptr) return std::unique_ptr<T>();
  auto message = std::make_unique<T>();
  if (!message->ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("malformed ", T::descriptor()->name(), " value"));
  }
  return message;
}

std::string ActiveParent(const v1::Affiliation* a) {
  return a != nullptr && a->status() == "active" ? a->parent() : "";
}

v1::RegionTally* RegionEntry(v1::PersonTally* tally, const std::string& region) {
  for (auto& r : *tally->mutable_regions()) {
    if (r.region() == region) return &r;
  }
  v1::RegionTally* added = tally->add_regions();
  added->set_region(region);
  return added;
}

v1::RegionTally* SectorEntry(v1::PersonTally* tally, const std::string& sector) {
  for (auto& s : *tally->mutable_sectors()) {
    if (s.region() == sector) return &s;
  }
  v1::RegionTally* added = tally->add_sectors();
  added->set_region(sector);
  return added;
}

void DropEmpty(google::protobuf::RepeatedPtrField<v1::RegionTally>* entries) {
  for (int i = 0; i < entries->size();) {
    if (entries->Get(i).active() == 0 && entries->Get(i).connected() == 0) {
      entries->DeleteSubrange(i, 1);
    } else {
      ++i;
    }
  }
}

void DropEmptyRegions(v1::PersonTally* tally) {
  DropEmpty(tally->mutable_regions());
  DropEmpty(tally->mutable_sectors());
}

}  // namespace

char MembershipStatusMark(absl::string_view status) {
  if (status == "active") return kActiveMark;
  if (status == "transferred") return 't';
  return 'e';
}

absl::Status DerivedData::OnWinnerChange(WriteTxn& txn, v1::RecordType type, const std::string& id,
                                         const std::string* before, const std::string* after) {
  switch (type) {
    case v1::RECORD_TYPE_REGION:
      // Region parents only ever matter through cached chains.
      structure_->ForgetRegions();
      return absl::OkStatus();
    case v1::RECORD_TYPE_CHAPTER:
      return OnChapter(txn, id, before, after);
    case v1::RECORD_TYPE_AFFILIATION:
      return OnAffiliation(txn, id, before, after);
    case v1::RECORD_TYPE_PERSON:
      if ((before == nullptr) != (after == nullptr)) {
        return tallies_->AddCounter(GlobalCounterKey(kPersonsCounter), after ? 1 : -1);
      }
      return absl::OkStatus();
    case v1::RECORD_TYPE_MEMBERSHIP:
      return OnMembership(txn, id, before, after);
    case v1::RECORD_TYPE_OFFICER_TERM:
      return OnOfficerTerm(txn, id, before, after);
    case v1::RECORD_TYPE_FORMATION:
      return OnFormation(txn, id, before, after);
    case v1::RECORD_TYPE_TOKEN_REVOCATION:
      // Read by derived id (revocation_check.h): nothing to index or count.
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(absl::StrCat("unknown record type ", type));
  }
}

absl::Status DerivedData::AddChapterCount(WriteTxn& txn, const v1::Chapter& chapter, int delta) {
  PACTO_RETURN_IF_ERROR(tallies_->AddCounter(GlobalCounterKey(kChaptersCounter), delta));
  PACTO_RETURN_IF_ERROR(
      tallies_->AddCounter(GlobalCounterKey(LevelCounter(chapter.level())), delta));
  PACTO_ASSIGN_OR_RETURN(const std::vector<std::string>* chain,
                         structure_->RegionChain(txn, chapter.region()));
  for (const std::string& region : *chain) {
    PACTO_RETURN_IF_ERROR(tallies_->AddCounter(RegionCounterKey(region, kChaptersCounter), delta));
  }
  if (!chapter.sector().empty()) {
    PACTO_RETURN_IF_ERROR(
        tallies_->AddCounter(SectorCounterKey(chapter.sector(), kChaptersCounter), delta));
  }
  return absl::OkStatus();
}

absl::Status DerivedData::OnChapter(WriteTxn& txn, const std::string& id, const std::string* before,
                                    const std::string* after) {
  PACTO_ASSIGN_OR_RETURN(auto b, ParseValue<v1::Chapter>(before));
  PACTO_ASSIGN_OR_RETURN(auto a, ParseValue<v1::Chapter>(after));
  if (b && a && b->region() == a->region() && b->level() == a->level() &&
      b->sector() == a->sector()) {
    return absl::OkStatus();  // a rename or a status change: nothing derived moves
  }
  // Members counted under the chapter's old region and sector (or under none while it
  // was not live) move with it: uncount them as things were, then as they are.
  const bool region_moves = (b ? b->region() : "") != (a ? a->region() : "") ||
                            (b ? b->sector() : "") != (a ? a->sector() : "");
  std::vector<std::string> members;
  if (region_moves) {
    PACTO_RETURN_IF_ERROR(txn.Scan(db_->indexes(), IndexPrefix(IndexKind::kMembersByChapter, id),
                                   [&](absl::string_view, absl::string_view value) {
                                     if (!value.empty() && value[0] == kActiveMark) {
                                       members.emplace_back(value.substr(1));
                                     }
                                     return true;
                                   }));
    StructureCache::ChapterInfo old_info;
    old_info.live = b != nullptr;
    if (b) {
      old_info.region = b->region();
      old_info.level = b->level();
      old_info.sector = b->sector();
    }
    structure_->PutChapter(id, old_info);
    for (const std::string& person : members) {
      PACTO_RETURN_IF_ERROR(CountMembership(txn, person, id, -1));
    }
  }
  if (b) {
    PACTO_RETURN_IF_ERROR(AddChapterCount(txn, *b, -1));
    txn.Delete(db_->indexes(), IndexKey(IndexKind::kChaptersByRegion, b->region(), id));
  }
  if (a) {
    PACTO_RETURN_IF_ERROR(AddChapterCount(txn, *a, +1));
    txn.Put(db_->indexes(), IndexKey(IndexKind::kChaptersByRegion, a->region(), id), "");
  }
  structure_->ForgetChapter(id);
  for (const std::string& person : members) {
    PACTO_RETURN_IF_ERROR(CountMembership(txn, person, id, +1));
  }
  return Reconnect(txn, id);
}

absl::Status DerivedData::OnAffiliation(WriteTxn& txn, const std::string& id,
                                        const std::string* before, const std::string* after) {
  PACTO_ASSIGN_OR_RETURN(auto b, ParseValue<v1::Affiliation>(before));
  PACTO_ASSIGN_OR_RETURN(auto a, ParseValue<v1::Affiliation>(after));
  std::string old_parent = ActiveParent(b.get()), new_parent = ActiveParent(a.get());
  if (old_parent == new_parent) return absl::OkStatus();
  if (!old_parent.empty()) {
    txn.Delete(db_->indexes(), IndexKey(IndexKind::kChildrenByParent, old_parent, id));
  }
  if (!new_parent.empty()) {
    txn.Put(db_->indexes(), IndexKey(IndexKind::kChildrenByParent, new_parent, id), "");
  }
  return Reconnect(txn, id);
}

absl::Status DerivedData::OnMembership(WriteTxn& txn, const std::string& id,
                                       const std::string* before, const std::string* after) {
  PACTO_ASSIGN_OR_RETURN(auto b, ParseValue<v1::Membership>(before));
  PACTO_ASSIGN_OR_RETURN(auto a, ParseValue<v1::Membership>(after));
  if (b) {
    txn.Delete(db_->indexes(), IndexKey(IndexKind::kMembersByChapter, b->chapter_id(), id));
    txn.Delete(db_->indexes(), IndexKey(IndexKind::kMembersByPerson, b->person_id(), id));
  }
  if (a) {
    const char mark = MembershipStatusMark(a->status());
    txn.Put(db_->indexes(), IndexKey(IndexKind::kMembersByChapter, a->chapter_id(), id),
            std::string(1, mark) + a->person_id());
    txn.Put(db_->indexes(), IndexKey(IndexKind::kMembersByPerson, a->person_id(), id),
            std::string(1, mark) + a->chapter_id());
  }
  const bool was_active = b && b->status() == "active";
  const bool is_active = a && a->status() == "active";
  if (was_active && is_active && b->person_id() == a->person_id() &&
      b->chapter_id() == a->chapter_id()) {
    return absl::OkStatus();
  }
  if (was_active) PACTO_RETURN_IF_ERROR(CountMembership(txn, b->person_id(), b->chapter_id(), -1));
  if (is_active) PACTO_RETURN_IF_ERROR(CountMembership(txn, a->person_id(), a->chapter_id(), +1));
  return absl::OkStatus();
}

absl::Status DerivedData::OnOfficerTerm(WriteTxn& txn, const std::string& id,
                                        const std::string* before, const std::string* after) {
  PACTO_ASSIGN_OR_RETURN(auto b, ParseValue<v1::OfficerTerm>(before));
  PACTO_ASSIGN_OR_RETURN(auto a, ParseValue<v1::OfficerTerm>(after));
  if (b) {
    txn.Delete(db_->indexes(), IndexKey(IndexKind::kOfficersByChapter, b->chapter_id(), id));
    txn.Delete(db_->indexes(), IndexKey(IndexKind::kOfficersByPerson, b->person_id(), id));
  }
  if (a) {
    txn.Put(db_->indexes(), IndexKey(IndexKind::kOfficersByChapter, a->chapter_id(), id), "");
    txn.Put(db_->indexes(), IndexKey(IndexKind::kOfficersByPerson, a->person_id(), id), "");
  }
  return absl::OkStatus();
}

absl::Status DerivedData::OnFormation(WriteTxn& txn, const std::string& id,
                                      const std::string* before, const std::string* after) {
  PACTO_ASSIGN_OR_RETURN(auto b, ParseValue<v1::FormationRecord>(before));
  PACTO_ASSIGN_OR_RETURN(auto a, ParseValue<v1::FormationRecord>(after));
  if (b) txn.Delete(db_->indexes(), IndexKey(IndexKind::kFormationByPerson, b->person_id(), id));
  if (a) txn.Put(db_->indexes(), IndexKey(IndexKind::kFormationByPerson, a->person_id(), id), "");
  return absl::OkStatus();
}

namespace {

// Moves a tally field by `delta`; returns the change (+1/-1/0) in whether it is
// non-zero, which is what the distinct-person counters follow.
template <typename Message>
int Step(Message* m, uint32_t (Message::*get)() const, void (Message::*set)(uint32_t), int delta) {
  uint32_t before = (m->*get)();
  uint32_t after = static_cast<uint32_t>(static_cast<int64_t>(before) + delta);
  (m->*set)(after);
  return (before > 0) == (after > 0) ? 0 : (after > 0 ? 1 : -1);
}
int StepActive(v1::PersonTally* t, int d) {
  return Step(t, &v1::PersonTally::active, &v1::PersonTally::set_active, d);
}
int StepConnected(v1::PersonTally* t, int d) {
  return Step(t, &v1::PersonTally::connected, &v1::PersonTally::set_connected, d);
}
int StepActive(v1::RegionTally* t, int d) {
  return Step(t, &v1::RegionTally::active, &v1::RegionTally::set_active, d);
}
int StepConnected(v1::RegionTally* t, int d) {
  return Step(t, &v1::RegionTally::connected, &v1::RegionTally::set_connected, d);
}

absl::StatusOr<v1::PersonTally> ReadPersonTally(WriteTxn& txn, const std::string& person) {
  v1::PersonTally tally;
  std::string value;
  PACTO_ASSIGN_OR_RETURN(bool found,
                         txn.Get(txn.database()->tallies(), PersonTallyKey(person), &value));
  if (found && !tally.ParseFromString(value)) {
    return absl::DataLossError("malformed person tally");
  }
  return tally;
}

void WritePersonTally(WriteTxn& txn, const std::string& person, v1::PersonTally* tally) {
  DropEmptyRegions(tally);
  if (tally->active() == 0 && tally->connected() == 0 && tally->regions_size() == 0 &&
      tally->sectors_size() == 0) {
    txn.Delete(txn.database()->tallies(), PersonTallyKey(person));
  } else {
    txn.Put(txn.database()->tallies(), PersonTallyKey(person), tally->SerializeAsString());
  }
}

}  // namespace

absl::Status DerivedData::CountMembership(WriteTxn& txn, const std::string& person,
                                          const std::string& chapter, int delta) {
  PACTO_ASSIGN_OR_RETURN(StructureCache::ChapterInfo info, structure_->Chapter(txn, chapter));
  PACTO_ASSIGN_OR_RETURN(v1::ChapterTally * chapter_tally, tallies_->Chapter(chapter));
  chapter_tally->set_active_memberships(
      static_cast<uint32_t>(static_cast<int64_t>(chapter_tally->active_memberships()) + delta));
  const bool connected = chapter_tally->connected();

  PACTO_ASSIGN_OR_RETURN(v1::PersonTally tally, ReadPersonTally(txn, person));
  const bool was_multi = tally.active() >= 2;
  if (int d = StepActive(&tally, delta)) {
    PACTO_RETURN_IF_ERROR(tallies_->AddCounter(GlobalCounterKey(kActiveCounter), d));
  }
  // People with more than one active membership, for the conflicts and duplicates
  // reports (a merge can leave someone active twice in one chapter).
  if (const bool multi = tally.active() >= 2; multi != was_multi) {
    const std::string key = IndexKey(IndexKind::kMultiMembers, "", person);
    if (multi) {
      txn.Put(db_->indexes(), key, "");
    } else {
      txn.Delete(db_->indexes(), key);
    }
  }
  if (connected) {
    if (int d = StepConnected(&tally, delta)) {
      PACTO_RETURN_IF_ERROR(tallies_->AddCounter(GlobalCounterKey(kFederationCounter), d));
    }
  }
  if (!info.region.empty()) {
    PACTO_ASSIGN_OR_RETURN(const std::vector<std::string>* chain,
                           structure_->RegionChain(txn, info.region));
    for (const std::string& region : *chain) {
      v1::RegionTally* r = RegionEntry(&tally, region);
      if (int d = StepActive(r, delta)) {
        PACTO_RETURN_IF_ERROR(tallies_->AddCounter(RegionCounterKey(region, kActiveCounter), d));
      }
      if (connected) {
        if (int d = StepConnected(r, delta)) {
          PACTO_RETURN_IF_ERROR(
              tallies_->AddCounter(RegionCounterKey(region, kFederationCounter), d));
        }
      }
    }
  }
  if (!info.sector.empty()) {
    v1::RegionTally* sector = SectorEntry(&tally, info.sector);
    if (int d = StepActive(sector, delta)) {
      PACTO_RETURN_IF_ERROR(tallies_->AddCounter(SectorCounterKey(info.sector, kActiveCounter), d));
    }
  }
  WritePersonTally(txn, person, &tally);
  return absl::OkStatus();
}

absl::Status DerivedData::CountConnected(WriteTxn& txn, const std::string& person,
                                         const std::string& region, int delta) {
  PACTO_ASSIGN_OR_RETURN(v1::PersonTally tally, ReadPersonTally(txn, person));
  if (int d = StepConnected(&tally, delta)) {
    PACTO_RETURN_IF_ERROR(tallies_->AddCounter(GlobalCounterKey(kFederationCounter), d));
  }
  if (!region.empty()) {
    PACTO_ASSIGN_OR_RETURN(const std::vector<std::string>* chain,
                           structure_->RegionChain(txn, region));
    for (const std::string& r : *chain) {
      if (int d = StepConnected(RegionEntry(&tally, r), delta)) {
        PACTO_RETURN_IF_ERROR(tallies_->AddCounter(RegionCounterKey(r, kFederationCounter), d));
      }
    }
  }
  WritePersonTally(txn, person, &tally);
  return absl::OkStatus();
}

absl::Status DerivedData::Reconnect(WriteTxn& txn, const std::string& chapter) {
  PACTO_ASSIGN_OR_RETURN(StructureCache::ChapterInfo info, structure_->Chapter(txn, chapter));
  bool connected = false;
  if (info.live && info.level == kPactLevel) {
    connected = true;
  } else if (info.live) {
    v1::Affiliation affiliation;
    PACTO_ASSIGN_OR_RETURN(bool has,
                           ReadLive(txn, v1::RECORD_TYPE_AFFILIATION, chapter, &affiliation));
    std::string parent = has ? ActiveParent(&affiliation) : "";
    if (!parent.empty() && parent != chapter) {
      PACTO_ASSIGN_OR_RETURN(v1::ChapterTally * parent_tally, tallies_->Chapter(parent));
      connected = parent_tally->connected();
    }
  }

  // Breadth-first over the subtree, stopping wherever connectivity did not change.
  // `seen` guards against a cycle, which no single node lets anyone write.
  std::deque<std::pair<std::string, bool>> queue = {{chapter, connected}};
  absl::flat_hash_set<std::string> seen;
  while (!queue.empty()) {
    auto [current, now_connected] = queue.front();
    queue.pop_front();
    if (!seen.insert(current).second) continue;
    PACTO_ASSIGN_OR_RETURN(v1::ChapterTally * tally, tallies_->Chapter(current));
    if (tally->connected() == now_connected) continue;
    tally->set_connected(now_connected);
    PACTO_ASSIGN_OR_RETURN(StructureCache::ChapterInfo current_info,
                           structure_->Chapter(txn, current));
    const int delta = now_connected ? 1 : -1;

    std::string prefix = IndexPrefix(IndexKind::kMembersByChapter, current);
    std::vector<std::string> persons;
    PACTO_RETURN_IF_ERROR(
        txn.Scan(db_->indexes(), prefix, [&](absl::string_view, absl::string_view value) {
          if (!value.empty() && value[0] == kActiveMark) {
            persons.emplace_back(value.substr(1));
          }
          return true;
        }));
    for (const std::string& person : persons) {
      PACTO_RETURN_IF_ERROR(CountConnected(txn, person, current_info.region, delta));
    }

    prefix = IndexPrefix(IndexKind::kChildrenByParent, current);
    std::vector<std::string> children;
    PACTO_RETURN_IF_ERROR(
        txn.Scan(db_->indexes(), prefix, [&](absl::string_view key, absl::string_view) {
          children.emplace_back(IndexMember(key, prefix));
          return true;
        }));
    for (const std::string& child : children) {
      PACTO_ASSIGN_OR_RETURN(StructureCache::ChapterInfo child_info,
                             structure_->Chapter(txn, child));
      queue.emplace_back(child, now_connected && child_info.live);
    }
  }
  return absl::OkStatus();
}

}  // namespace pacto
