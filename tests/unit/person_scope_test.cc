// Person records shared across regions (node/registry/person_scope.h): an enroller
// who enrols a national id already held by a person of another region links to the
// same person and changes nothing about them, sees only what they sent, and the
// difference reaches the person's own operators through `report duplicates`; reads,
// the duplicates report and the audit rule are filtered to the caller's scope. On a
// real database, through the Registry, the report builder and the authorizer.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "node/base/clock.h"
#include "node/base/hlc.h"
#include "node/domain/national_id.h"
#include "node/registry/registry.h"
#include "node/registry/replica.h"
#include "node/reports/duplicates.h"
#include "node/security/authorizer.h"
#include "node/security/method_rules.h"
#include "node/security/scope_resolver.h"
#include "node/store/applier.h"
#include "node/store/commit_pipeline.h"
#include "node/store/database.h"
#include "pacto/v1/admin.pb.h"
#include "tests/reports/expected_reports.h"
#include "tests/reports/report_checks.h"
#include "tests/reports/state_from_records.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2024, 6, 1, 12, 0, 0), absl::UTCTimeZone());

const Caller kNational = Caller::Within("national", "BO");
const Caller kLpz = Caller::Within("lpz-enroller", "LPZ");
const Caller kScz = Caller::Within("scz-enroller", "SCZ");

class PersonScopeTest : public testing::Test {
 protected:
  void SetUp() override {
    // The whole stack of one node, opened as the daemon opens it (replica.h).
    Replica::Options options;
    options.database.path = dir_.Sub("db");
    options.database.node_id = "node-test";
    options.database.write_buffer_bytes = 4 << 20;
    options.database.block_cache_bytes = 1 << 20;
    options.region = "BO";
    options.clock = &clock_;
    options.sync = false;
    absl::StatusOr<std::unique_ptr<Replica>> replica = Replica::Open(std::move(options));
    ASSERT_TRUE(replica.ok()) << replica.status();
    replica_ = *std::move(replica);
    db_ = &replica_->db();
    registry_ = &replica_->registry();
    AddRegion("BO", "");
    AddRegion("LPZ", "BO");
    AddRegion("SCZ", "BO");
    lpz_chapter_ = AddChapter("Sindicato Illimani", "LPZ");
    lpz_other_ = AddChapter("Sindicato Mururata", "LPZ");
    scz_chapter_ = AddChapter("Sindicato Piraí", "SCZ");
    scz_other_ = AddChapter("Sindicato Ichilo", "SCZ");
  }

  void TearDown() override {
    if (replica_ != nullptr) replica_->Close();
  }

  void AddRegion(const std::string& code, const std::string& parent) {
    v1::AddRegionRequest req;
    req.mutable_region()->set_code(code);
    req.mutable_region()->set_name(code);
    req.mutable_region()->set_parent(parent);
    req.mutable_region()->set_level(parent.empty() ? "country" : "department");
    absl::StatusOr<v1::Region> r = Await<v1::Region>(
        [&](v1::Region* out, auto done) { registry_->AddRegion(req, "tester", out, done); });
    ASSERT_TRUE(r.ok()) << r.status();
  }

  std::string AddChapter(const std::string& name, const std::string& region) {
    v1::AddChapterRequest req;
    req.set_name(name);
    req.set_level("sindicato");
    req.set_region(region);
    absl::StatusOr<v1::Chapter> c = Await<v1::Chapter>(
        [&](v1::Chapter* out, auto done) { registry_->AddChapter(req, "tester", out, done); });
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->id() : "";
  }

  absl::StatusOr<v1::Membership> Enrol(const Caller& caller, const std::string& chapter,
                                       const std::string& name, const std::string& national_id,
                                       const std::string& birth_date) {
    v1::EnrolMemberRequest req;
    req.set_chapter(chapter);
    req.set_name(name);
    req.set_national_id(national_id);
    req.set_birth_date(birth_date);
    return Await<v1::Membership>(
        [&](v1::Membership* out, auto done) { registry_->EnrolMember(req, caller, out, done); });
  }

  v1::Membership MustEnrol(const Caller& caller, const std::string& chapter,
                           const std::string& name, const std::string& national_id,
                           const std::string& birth_date) {
    absl::StatusOr<v1::Membership> m = Enrol(caller, chapter, name, national_id, birth_date);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : v1::Membership();
  }

  v1::Membership Get(const std::string& id, const Caller& caller) {
    v1::GetMemberRequest req;
    req.set_id(id);
    absl::StatusOr<v1::Membership> m = registry_->GetMember(req, caller);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : v1::Membership();
  }

  std::vector<v1::DuplicateRow> Duplicates(const Caller& caller) {
    ReportContext ctx;
    ctx.db = db_;
    ctx.now = kNow;
    std::vector<v1::DuplicateRow> rows;
    absl::Status s = BuildDuplicates(ctx, v1::DuplicatesRequest(), caller,
                                     [&](const v1::DuplicatesResponse& chunk) {
                                       for (const v1::DuplicateRow& r : chunk.rows()) {
                                         rows.push_back(r);
                                       }
                                       return true;
                                     });
    EXPECT_TRUE(s.ok()) << s;
    return rows;
  }

  // The authorizer's answer to `pacto audit --record ID` by an operator of `region`.
  absl::Status Audit(const std::string& region, const std::string& record) {
    ScopeResolver resolver(db_);
    Authorizer authorizer(&resolver, "BO");
    Principal who;
    who.kind = Principal::Kind::kToken;
    who.name = "operator";
    who.role = Role::kOperator;
    who.region = region;
    v1::AuditRequest req;
    req.set_record(record);
    return authorizer.Authorize(*FindMethodRule("/pacto.v1.Admin/Audit"), who, &req);
  }

  TempDir dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<Replica> replica_;
  Database* db_ = nullptr;        // the replica's
  Registry* registry_ = nullptr;  // the replica's
  std::string lpz_chapter_, lpz_other_, scz_chapter_, scz_other_;
};

TEST_F(PersonScopeTest, EnrolmentFromOutsideLinksAndChangesNothing) {
  v1::Membership ana = MustEnrol(kLpz, lpz_chapter_, "Ana Quispe", "4455667", "1980-03-04");
  absl::StatusOr<v1::Membership> probe =
      Enrol(kScz, scz_chapter_, "Mallory Guess", "4455667", "1999-09-09");
  ASSERT_TRUE(probe.ok()) << probe.status();

  // Linked to the same person; the answer is what was sent.
  EXPECT_EQ(probe->person_id(), ana.person_id());
  EXPECT_EQ(probe->person().name(), "Mallory Guess");
  EXPECT_EQ(probe->person().birth_date(), "1999-09-09");
  EXPECT_FALSE(probe->has_sent_person());  // nothing says the person was known

  // The person is unchanged, for everyone who sees the record.
  for (const Caller& caller : {kLpz, kNational, Caller::Everything("dev")}) {
    v1::Membership read = Get(ana.id(), caller);
    EXPECT_EQ(read.person().name(), "Ana Quispe") << caller.principal;
    EXPECT_EQ(read.person().birth_date(), "1980-03-04") << caller.principal;
  }
  // The prober reads back what they sent, in every read of their own chapter.
  EXPECT_EQ(Get(probe->id(), kScz).person().name(), "Mallory Guess");
  EXPECT_EQ(Get(probe->id(), kScz).person().birth_date(), "1999-09-09");
  v1::ListMembersRequest list;
  list.set_chapter(scz_chapter_);
  absl::StatusOr<v1::ListMembersResponse> members = registry_->ListMembers(list, kScz);
  ASSERT_TRUE(members.ok()) << members.status();
  ASSERT_EQ(members->members_size(), 1);
  EXPECT_EQ(members->members(0).person().name(), "Mallory Guess");
  EXPECT_NE(members->DebugString().find("Mallory"), std::string::npos);
  EXPECT_EQ(members->DebugString().find("Ana"), std::string::npos);
  EXPECT_EQ(members->DebugString().find("1980"), std::string::npos);

  // An import row from SCZ changes nothing either.
  v1::ImportRow row;
  row.set_line(2);
  row.set_chapter(scz_other_);
  row.set_name("Import Guess");
  row.set_national_id("4455667");
  absl::StatusOr<v1::ImportMembersResponse> imported =
      Await<v1::ImportMembersResponse>([&](v1::ImportMembersResponse* out, auto done) {
        registry_->ImportRows({row}, kScz, out, done);
      });
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->accepted(), 1u);
  EXPECT_EQ(Get(ana.id(), kLpz).person().name(), "Ana Quispe");
  EXPECT_EQ(Get(ana.id(), kLpz).person().birth_date(), "1980-03-04");
}

TEST_F(PersonScopeTest, CallerCoveringEveryMembershipStillUpdates) {
  v1::Membership ana = MustEnrol(kLpz, lpz_chapter_, "Ana Quispe", "4455667", "1980-03-04");
  // The same region: the person is theirs.
  v1::Membership again = MustEnrol(kLpz, lpz_other_, "Ana María Quispe", "4455667", "");
  EXPECT_FALSE(again.has_sent_person());
  EXPECT_EQ(Get(ana.id(), kLpz).person().name(), "Ana María Quispe");
  EXPECT_EQ(Get(ana.id(), kLpz).person().birth_date(), "1980-03-04");
  // The national level covers LPZ and SCZ.
  MustEnrol(kNational, scz_chapter_, "Ana M. Quispe", "4455667", "1980-03-05");
  EXPECT_EQ(Get(ana.id(), kLpz).person().name(), "Ana M. Quispe");
  EXPECT_EQ(Get(ana.id(), kLpz).person().birth_date(), "1980-03-05");
}

TEST_F(PersonScopeTest, ReadsOfPersonLinkedDataStayInScope) {
  v1::Membership ana = MustEnrol(kLpz, lpz_chapter_, "Ana Quispe", "4455667", "1980-03-04");
  v1::RecordFormationRequest course;
  course.set_member(ana.id());
  course.set_course("Escuela de formación política");
  course.set_date("2024-05-01");
  ASSERT_TRUE(Await<v1::FormationRecord>([&](v1::FormationRecord* out, auto done) {
                registry_->RecordFormation(course, "tester", out, done);
              }).ok());
  v1::Membership probe = MustEnrol(kScz, scz_chapter_, "Mallory Guess", "4455667", "1999-09-09");

  v1::ListFormationRequest formation;
  formation.set_member(probe.id());
  absl::StatusOr<v1::ListFormationResponse> seen = registry_->ListFormation(formation, kScz);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->records_size(), 0);
  EXPECT_EQ(registry_->ListFormation(formation, kNational)->records_size(), 1);

  // A transfer inside SCZ keeps what was sent, and answers with it.
  v1::TransferMemberRequest transfer;
  transfer.set_id(probe.id());
  transfer.set_to_chapter(scz_other_);
  absl::StatusOr<v1::Membership> moved = Await<v1::Membership>([&](v1::Membership* out, auto done) {
    registry_->TransferMember(transfer, kScz, out, done);
  });
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->person().name(), "Mallory Guess");
  EXPECT_EQ(Get(moved->id(), kScz).person().name(), "Mallory Guess");
  EXPECT_EQ(Get(ana.id(), kNational).person().name(), "Ana Quispe");
}

TEST_F(PersonScopeTest, DuplicatesShowDiscrepancyToTheRecordsOwnersOnly) {
  v1::Membership ana = MustEnrol(kLpz, lpz_chapter_, "Ana Quispe", "4455667", "1980-03-04");
  v1::Membership probe = MustEnrol(kScz, scz_chapter_, "Mallory Guess", "4455667", "1999-09-09");

  auto discrepancies = [](const std::vector<v1::DuplicateRow>& rows) {
    std::vector<v1::DuplicateRow> out;
    for (const v1::DuplicateRow& r : rows) {
      if (r.kind() == "discrepancy") out.push_back(r);
    }
    return out;
  };
  std::vector<v1::DuplicateRow> national = discrepancies(Duplicates(kNational));
  ASSERT_EQ(national.size(), 1u);
  EXPECT_EQ(national[0].person_ids(0), ana.person_id());
  EXPECT_EQ(national[0].membership_ids_size(), 2);
  EXPECT_TRUE(absl::StrContains(national[0].detail(), probe.id())) << national[0].detail();
  EXPECT_TRUE(absl::StrContains(national[0].detail(), "name and birth date"));

  std::vector<v1::DuplicateRow> lpz = discrepancies(Duplicates(kLpz));
  ASSERT_EQ(lpz.size(), 1u);
  ASSERT_EQ(lpz[0].membership_ids_size(), 1);
  EXPECT_EQ(lpz[0].membership_ids(0), ana.id());
  EXPECT_FALSE(absl::StrContains(lpz[0].detail(), probe.id()));

  // The prober learns nothing: no row at all names the person or LPZ's membership.
  for (const v1::DuplicateRow& row : Duplicates(kScz)) {
    EXPECT_FALSE(absl::StrContains(row.DebugString(), ana.id())) << row.DebugString();
    EXPECT_FALSE(absl::StrContains(row.DebugString(), ana.person_id())) << row.DebugString();
  }
  // Names and dates never appear.
  for (const v1::DuplicateRow& row : Duplicates(kNational)) {
    EXPECT_FALSE(absl::StrContains(row.DebugString(), "Quispe"));
    EXPECT_FALSE(absl::StrContains(row.DebugString(), "1999"));
  }
  // Sending the stored values from outside is no discrepancy, so nothing to show.
  MustEnrol(kScz, scz_other_, "Ana Quispe", "4455667", "1980-03-04");
  EXPECT_EQ(discrepancies(Duplicates(kNational)).size(), 1u);
}

// The discrepancy rows against the reports' independent recount (tests/reports).
TEST_F(PersonScopeTest, DiscrepanciesMatchTheRecount) {
  MustEnrol(kLpz, lpz_chapter_, "Ana Quispe", "4455667", "1980-03-04");
  MustEnrol(kScz, scz_chapter_, "Mallory Guess", "4455667", "1999-09-09");
  MustEnrol(kScz, scz_other_, "Ana Quispe", "4455667", "1980-01-01");  // only the date
  MustEnrol(kLpz, lpz_other_, "Eva Mamani", "99887766", "");
  MustEnrol(kScz, scz_chapter_, "Eva Mamani", "99887766", "");  // no difference
  absl::StatusOr<FederationState> state = StateFromRecords(*db_);
  ASSERT_TRUE(state.ok()) << state.status();
  ReportContext ctx;
  ctx.db = db_;
  ctx.now = kNow;
  absl::StatusOr<std::vector<v1::DuplicateRow>> rows = RunDuplicates(ctx, false);
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::vector<v1::DuplicateRow> expected = ExpectedDuplicates(*state, false);
  EXPECT_EQ(expected.size(), 2u);
  ExpectDuplicatesMatch("duplicates", *rows, expected);
}

TEST_F(PersonScopeTest, DuplicatesAcrossConfederationsCountOnlyWhatTheCallerCovers) {
  // Two people without a national id, same name and birth date, one per region.
  MustEnrol(kLpz, lpz_chapter_, "Juan Mamani", "", "1970-01-01");
  MustEnrol(kScz, scz_chapter_, "Juan Mamani", "", "1970-01-01");
  auto same_name = [](const std::vector<v1::DuplicateRow>& rows) {
    int n = 0;
    for (const v1::DuplicateRow& r : rows) n += r.kind() == "same_name_and_birth_date";
    return n;
  };
  EXPECT_EQ(same_name(Duplicates(kNational)), 1);
  EXPECT_EQ(same_name(Duplicates(kLpz)), 0);
  EXPECT_EQ(same_name(Duplicates(kScz)), 0);
}

TEST_F(PersonScopeTest, ErasingTheOwningMembershipLeavesNoNameBehind) {
  v1::Membership ana = MustEnrol(kLpz, lpz_chapter_, "Ana Quispe", "4455667", "1980-03-04");
  v1::Membership probe = MustEnrol(kScz, scz_chapter_, "Mallory Guess", "4455667", "1999-09-09");
  v1::RemoveMemberRequest remove;
  remove.set_id(ana.id());
  absl::StatusOr<v1::RemoveMemberResponse> removed =
      Await<v1::RemoveMemberResponse>([&](v1::RemoveMemberResponse* out, auto done) {
        registry_->RemoveMember(remove, "lpz-enroller", out, done);
      });
  ASSERT_TRUE(removed.ok()) << removed.status();
  // The person lives on for SCZ's membership, as SCZ sent them.
  v1::Membership left = Get(probe.id(), kNational);
  EXPECT_EQ(left.person().name(), "Mallory Guess");
  EXPECT_EQ(left.person().birth_date(), "1999-09-09");
  EXPECT_EQ(left.person().id(), ana.person_id());
}

TEST_F(PersonScopeTest, AuditOfAPersonFollowsTheMembershipsThatOwnIt) {
  v1::Membership ana = MustEnrol(kLpz, lpz_chapter_, "Ana Quispe", "4455667", "1980-03-04");
  MustEnrol(kScz, scz_chapter_, "Mallory Guess", "4455667", "1999-09-09");
  EXPECT_TRUE(Audit("LPZ", ana.person_id()).ok());
  EXPECT_TRUE(Audit("BO", ana.person_id()).ok());
  // The prober's last write does not make the person theirs.
  absl::Status scz = Audit("SCZ", ana.person_id());
  EXPECT_EQ(scz.code(), absl::StatusCode::kNotFound) << scz;
  EXPECT_EQ(scz.message(), NoRecordError(ana.person_id()).message());
}

}  // namespace
}  // namespace pacto
