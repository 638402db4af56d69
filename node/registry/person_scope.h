// Which person-level data a caller may see or change (DESIGN §6): person records are
// shared by every region that enrols the same national id, so a person's name and
// birth date, and their memberships, formation and officer terms, are shown and
// changed only inside the caller's region scope.
//
// The rules:
//  - A membership *owns* its person's record when it has no `sent_person`: it was
//    enrolled by a caller who covered every membership of the person then.
//  - A caller *sees* a person's stored record when their scope is everything or
//    covers a chapter of an owning membership; otherwise a membership's person reads
//    as what its enroller sent (`sent_person`).
//  - A caller may *change* a known person (an enrolment updates name and birth date)
//    only when they cover every membership of the person and see the record.
//
// Reads go through a snapshot (ReadView) or the apply path's txn (WriteTxn): the
// member templates take either. A ScopeCheck remembers the regions it has placed.
//
// Not thread-safe: one per call.
#ifndef PACTO_NODE_REGISTRY_PERSON_SCOPE_H_
#define PACTO_NODE_REGISTRY_PERSON_SCOPE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "common/status_macros.h"
#include "node/registry/caller.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "node/store/write_txn.h"
#include "pacto/v1/model.pb.h"

namespace pacto {

// One membership of a person, as the person index lists it (any status).
struct PersonMembership {
  std::string id;
  std::string chapter;
  bool active = false;
};

// Every membership of `person` that is not erased, in id order.
absl::StatusOr<std::vector<PersonMembership>> MembershipsOfPerson(const ReadView& view,
                                                                  const std::string& person);
absl::StatusOr<std::vector<PersonMembership>> MembershipsOfPerson(WriteTxn& txn,
                                                                  const std::string& person);

// True when `sent` (a membership's sent_person) differs from the stored `person` in a
// field the sender gave.
bool SentDiffers(const v1::Person& sent, const v1::Person& person);

// The names of the fields in which `sent` differs ("name", "birth date").
std::vector<std::string> DifferingFields(const v1::Person& sent, const v1::Person& person);

class ScopeCheck {
 public:
  explicit ScopeCheck(Caller caller) : caller_(std::move(caller)) {}

  const Caller& caller() const { return caller_; }
  bool everything() const { return !caller_.region.has_value(); }

  // Whether `region` is the caller's region or lies below it.
  template <typename Source>
  absl::StatusOr<bool> CoversRegion(Source& source, const std::string& region);

  // Whether the caller covers the live chapter `id` (false for a chapter not live here).
  template <typename Source>
  absl::StatusOr<bool> CoversChapter(Source& source, const std::string& id);

  // Whether the caller covers a chapter of one of `memberships` (loaded through
  // `source`) that owns the person record.
  template <typename Source>
  absl::StatusOr<bool> SeesPerson(Source& source, const std::vector<PersonMembership>& memberships);

  // Whether the caller covers the chapter of every one of `memberships`.
  template <typename Source>
  absl::StatusOr<bool> CoversAll(Source& source, const std::vector<PersonMembership>& memberships);

  // Fills `m->person` with what the caller may see of it: the stored person, or
  // `sent_person` (then cleared), or the id alone. REQUIRES: `m` is a live membership.
  template <typename Source>
  absl::Status FillPerson(Source& source, v1::Membership* m);

 private:
  const Caller caller_;
  absl::flat_hash_map<std::string, bool> regions_;   // region → covered
  absl::flat_hash_map<std::string, bool> chapters_;  // chapter → covered
};

// --- implementation ---

template <typename Source>
absl::StatusOr<bool> ScopeCheck::CoversRegion(Source& source, const std::string& region) {
  if (everything()) return true;
  if (region.empty()) return false;
  auto memo = regions_.find(region);
  if (memo != regions_.end()) return memo->second;
  bool covered = false;
  absl::flat_hash_set<std::string> seen;
  std::string current = region;
  while (!current.empty() && seen.insert(current).second) {
    if (current == *caller_.region) {
      covered = true;
      break;
    }
    v1::Region r;
    PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(source, v1::RECORD_TYPE_REGION, current, &r));
    current = live ? r.parent() : std::string();
  }
  regions_[region] = covered;
  return covered;
}

template <typename Source>
absl::StatusOr<bool> ScopeCheck::CoversChapter(Source& source, const std::string& id) {
  if (everything()) return true;
  auto memo = chapters_.find(id);
  if (memo != chapters_.end()) return memo->second;
  v1::Chapter chapter;
  PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(source, v1::RECORD_TYPE_CHAPTER, id, &chapter));
  bool covered = false;
  if (live) {
    PACTO_ASSIGN_OR_RETURN(covered, CoversRegion(source, chapter.region()));
  }
  chapters_[id] = covered;
  return covered;
}

template <typename Source>
absl::StatusOr<bool> ScopeCheck::SeesPerson(Source& source,
                                            const std::vector<PersonMembership>& memberships) {
  if (everything()) return true;
  for (const PersonMembership& pm : memberships) {
    PACTO_ASSIGN_OR_RETURN(bool covered, CoversChapter(source, pm.chapter));
    if (!covered) continue;
    v1::Membership m;
    PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(source, v1::RECORD_TYPE_MEMBERSHIP, pm.id, &m));
    if (live && !m.has_sent_person()) return true;
  }
  return false;
}

template <typename Source>
absl::StatusOr<bool> ScopeCheck::CoversAll(Source& source,
                                           const std::vector<PersonMembership>& memberships) {
  for (const PersonMembership& pm : memberships) {
    PACTO_ASSIGN_OR_RETURN(bool covered, CoversChapter(source, pm.chapter));
    if (!covered) return false;
  }
  return true;
}

template <typename Source>
absl::Status ScopeCheck::FillPerson(Source& source, v1::Membership* m) {
  bool sees = everything();
  if (!sees && !m->has_sent_person()) {
    // An owning membership the caller covers: the usual case, no index scan.
    PACTO_ASSIGN_OR_RETURN(sees, CoversChapter(source, m->chapter_id()));
  }
  if (!sees) {
    PACTO_ASSIGN_OR_RETURN(std::vector<PersonMembership> memberships,
                           MembershipsOfPerson(source, m->person_id()));
    PACTO_ASSIGN_OR_RETURN(sees, SeesPerson(source, memberships));
  }
  if (sees) {
    return ReadLive(source, v1::RECORD_TYPE_PERSON, m->person_id(), m->mutable_person()).status();
  }
  if (m->has_sent_person()) {
    // Whether anything was sent is itself a sign that the person was known elsewhere.
    *m->mutable_person() = std::move(*m->mutable_sent_person());
    m->clear_sent_person();
  } else {
    m->mutable_person()->set_id(m->person_id());
  }
  return absl::OkStatus();
}

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_PERSON_SCOPE_H_
