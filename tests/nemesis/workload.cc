#include "tests/nemesis/workload.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "node/domain/levels.h"
#include "node/registry/registry.h"
#include "node/store/keys.h"
#include "node/store/log_reader.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "node/store/record_state.h"

namespace pacto {
namespace {

// Refusals a random write may meet; anything else means the node is broken.
bool IsOrdinaryRefusal(const absl::Status& s) {
  return absl::IsInvalidArgument(s) || absl::IsNotFound(s) || absl::IsAlreadyExists(s) ||
         absl::IsFailedPrecondition(s);
}

std::string Principal(const SimNode& node) { return absl::StrCat("enroller@", node.id()); }

const std::string& LevelName(int rank) { return ChapterLevels()[rank - 1]; }

}  // namespace

Workload::Workload(NemesisWorld* world) : world_(world) {
  // National ids shared across regions: the same person enrolled in two partitions.
  for (int i = 0; i < 24; ++i) {
    national_ids_.push_back(absl::StrFormat("%d LP", 4000000 + world_->Below(900000)));
  }
}

template <typename Response, typename Call>
bool Workload::Write(SimNode& node, const std::string& what, Call call, Response* out) {
  const VersionVector seen = node.State().version_vector;
  ++ledger_.attempted;
  absl::StatusOr<Response> r = Await<Response>(call);
  if (!r.ok()) {
    ++ledger_.refused;
    EXPECT_TRUE(IsOrdinaryRefusal(r.status())) << node.id() << " " << what << ": " << r.status();
    if (getenv("NEMESIS_DEBUG"))
      fprintf(stderr, "REFUSED %s %s: %s\n", node.id().c_str(), what.c_str(),
              std::string(r.status().message()).c_str());
    return false;
  }
  if (out != nullptr) *out = *r;
  const uint64_t before = seen.Get(node.id());
  const uint64_t after = node.State().version_vector.Get(node.id());
  if (after == before + 1) {
    RecordAck(node, what, seen, after);
  } else {
    EXPECT_EQ(after, before) << node.id() << " " << what << " used several sequence numbers";
  }
  ++ledger_.acked_by_kind[what];
  return true;
}

void Workload::RecordAck(SimNode& node, const std::string& what, const VersionVector& seen,
                         uint64_t seq) {
  AckedWrite ack;
  ack.node = node.id();
  ack.what = what;
  ack.dot.set_origin(node.id());
  ack.dot.set_seq(seq);
  ack.seen = seen;
  ReadView view(&node.db());
  uint64_t position = 0;
  absl::StatusOr<bool> found = FindInLog(view, node.id(), seq, &position);
  std::string value;
  v1::Entry entry;
  ASSERT_TRUE(found.ok() && *found) << node.id() << ":" << seq << " acknowledged but not logged";
  absl::StatusOr<bool> got = view.Get(node.db().log(), LogKey(position), &value);
  ASSERT_TRUE(got.ok() && *got && entry.ParseFromString(value));
  ack.ops.assign(entry.ops().begin(), entry.ops().end());
  for (const v1::Op& op : ack.ops) {
    if (op.type() != v1::RECORD_TYPE_PERSON || op.kind() != v1::Op::PUT) continue;
    v1::RecordState state;
    ASSERT_TRUE(ReadState(view, op.type(), op.id(), &state).ok());
    for (const v1::Version& v : state.versions()) {
      v1::Person person;
      if (SameDot(v.dot(), ack.dot) && person.ParseFromString(v.value())) {
        ledger_.names.push_back(PersonName{op.id(), ack.dot, person.name()});
      }
    }
  }
  ledger_.acked.push_back(std::move(ack));
}

std::string Workload::NewName() { return absl::StrFormat("Persona %06d Mamani", ++names_); }

std::string Workload::PickNationalId() {
  return national_ids_[world_->Below(national_ids_.size())];
}

std::string Workload::PickMembership(SimNode& node) {
  if (memberships_.empty()) return "mb-none";
  std::string id;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (world_->Chance(0.5)) {
      const size_t recent = std::min<size_t>(8, memberships_.size());
      id = memberships_[memberships_.size() - 1 - world_->Below(recent)];
    } else {
      id = memberships_[world_->Below(memberships_.size())];
    }
    v1::GetMemberRequest get;
    get.set_id(id);
    if (node.registry().GetMember(get, Caller::Everything("nemesis")).ok()) break;
  }
  return id;
}

const Workload::ChapterRef& Workload::PickChapter(bool hot) {
  // The first chapters are the top of the structure; the next few are "hot": updated
  // from every node, so concurrent versions are common.
  const size_t top = 4;
  if (hot && chapters_.size() > top) {
    const size_t n = std::min<size_t>(4, chapters_.size() - top);
    return chapters_[top + world_->Below(n)];
  }
  return chapters_[world_->Below(chapters_.size())];
}

const Workload::ChapterRef* Workload::PickParent(int rank) {
  std::vector<const ChapterRef*> candidates;
  for (const ChapterRef& c : chapters_) {
    if (c.rank > rank) candidates.push_back(&c);
  }
  if (candidates.empty()) return nullptr;
  return candidates[world_->Below(candidates.size())];
}

std::string Workload::HomeRegionFor(SimNode& node) {
  std::vector<std::string> mine;
  for (const std::string& code : regions_) {
    if (absl::StartsWith(code, absl::StrCat(node.region(), "-"))) mine.push_back(code);
  }
  if (mine.empty() || world_->Chance(0.6)) return node.region();
  return mine[world_->Below(mine.size())];
}

std::string Workload::AddChapterOn(SimNode& node, const std::string& name, const std::string& level,
                                   const std::string& region, const std::string& parent) {
  v1::AddChapterRequest req;
  req.set_name(name);
  req.set_level(level);
  req.set_region(region);
  req.set_parent(parent);
  if (world_->Chance(0.3)) req.set_sector("agrario");
  v1::Chapter chapter;
  if (!Write(
          node, "add chapter",
          [&](v1::Chapter* out, auto done) {
            node.registry().AddChapter(req, Principal(node), out, done);
          },
          &chapter)) {
    return "";
  }
  chapters_.push_back(ChapterRef{chapter.id(), region, ChapterLevelRank(level)});
  return chapter.id();
}

void Workload::Bootstrap(SimNode& national) {
  auto add_region = [&](const std::string& code, const std::string& name,
                        const std::string& parent) {
    v1::AddRegionRequest req;
    req.mutable_region()->set_code(code);
    req.mutable_region()->set_name(name);
    req.mutable_region()->set_parent(parent);
    v1::Region region;
    ASSERT_TRUE(Write(
        national, "add region",
        [&](v1::Region* out, auto done) {
          national.registry().AddRegion(req, Principal(national), out, done);
        },
        &region));
    regions_.push_back(code);
  };
  add_region("BO", "Bolivia", "");
  add_region("LPZ", "La Paz", "BO");
  add_region("SCZ", "Santa Cruz", "BO");
  const std::string pact = AddChapterOn(national, "Pacto de Unidad", "pact", "BO", "");
  const std::string confederation =
      AddChapterOn(national, "Confederacion Sindical Unica", "confederation", "BO", pact);
  AddChapterOn(national, "Federacion Departamental de La Paz", "federation", "LPZ", confederation);
  AddChapterOn(national, "Federacion Departamental de Santa Cruz", "federation", "SCZ",
               confederation);
  ASSERT_EQ(chapters_.size(), 4u);
}

void Workload::RandomWrite(SimNode& node) {
  struct Choice {
    int weight;
    void (Workload::*write)(SimNode&);
  };
  static const Choice kChoices[] = {
      {3, &Workload::AddRegion},       {9, &Workload::AddChapter},
      {10, &Workload::UpdateChapter},  {8, &Workload::ChangeAffiliation},
      {20, &Workload::Enrol},          {6, &Workload::Import},
      {9, &Workload::Transfer},        {7, &Workload::End},
      {10, &Workload::Remove},         {6, &Workload::AppointOfficer},
      {6, &Workload::RecordFormation},
  };
  int total = 0;
  for (const Choice& c : kChoices) total += c.weight;
  int pick = static_cast<int>(world_->Below(total));
  for (const Choice& c : kChoices) {
    if (pick < c.weight) return (this->*c.write)(node);
    pick -= c.weight;
  }
}

void Workload::AddRegion(SimNode& node) {
  static const char* kSuffixes[] = {"A", "B", "C"};
  v1::AddRegionRequest req;
  const std::string code = absl::StrCat(node.region(), "-", kSuffixes[world_->Below(3)]);
  req.mutable_region()->set_code(code);
  req.mutable_region()->set_name(absl::StrCat("Provincia ", code));
  req.mutable_region()->set_parent(node.region());
  v1::Region region;
  if (Write(
          node, "add region",
          [&](v1::Region* out, auto done) {
            node.registry().AddRegion(req, Principal(node), out, done);
          },
          &region) &&
      std::find(regions_.begin(), regions_.end(), code) == regions_.end()) {
    regions_.push_back(code);
  }
}

void Workload::AddChapter(SimNode& node) {
  static const int kRanks[] = {1, 1, 1, 1, 2, 2, 3, 4};
  const int rank = kRanks[world_->Below(8)];
  std::string parent;
  if (world_->Chance(0.6)) {
    if (const ChapterRef* p = PickParent(rank)) parent = p->id;
  }
  AddChapterOn(node, absl::StrCat("Sindicato ", ++names_), LevelName(rank), HomeRegionFor(node),
               parent);
}

void Workload::UpdateChapter(SimNode& node) {
  static const char* kStatuses[] = {"active", "inactive", "dissolved"};
  static const char* kSectors[] = {"agrario", "minero", "fabril", "gremial", "transporte"};
  v1::UpdateChapterRequest req;
  req.set_id(PickChapter(world_->Chance(0.6)).id);
  switch (world_->Below(3)) {
    case 0:
      req.set_name(absl::StrCat("Sindicato renovado ", ++names_));
      break;
    case 1:
      req.set_status(kStatuses[world_->Below(3)]);
      break;
    default:
      req.set_sector(kSectors[world_->Below(5)]);
  }
  Write(
      node, "update chapter",
      [&](v1::Chapter* out, auto done) {
        node.registry().UpdateChapter(req, Principal(node), out, done);
      },
      static_cast<v1::Chapter*>(nullptr));
}

void Workload::ChangeAffiliation(SimNode& node) {
  const ChapterRef child = PickChapter(world_->Chance(0.5));
  v1::GetChapterRequest get;
  get.set_id(child.id);
  absl::StatusOr<v1::Chapter> current = node.registry().GetChapter(get);
  if (current.ok() && !current->parent().empty()) {
    v1::DisaffiliateRequest req;
    req.set_child(child.id);
    req.set_parent(current->parent());
    Write(
        node, "disaffiliate",
        [&](v1::Affiliation* out, auto done) {
          node.registry().Disaffiliate(req, Principal(node), out, done);
        },
        static_cast<v1::Affiliation*>(nullptr));
    return;
  }
  const ChapterRef* parent = PickParent(child.rank);
  if (parent == nullptr) return;
  v1::AffiliateRequest req;
  req.set_child(child.id);
  req.set_parent(parent->id);
  Write(
      node, "affiliate",
      [&](v1::Affiliation* out, auto done) {
        node.registry().Affiliate(req, Principal(node), out, done);
      },
      static_cast<v1::Affiliation*>(nullptr));
}

void Workload::Enrol(SimNode& node) {
  v1::EnrolMemberRequest req;
  req.set_chapter(PickChapter(false).id);
  req.set_name(NewName());
  if (world_->Chance(0.5)) req.set_national_id(PickNationalId());
  if (world_->Chance(0.3))
    req.set_birth_date(absl::StrFormat("19%02d-0%d-1%d", 50 + world_->Below(50),
                                       1 + world_->Below(9), world_->Below(10)));
  v1::Membership m;
  if (Write(
          node, "enrol",
          [&](v1::Membership* out, auto done) {
            node.registry().EnrolMember(req, Principal(node), out, done);
          },
          &m)) {
    memberships_.push_back(m.id());
  }
}

void Workload::Import(SimNode& node) {
  std::vector<v1::ImportRow> rows;
  const int n = 2 + static_cast<int>(world_->Below(4));
  for (int i = 0; i < n; ++i) {
    v1::ImportRow row;
    row.set_line(i + 2);
    row.set_chapter(world_->Chance(0.1) ? "ch-unknown" : PickChapter(false).id);
    row.set_name(NewName());
    if (world_->Chance(0.4)) row.set_national_id(PickNationalId());
    if (world_->Chance(0.1)) row.set_birth_date("1850-01-01");  // refused: before 1900
    rows.push_back(std::move(row));
  }
  v1::ImportMembersResponse response;
  Write(
      node, "import",
      [&](v1::ImportMembersResponse* out, auto done) {
        node.registry().ImportRows(rows, Principal(node), out, done);
      },
      &response);
  // The new memberships are in the ledger's ops; the pool learns them from there.
  if (!ledger_.acked.empty() && ledger_.acked.back().what == "import" &&
      ledger_.acked.back().node == node.id()) {
    for (const v1::Op& op : ledger_.acked.back().ops) {
      if (op.type() == v1::RECORD_TYPE_MEMBERSHIP) memberships_.push_back(op.id());
    }
  }
}

void Workload::Transfer(SimNode& node) {
  v1::TransferMemberRequest req;
  req.set_id(PickMembership(node));
  req.set_to_chapter(PickChapter(false).id);
  v1::Membership m;
  if (Write(
          node, "transfer",
          [&](v1::Membership* out, auto done) {
            node.registry().TransferMember(req, Principal(node), out, done);
          },
          &m)) {
    memberships_.push_back(m.id());
  }
}

void Workload::End(SimNode& node) {
  v1::EndMembershipRequest req;
  req.set_id(PickMembership(node));
  Write(
      node, "end",
      [&](v1::Membership* out, auto done) {
        node.registry().EndMembership(req, Principal(node), out, done);
      },
      static_cast<v1::Membership*>(nullptr));
}

void Workload::Remove(SimNode& node) {
  v1::RemoveMemberRequest req;
  req.set_id(PickMembership(node));
  Write(
      node, "remove",
      [&](v1::RemoveMemberResponse* out, auto done) {
        node.registry().RemoveMember(req, Principal(node), out, done);
      },
      static_cast<v1::RemoveMemberResponse*>(nullptr));
}

void Workload::AppointOfficer(SimNode& node) {
  static const char* kRoles[] = {"secretario general", "secretaria de actas", "tesorero"};
  v1::AppointOfficerRequest req;
  req.set_member(PickMembership(node));
  v1::GetMemberRequest get;
  get.set_id(req.member());
  absl::StatusOr<v1::Membership> m = node.registry().GetMember(get, Caller::Everything("nemesis"));
  req.set_chapter(m.ok() ? m->chapter_id() : PickChapter(false).id);
  req.set_role(kRoles[world_->Below(3)]);
  Write(
      node, "officer",
      [&](v1::OfficerTerm* out, auto done) {
        node.registry().AppointOfficer(req, Principal(node), out, done);
      },
      static_cast<v1::OfficerTerm*>(nullptr));
}

void Workload::RecordFormation(SimNode& node) {
  static const char* kCourses[] = {"Escuela de formacion politica", "Historia del movimiento",
                                   "Organizacion sindical"};
  v1::RecordFormationRequest req;
  req.set_member(PickMembership(node));
  req.set_course(kCourses[world_->Below(3)]);
  req.set_date(absl::StrFormat("2024-%02d-%02d", 1 + world_->Below(12), 1 + world_->Below(28)));
  Write(
      node, "formation",
      [&](v1::FormationRecord* out, auto done) {
        node.registry().RecordFormation(req, Principal(node), out, done);
      },
      static_cast<v1::FormationRecord*>(nullptr));
}

}  // namespace pacto
