#include "tests/reports/federation_feeder.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace pacto {
namespace {

constexpr char kPrincipal[] = "test:reports";

// One write in flight: its response and status.
struct Slot {
  absl::Status status;
  std::string what;
  v1::Region region;
  v1::Chapter chapter;
  v1::Affiliation affiliation;
  v1::Membership membership;
  v1::RemoveMemberResponse removed;
  v1::OfficerTerm term;
  v1::FormationRecord formation;
};

class PhaseRunner {
 public:
  PhaseRunner(Registry& registry, IdMap& ids) : registry_(registry), ids_(ids) {}

  absl::Status Run(int phase, const Phase& steps) {
    slots_.clear();
    slots_.resize(steps.size());
    {
      absl::MutexLock lock(&mu_);
      pending_ = static_cast<int>(steps.size());
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      absl::Status submitted =
          std::visit([&](const auto& step) { return Submit(step, &slots_[i]); }, steps[i]);
      if (!submitted.ok()) {
        Finished(&slots_[i], submitted);  // never reached the registry
      }
    }
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](int* pending) { return *pending == 0; }, &pending_));
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      const Slot& slot = slots_[i];
      if (!slot.status.ok()) {
        return absl::Status(slot.status.code(),
                            absl::StrCat("phase ", phase, ", write ", i, " (", slot.what,
                                         "): ", slot.status.message()));
      }
      ++writes_;
      absl::Status recorded =
          std::visit([&](const auto& step) { return Record(step, slot); }, steps[i]);
      if (!recorded.ok()) return recorded;
    }
    return absl::OkStatus();
  }

  uint64_t writes() const { return writes_; }

 private:
  Registry::Done DoneFor(Slot* slot) {
    return [this, slot](absl::Status s) { Finished(slot, std::move(s)); };
  }
  void Finished(Slot* slot, absl::Status s) {
    slot->status = std::move(s);
    absl::MutexLock lock(&mu_);
    --pending_;
  }
  absl::StatusOr<std::string> Id(const std::string& key) const {
    auto it = ids_.find(key);
    if (it == ids_.end()) return absl::InternalError(absl::StrCat("no id yet for key ", key));
    return it->second;
  }

  // --- submitting ---
  absl::Status Submit(const AddRegionStep& s, Slot* slot) {
    slot->what = absl::StrCat("add region ", s.region.code);
    v1::AddRegionRequest req;
    req.mutable_region()->set_code(s.region.code);
    req.mutable_region()->set_name(s.region.name);
    req.mutable_region()->set_level(s.region.level);
    req.mutable_region()->set_parent(s.region.parent);
    registry_.AddRegion(req, kPrincipal, &slot->region, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const AddChapterStep& s, Slot* slot) {
    slot->what = absl::StrCat("add chapter ", s.key);
    v1::AddChapterRequest req;
    req.set_name(s.name);
    req.set_level(s.level);
    req.set_region(s.region);
    req.set_sector(s.sector);
    if (!s.parent.empty()) {
      absl::StatusOr<std::string> parent = Id(s.parent);
      if (!parent.ok()) return parent.status();
      req.set_parent(*parent);
    }
    registry_.AddChapter(req, kPrincipal, &slot->chapter, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const AffiliateStep& s, Slot* slot) {
    slot->what = absl::StrCat("affiliate ", s.child, " to ", s.parent);
    absl::StatusOr<std::string> child = Id(s.child), parent = Id(s.parent);
    if (!child.ok()) return child.status();
    if (!parent.ok()) return parent.status();
    v1::AffiliateRequest req;
    req.set_child(*child);
    req.set_parent(*parent);
    registry_.Affiliate(req, kPrincipal, &slot->affiliation, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const DisaffiliateStep& s, Slot* slot) {
    slot->what = absl::StrCat("disaffiliate ", s.child, " from ", s.parent);
    absl::StatusOr<std::string> child = Id(s.child), parent = Id(s.parent);
    if (!child.ok()) return child.status();
    if (!parent.ok()) return parent.status();
    v1::DisaffiliateRequest req;
    req.set_child(*child);
    req.set_parent(*parent);
    registry_.Disaffiliate(req, kPrincipal, &slot->affiliation, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const UpdateChapterStep& s, Slot* slot) {
    slot->what = absl::StrCat("update chapter ", s.key);
    absl::StatusOr<std::string> id = Id(s.key);
    if (!id.ok()) return id.status();
    v1::UpdateChapterRequest req;
    req.set_id(*id);
    req.set_name(s.name);
    req.set_status(s.status);
    req.set_sector(s.sector);
    registry_.UpdateChapter(req, kPrincipal, &slot->chapter, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const EnrolStep& s, Slot* slot) {
    slot->what = absl::StrCat("enrol ", s.person, " as ", s.membership, " in ", s.chapter);
    absl::StatusOr<std::string> chapter = Id(s.chapter);
    if (!chapter.ok()) return chapter.status();
    v1::EnrolMemberRequest req;
    req.set_chapter(*chapter);
    req.set_name(s.name);
    req.set_national_id(s.national_id);
    req.set_birth_date(s.birth_date);
    req.set_since(s.since);
    registry_.EnrolMember(req, kPrincipal, &slot->membership, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const TransferStep& s, Slot* slot) {
    slot->what = absl::StrCat("transfer ", s.membership, " to ", s.to);
    absl::StatusOr<std::string> id = Id(s.membership), to = Id(s.to);
    if (!id.ok()) return id.status();
    if (!to.ok()) return to.status();
    v1::TransferMemberRequest req;
    req.set_id(*id);
    req.set_to_chapter(*to);
    req.set_date(s.date);
    registry_.TransferMember(req, kPrincipal, &slot->membership, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const EndStep& s, Slot* slot) {
    slot->what = absl::StrCat("end ", s.membership);
    absl::StatusOr<std::string> id = Id(s.membership);
    if (!id.ok()) return id.status();
    v1::EndMembershipRequest req;
    req.set_id(*id);
    req.set_date(s.date);
    registry_.EndMembership(req, kPrincipal, &slot->membership, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const RemoveStep& s, Slot* slot) {
    slot->what = absl::StrCat("remove ", s.membership);
    absl::StatusOr<std::string> id = Id(s.membership);
    if (!id.ok()) return id.status();
    v1::RemoveMemberRequest req;
    req.set_id(*id);
    registry_.RemoveMember(req, kPrincipal, &slot->removed, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const AppointStep& s, Slot* slot) {
    slot->what = absl::StrCat("appoint ", s.term, " in ", s.chapter);
    absl::StatusOr<std::string> chapter = Id(s.chapter), member = Id(s.membership);
    if (!chapter.ok()) return chapter.status();
    if (!member.ok()) return member.status();
    v1::AppointOfficerRequest req;
    req.set_chapter(*chapter);
    req.set_member(*member);
    req.set_role(s.role);
    req.set_start_date(s.start);
    req.set_end_date(s.end);
    registry_.AppointOfficer(req, kPrincipal, &slot->term, DoneFor(slot));
    return absl::OkStatus();
  }
  absl::Status Submit(const FormationStep& s, Slot* slot) {
    slot->what = absl::StrCat("formation ", s.record, " for ", s.membership);
    absl::StatusOr<std::string> member = Id(s.membership);
    if (!member.ok()) return member.status();
    v1::RecordFormationRequest req;
    req.set_member(*member);
    req.set_course(s.course);
    req.set_date(s.date);
    registry_.RecordFormation(req, kPrincipal, &slot->formation, DoneFor(slot));
    return absl::OkStatus();
  }

  // --- recording the ids the node gave ---
  absl::Status Map(const std::string& key, const std::string& id) {
    if (id.empty()) return absl::InternalError(absl::StrCat("the node gave ", key, " no id"));
    auto [it, added] = ids_.emplace(key, id);
    if (!added && it->second != id) {
      return absl::InternalError(absl::StrCat(key, " resolved to ", it->second, " and then to ", id,
                                              ": one person became two"));
    }
    return absl::OkStatus();
  }
  absl::Status Record(const AddRegionStep&, const Slot&) { return absl::OkStatus(); }
  absl::Status Record(const AddChapterStep& s, const Slot& slot) {
    return Map(s.key, slot.chapter.id());
  }
  absl::Status Record(const AffiliateStep&, const Slot&) { return absl::OkStatus(); }
  absl::Status Record(const DisaffiliateStep&, const Slot&) { return absl::OkStatus(); }
  absl::Status Record(const UpdateChapterStep&, const Slot&) { return absl::OkStatus(); }
  absl::Status Record(const EnrolStep& s, const Slot& slot) {
    absl::Status m = Map(s.membership, slot.membership.id());
    if (!m.ok()) return m;
    return Map(s.person, slot.membership.person().id());
  }
  absl::Status Record(const TransferStep& s, const Slot& slot) {
    return Map(s.moved, slot.membership.id());
  }
  absl::Status Record(const EndStep&, const Slot&) { return absl::OkStatus(); }
  absl::Status Record(const RemoveStep&, const Slot&) { return absl::OkStatus(); }
  absl::Status Record(const AppointStep& s, const Slot& slot) {
    return Map(s.term, slot.term.id());
  }
  absl::Status Record(const FormationStep& s, const Slot& slot) {
    return Map(s.record, slot.formation.id());
  }

  Registry& registry_;
  IdMap& ids_;
  std::vector<Slot> slots_;
  uint64_t writes_ = 0;
  absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

absl::StatusOr<FeedResult> FeedFederation(Registry& registry, const std::vector<Phase>& phases) {
  FeedResult result;
  PhaseRunner runner(registry, result.ids);
  for (size_t phase = 0; phase < phases.size(); ++phase) {
    absl::Status s = runner.Run(static_cast<int>(phase), phases[phase]);
    if (!s.ok()) return s;
  }
  result.writes = runner.writes();
  return result;
}

}  // namespace pacto
