// Tests of the registry's validated writes and snapshot reads (node/registry/registry.h)
// on a real database, and of the tallies the apply path keeps for the summary report,
// checked against hand-computed values and against a full recount of the records.
#include "node/registry/registry.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "node/base/clock.h"
#include "node/base/hlc.h"
#include "node/domain/national_id.h"
#include "node/registry/record_writer.h"
#include "node/reports/report_context.h"
#include "node/reports/tree.h"
#include "node/store/applier.h"
#include "node/store/commit_pipeline.h"
#include "node/store/database.h"
#include "node/store/keys.h"
#include "node/store/log_reader.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "node/store/tallies.h"
#include "pacto/v1/model.pb.h"
#include "tests/unit/recount.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

using absl::StatusCode;

// 2024-06-01 12:00 UTC: "today" for every test.
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2024, 6, 1, 12, 0, 0), absl::UTCTimeZone());
constexpr char kToday[] = "2024-06-01";

// Checks the code and that the message begins with "field:".
#define EXPECT_ERROR(expr, want_code, want_field)                                                 \
  do {                                                                                            \
    const absl::Status pacto_s_ = (expr).status();                                                \
    EXPECT_EQ(pacto_s_.code(), (want_code)) << pacto_s_;                                          \
    EXPECT_TRUE(absl::StartsWith(pacto_s_.message(), absl::StrCat(want_field, ":"))) << pacto_s_; \
  } while (0)

class RegistryTest : public testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.path = dir_.Sub("db");
    options.node_id = "node-test";
    options.write_buffer_bytes = 4 << 20;
    options.block_cache_bytes = 1 << 20;
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    applier_ = std::make_unique<Applier>(db_.get());
    ASSERT_TRUE(applier_->Reload().ok());
    hlc_ = std::make_unique<HybridClock>(&clock_, absl::Seconds(5));
    CommitPipeline::Options pipeline_options;
    pipeline_options.node_id = "node-test";
    pipeline_options.node_region = "BO";
    pipeline_options.sync = false;
    pipeline_ = std::make_unique<CommitPipeline>(db_.get(), applier_.get(), hlc_.get(), &clock_,
                                                 pipeline_options);
    registry_ = std::make_unique<Registry>(db_.get(), pipeline_.get(), FederationKey::Development(),
                                           &clock_);
  }

  void TearDown() override {
    pipeline_->Stop();
    registry_.reset();
    pipeline_.reset();
    hlc_.reset();
    applier_.reset();
    db_.reset();
  }

  // --- writes ---

  absl::StatusOr<v1::Region> AddRegion(const std::string& code, const std::string& name,
                                       const std::string& parent = "",
                                       const std::string& level = "") {
    v1::AddRegionRequest req;
    req.mutable_region()->set_code(code);
    req.mutable_region()->set_name(name);
    req.mutable_region()->set_parent(parent);
    req.mutable_region()->set_level(level);
    return Await<v1::Region>(
        [&](v1::Region* out, auto done) { registry_->AddRegion(req, "tester", out, done); });
  }

  absl::StatusOr<v1::Chapter> AddChapter(const std::string& name, const std::string& level,
                                         const std::string& region, const std::string& parent = "",
                                         const std::string& founded = "") {
    v1::AddChapterRequest req;
    req.set_name(name);
    req.set_level(level);
    req.set_region(region);
    req.set_parent(parent);
    req.set_founded(founded);
    return Await<v1::Chapter>(
        [&](v1::Chapter* out, auto done) { registry_->AddChapter(req, "tester", out, done); });
  }

  // A chapter that must be created; its id.
  std::string MustAddChapter(const std::string& name, const std::string& level,
                             const std::string& region, const std::string& parent = "") {
    absl::StatusOr<v1::Chapter> c = AddChapter(name, level, region, parent);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->id() : "";
  }

  absl::StatusOr<v1::Affiliation> Affiliate(const std::string& child, const std::string& parent,
                                            const std::string& since = "") {
    v1::AffiliateRequest req;
    req.set_child(child);
    req.set_parent(parent);
    req.set_since(since);
    return Await<v1::Affiliation>(
        [&](v1::Affiliation* out, auto done) { registry_->Affiliate(req, "tester", out, done); });
  }

  absl::StatusOr<v1::Affiliation> Disaffiliate(const std::string& child, const std::string& parent,
                                               const std::string& until = "") {
    v1::DisaffiliateRequest req;
    req.set_child(child);
    req.set_parent(parent);
    req.set_until(until);
    return Await<v1::Affiliation>([&](v1::Affiliation* out, auto done) {
      registry_->Disaffiliate(req, "tester", out, done);
    });
  }

  absl::StatusOr<v1::Membership> Enrol(const std::string& chapter, const std::string& name,
                                       const std::string& national_id = "",
                                       const std::string& birth_date = "",
                                       const std::string& since = "") {
    v1::EnrolMemberRequest req;
    req.set_chapter(chapter);
    req.set_name(name);
    req.set_national_id(national_id);
    req.set_birth_date(birth_date);
    req.set_since(since);
    return Await<v1::Membership>(
        [&](v1::Membership* out, auto done) { registry_->EnrolMember(req, "tester", out, done); });
  }

  v1::Membership MustEnrol(const std::string& chapter, const std::string& name,
                           const std::string& national_id = "") {
    absl::StatusOr<v1::Membership> m = Enrol(chapter, name, national_id);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : v1::Membership();
  }

  absl::StatusOr<v1::Membership> Transfer(const std::string& id, const std::string& to,
                                          const std::string& date = "") {
    v1::TransferMemberRequest req;
    req.set_id(id);
    req.set_to_chapter(to);
    req.set_date(date);
    return Await<v1::Membership>([&](v1::Membership* out, auto done) {
      registry_->TransferMember(req, "tester", out, done);
    });
  }

  absl::StatusOr<v1::Membership> End(const std::string& id, const std::string& date = "") {
    v1::EndMembershipRequest req;
    req.set_id(id);
    req.set_date(date);
    return Await<v1::Membership>([&](v1::Membership* out, auto done) {
      registry_->EndMembership(req, "tester", out, done);
    });
  }

  absl::StatusOr<v1::RemoveMemberResponse> Remove(const std::string& id) {
    v1::RemoveMemberRequest req;
    req.set_id(id);
    return Await<v1::RemoveMemberResponse>([&](v1::RemoveMemberResponse* out, auto done) {
      registry_->RemoveMember(req, "tester", out, done);
    });
  }

  absl::StatusOr<v1::OfficerTerm> Appoint(const std::string& chapter, const std::string& member,
                                          const std::string& role, const std::string& start = "",
                                          const std::string& end = "") {
    v1::AppointOfficerRequest req;
    req.set_chapter(chapter);
    req.set_member(member);
    req.set_role(role);
    req.set_start_date(start);
    req.set_end_date(end);
    return Await<v1::OfficerTerm>([&](v1::OfficerTerm* out, auto done) {
      registry_->AppointOfficer(req, "tester", out, done);
    });
  }

  absl::StatusOr<v1::FormationRecord> RecordFormation(const std::string& member,
                                                      const std::string& course,
                                                      const std::string& date) {
    v1::RecordFormationRequest req;
    req.set_member(member);
    req.set_course(course);
    req.set_date(date);
    return Await<v1::FormationRecord>([&](v1::FormationRecord* out, auto done) {
      registry_->RecordFormation(req, "tester", out, done);
    });
  }

  absl::StatusOr<v1::ImportMembersResponse> Import(std::vector<v1::ImportRow> rows) {
    return Await<v1::ImportMembersResponse>([&](v1::ImportMembersResponse* out, auto done) {
      registry_->ImportRows(std::move(rows), "tester", out, done);
    });
  }

  // --- reads ---

  absl::StatusOr<v1::Chapter> GetChapter(const std::string& id) {
    v1::GetChapterRequest req;
    req.set_id(id);
    return registry_->GetChapter(req);
  }
  absl::StatusOr<v1::Affiliation> GetAffiliation(const std::string& child) {
    v1::GetAffiliationRequest req;
    req.set_child(child);
    return registry_->GetAffiliation(req);
  }
  absl::StatusOr<v1::Membership> GetMember(const std::string& id) {
    v1::GetMemberRequest req;
    req.set_id(id);
    return registry_->GetMember(req, Caller::Everything("test"));
  }
  std::vector<std::string> MemberIds(const std::string& chapter, bool include_ended = false) {
    v1::ListMembersRequest req;
    req.set_chapter(chapter);
    req.set_include_ended(include_ended);
    absl::StatusOr<v1::ListMembersResponse> r =
        registry_->ListMembers(req, Caller::Everything("test"));
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const v1::Membership& m : r->members()) ids.push_back(m.id());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  bool IsLiveRecord(v1::RecordType type, const std::string& id) {
    v1::RecordState state;
    absl::StatusOr<bool> found = ReadState(*db_, rocksdb::ReadOptions(), type, id, &state);
    EXPECT_TRUE(found.ok());
    return found.ok() && *found && IsLive(state);
  }

  // Entries in this node's operation log.
  int LogEntries() {
    int n = 0;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->db()->NewIterator(rocksdb::ReadOptions(), db_->log()));
    const std::string prefix(kLogEntryPrefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
    return n;
  }

  int64_t Counter(absl::string_view name) {
    absl::StatusOr<int64_t> v = ReadCounter(*db_, GlobalCounterKey(name));
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : -1;
  }

  // Compares the stored summary counters with expected values, and every stored
  // counter, tally and index with a recount from the records.
  void ExpectCounts(int64_t chapters, int64_t persons, int64_t active, int64_t federation) {
    EXPECT_EQ(Counter(kChaptersCounter), chapters);
    EXPECT_EQ(Counter(kPersonsCounter), persons);
    EXPECT_EQ(Counter(kActiveCounter), active);
    EXPECT_EQ(Counter(kFederationCounter), federation);
    ExpectDerivedDataMatchesRecords();
  }

  void ExpectDerivedDataMatchesRecords() {
    absl::StatusOr<CountMap> stored = ReadStoredCounts(*db_);
    absl::StatusOr<CountMap> recounted = RecountFromRecords(*db_);
    ASSERT_TRUE(stored.ok()) << stored.status();
    ASSERT_TRUE(recounted.ok()) << recounted.status();
    EXPECT_EQ(*stored, *recounted);
    absl::StatusOr<IndexMap> indexes = ReadStoredIndexes(*db_);
    absl::StatusOr<IndexMap> rebuilt = RebuildIndexes(*db_);
    ASSERT_TRUE(indexes.ok() && rebuilt.ok());
    EXPECT_EQ(*indexes, *rebuilt);
    EXPECT_EQ(ReadStoredDigest(*db_).value(), RecomputeDigest(*db_).value());
  }

  // BO (country) ⊃ LPZ, CBB (departments).
  void AddBolivia() {
    ASSERT_TRUE(AddRegion("BO", "Bolivia").ok());
    ASSERT_TRUE(AddRegion("LPZ", "La Paz", "BO").ok());
    ASSERT_TRUE(AddRegion("CBB", "Cochabamba", "BO").ok());
  }

  TempDir dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<Database> db_;
  std::unique_ptr<Applier> applier_;
  std::unique_ptr<HybridClock> hlc_;
  std::unique_ptr<CommitPipeline> pipeline_;
  std::unique_ptr<Registry> registry_;
};

// --- regions ----------------------------------------------------------------------------

TEST_F(RegistryTest, RegionsInferTheirLevelFromTheParent) {
  absl::StatusOr<v1::Region> bo = AddRegion("bo", "  Bolivia ");
  ASSERT_TRUE(bo.ok()) << bo.status();
  EXPECT_EQ(bo->code(), "BO");
  EXPECT_EQ(bo->name(), "Bolivia");
  EXPECT_EQ(bo->level(), "country");
  EXPECT_EQ(bo->parent(), "");
  absl::StatusOr<v1::Region> lpz = AddRegion("LPZ", "La Paz", "bo");
  ASSERT_TRUE(lpz.ok()) << lpz.status();
  EXPECT_EQ(lpz->level(), "department");
  EXPECT_EQ(lpz->parent(), "BO");
  EXPECT_EQ(AddRegion("MUR", "Murillo", "LPZ")->level(), "province");
  EXPECT_EQ(AddRegion("LPZ-C", "La Paz city", "MUR")->level(), "municipality");
  EXPECT_EQ(AddRegion("CHQ", "Chuquiaguillo", "LPZ-C")->level(), "community");
  // Nothing lies within a community.
  EXPECT_ERROR(AddRegion("X1", "Below", "CHQ"), StatusCode::kInvalidArgument, "parent");
  // An explicit level is kept when it lies below the parent's, refused otherwise.
  EXPECT_EQ(AddRegion("ACH", "Achacachi", "LPZ", "Municipality")->level(), "municipality");
  EXPECT_ERROR(AddRegion("ORU", "Oruro", "BO", "country"), StatusCode::kInvalidArgument, "level");
  EXPECT_ERROR(AddRegion("PTS", "Potosí", "BO", "state"), StatusCode::kInvalidArgument, "level");

  v1::GetRegionRequest get;
  get.set_code(" lpz ");
  absl::StatusOr<v1::Region> read = registry_->GetRegion(get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->name(), "La Paz");
  absl::StatusOr<v1::ListRegionsResponse> all = registry_->ListRegions(v1::ListRegionsRequest());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->regions_size(), 6);
}

TEST_F(RegistryTest, RegionErrors) {
  ASSERT_TRUE(AddRegion("BO", "Bolivia").ok());
  EXPECT_ERROR(AddRegion("BO", "Again"), StatusCode::kAlreadyExists, "code");
  EXPECT_ERROR(AddRegion(" bo ", "Again"), StatusCode::kAlreadyExists, "code");
  absl::StatusOr<v1::Region> orphan = AddRegion("LPZ", "La Paz", "XX");
  EXPECT_ERROR(orphan, StatusCode::kInvalidArgument, "parent");
  EXPECT_TRUE(absl::StrContains(orphan.status().message(), "XX")) << orphan.status();
  EXPECT_ERROR(AddRegion("LPZ", "La Paz", "LPZ"), StatusCode::kInvalidArgument, "parent");
  EXPECT_ERROR(AddRegion("L P", "La Paz", "BO"), StatusCode::kInvalidArgument, "code");
  EXPECT_ERROR(AddRegion("", "La Paz", "BO"), StatusCode::kInvalidArgument, "code");
  EXPECT_ERROR(AddRegion("ABCDEFGHIJKLMNOPQ", "Too long", "BO"), StatusCode::kInvalidArgument,
               "code");
  EXPECT_ERROR(AddRegion("LPZ", "  ", "BO"), StatusCode::kInvalidArgument, "name");
  v1::GetRegionRequest get;
  get.set_code("LPZ");
  EXPECT_EQ(registry_->GetRegion(get).status().code(), StatusCode::kNotFound);
}

// --- chapters -------------------------------------------------------------------------

TEST_F(RegistryTest, ChapterFieldsAreValidated) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  EXPECT_ERROR(AddChapter("Sindicato X", "union", "LPZ"), StatusCode::kInvalidArgument, "level");
  EXPECT_ERROR(AddChapter("Sindicato X", "", "LPZ"), StatusCode::kInvalidArgument, "level");
  absl::StatusOr<v1::Chapter> unknown_region = AddChapter("Sindicato X", "sindicato", "XYZ");
  EXPECT_ERROR(unknown_region, StatusCode::kInvalidArgument, "region");
  EXPECT_TRUE(absl::StrContains(unknown_region.status().message(), "XYZ"));
  EXPECT_ERROR(AddChapter("Sindicato X", "sindicato", "L P"), StatusCode::kInvalidArgument,
               "region");
  EXPECT_ERROR(AddChapter("Sindicato X", "sindicato", ""), StatusCode::kInvalidArgument, "region");
  EXPECT_ERROR(AddChapter("   ", "sindicato", "LPZ"), StatusCode::kInvalidArgument, "name");
  EXPECT_ERROR(AddChapter(std::string(201, 'n'), "sindicato", "LPZ"), StatusCode::kInvalidArgument,
               "name");
  EXPECT_ERROR(AddChapter("Sindicato X", "sindicato", "LPZ", "", "2030-01-01"),
               StatusCode::kInvalidArgument, "founded");
  EXPECT_ERROR(AddChapter("Sindicato X", "sindicato", "LPZ", "", "1952-02-30"),
               StatusCode::kInvalidArgument, "founded");
  EXPECT_ERROR(AddChapter("Sindicato X", "sindicato", "LPZ", "ch-none"),
               StatusCode::kInvalidArgument, "parent");
  // None of the refused chapters exists.
  absl::StatusOr<v1::ListChaptersResponse> all = registry_->ListChapters(v1::ListChaptersRequest());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->chapters_size(), 0);
  EXPECT_EQ(Counter(kChaptersCounter), 0);
}

TEST_F(RegistryTest, ChapterIsCreatedAndRead) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  absl::StatusOr<v1::Chapter> c =
      AddChapter("  Sindicato   Agrario ", "SINDICATO", "lpz", "", "1953-08-02");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(absl::StartsWith(c->id(), "ch-")) << c->id();
  EXPECT_EQ(c->name(), "Sindicato Agrario");
  EXPECT_EQ(c->level(), "sindicato");
  EXPECT_EQ(c->region(), "LPZ");
  EXPECT_EQ(c->status(), "active");
  EXPECT_EQ(c->founded(), "1953-08-02");
  absl::StatusOr<v1::Chapter> read = GetChapter(c->id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), c->SerializeAsString());
  EXPECT_EQ(GetChapter("ch-none").status().code(), StatusCode::kNotFound);
  EXPECT_ERROR(GetChapter(""), StatusCode::kInvalidArgument, "id");
  ExpectCounts(1, 0, 0, 0);
}

TEST_F(RegistryTest, ListChaptersPagesThroughEveryChapter) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.insert(
        MustAddChapter(absl::StrCat("Sindicato ", i), "sindicato", i < 3 ? "LPZ" : "CBB"));
  }
  std::vector<std::string> seen;
  std::vector<int> page_sizes;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    v1::ListChaptersRequest req;
    req.set_page_size(2);
    req.set_page_token(token);
    absl::StatusOr<v1::ListChaptersResponse> r = registry_->ListChapters(req);
    ASSERT_TRUE(r.ok()) << r.status();
    page_sizes.push_back(r->chapters_size());
    for (const v1::Chapter& c : r->chapters()) seen.push_back(c.id());
    token = r->next_page_token();
    if (token.empty()) break;
  }
  EXPECT_EQ(page_sizes, std::vector<int>({2, 2, 1}));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), created);
  EXPECT_EQ(seen.size(), 5u);  // no chapter twice
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  // The region filter pages too.
  v1::ListChaptersRequest by_region;
  by_region.set_region("lpz");
  by_region.set_page_size(2);
  absl::StatusOr<v1::ListChaptersResponse> first = registry_->ListChapters(by_region);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->chapters_size(), 2);
  ASSERT_FALSE(first->next_page_token().empty());
  by_region.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListChaptersResponse> second = registry_->ListChapters(by_region);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->chapters_size(), 1);
  EXPECT_EQ(second->next_page_token(), "");
  for (const v1::Chapter& c : second->chapters()) EXPECT_EQ(c.region(), "LPZ");

  v1::ListChaptersRequest bad;
  bad.set_page_token("%%%not base64%%%");
  EXPECT_ERROR(registry_->ListChapters(bad), StatusCode::kInvalidArgument, "page_token");
  v1::ListChaptersRequest negative;
  negative.set_page_size(-1);
  EXPECT_ERROR(registry_->ListChapters(negative), StatusCode::kInvalidArgument, "page_size");
  v1::ListChaptersRequest bad_level;
  bad_level.set_level("guild");
  EXPECT_ERROR(registry_->ListChapters(bad_level), StatusCode::kInvalidArgument, "level");
  v1::ListChaptersRequest unknown_region;
  unknown_region.set_region("XX");
  EXPECT_FALSE(registry_->ListChapters(unknown_region).ok());
}

// Page tokens are opaque and tamper-evident (pagination.h): a made-up token, an altered
// one, and a token handed out for another query (another filter, another method) are
// refused with INVALID_ARGUMENT naming page_token, never answered with an empty page.
TEST_F(RegistryTest, PageTokensPageOnlyTheQueryTheyWereIssuedFor) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  for (int i = 0; i < 3; ++i) MustAddChapter(absl::StrCat("Sindicato L", i), "sindicato", "LPZ");
  for (int i = 0; i < 3; ++i) MustAddChapter(absl::StrCat("Sindicato C", i), "sindicato", "CBB");
  v1::ListChaptersRequest lpz;
  lpz.set_region("LPZ");
  lpz.set_page_size(1);
  absl::StatusOr<v1::ListChaptersResponse> first = registry_->ListChapters(lpz);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());

  // The same query goes on, even with another page size.
  lpz.set_page_token(token);
  lpz.set_page_size(5);
  absl::StatusOr<v1::ListChaptersResponse> rest = registry_->ListChapters(lpz);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->chapters_size(), 2);

  v1::ListChaptersRequest cbb = lpz;
  cbb.set_region("CBB");
  EXPECT_ERROR(registry_->ListChapters(cbb), StatusCode::kInvalidArgument, "page_token");
  v1::ListChaptersRequest other_level = lpz;
  other_level.set_level("central");
  EXPECT_ERROR(registry_->ListChapters(other_level), StatusCode::kInvalidArgument, "page_token");
  v1::ListChaptersRequest no_filter;
  no_filter.set_page_token(token);
  EXPECT_ERROR(registry_->ListChapters(no_filter), StatusCode::kInvalidArgument, "page_token");
  v1::ListRegionsRequest regions;
  regions.set_page_token(token);
  EXPECT_ERROR(registry_->ListRegions(regions), StatusCode::kInvalidArgument, "page_token");

  for (const std::string& garbage :
       {std::string("garbage"), std::string("AAAA"), absl::WebSafeBase64Escape("ch-0000"),
        token.substr(0, token.size() - 1), token + "A"}) {
    v1::ListChaptersRequest bad = lpz;
    bad.set_page_token(garbage);
    EXPECT_ERROR(registry_->ListChapters(bad), StatusCode::kInvalidArgument, "page_token");
  }
  for (size_t i = 0; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    v1::ListChaptersRequest bad = lpz;
    bad.set_page_token(altered);
    EXPECT_FALSE(registry_->ListChapters(bad).ok()) << "altered at " << i;
  }
}

// --- affiliations -----------------------------------------------------------------------

TEST_F(RegistryTest, AffiliationRules) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ");
  const std::string s2 = MustAddChapter("Sindicato 2", "sindicato", "LPZ");
  const std::string central = MustAddChapter("Central", "central", "LPZ");
  const std::string federation = MustAddChapter("Federación", "federation", "LPZ");

  // The parent's level must be strictly higher.
  EXPECT_ERROR(Affiliate(s1, s2), StatusCode::kInvalidArgument, "parent");
  EXPECT_ERROR(Affiliate(federation, s1), StatusCode::kInvalidArgument, "parent");
  EXPECT_ERROR(Affiliate(s1, s1), StatusCode::kInvalidArgument, "parent");
  EXPECT_ERROR(Affiliate(s1, "ch-none"), StatusCode::kInvalidArgument, "parent");
  EXPECT_EQ(Affiliate("ch-none", federation).status().code(), StatusCode::kNotFound);
  EXPECT_ERROR(Affiliate(s1, federation, "2030-01-01"), StatusCode::kInvalidArgument, "since");

  // Levels may be skipped.
  absl::StatusOr<v1::Affiliation> a = Affiliate(s1, federation, "2020-05-01");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->child(), s1);
  EXPECT_EQ(a->parent(), federation);
  EXPECT_EQ(a->status(), "active");
  EXPECT_EQ(a->since(), "2020-05-01");
  EXPECT_EQ(GetChapter(s1)->parent(), federation);

  // One active parent at a time.
  EXPECT_ERROR(Affiliate(s1, central), StatusCode::kFailedPrecondition, "parent");
  EXPECT_ERROR(Affiliate(s1, federation), StatusCode::kAlreadyExists, "parent");
  EXPECT_EQ(GetChapter(s1)->parent(), federation);

  // Disaffiliation needs the current parent, and keeps the history.
  EXPECT_ERROR(Disaffiliate(s1, central), StatusCode::kFailedPrecondition, "parent");
  EXPECT_ERROR(Disaffiliate(s1, federation, "2019-01-01"), StatusCode::kInvalidArgument, "until");
  absl::StatusOr<v1::Affiliation> ended = Disaffiliate(s1, federation);
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->status(), "ended");
  EXPECT_EQ(ended->parent(), "");
  ASSERT_EQ(ended->history_size(), 1);
  EXPECT_EQ(ended->history(0).parent(), federation);
  EXPECT_EQ(ended->history(0).since(), "2020-05-01");
  EXPECT_EQ(ended->history(0).until(), kToday);
  EXPECT_EQ(GetChapter(s1)->parent(), "");
  EXPECT_ERROR(Disaffiliate(s1, federation), StatusCode::kFailedPrecondition, "parent");

  // A new parent; the history stays.
  ASSERT_TRUE(Affiliate(s1, central).ok());
  absl::StatusOr<v1::Affiliation> now = GetAffiliation(s1);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->parent(), central);
  EXPECT_EQ(now->status(), "active");
  EXPECT_EQ(now->since(), kToday);
  ASSERT_EQ(now->history_size(), 1);
  EXPECT_EQ(now->history(0).parent(), federation);
  ASSERT_TRUE(Disaffiliate(s1, central).ok());
  EXPECT_EQ(GetAffiliation(s1)->history_size(), 2);

  // A chapter never affiliated reads as "none".
  EXPECT_EQ(GetAffiliation(s2)->status(), "none");
  ExpectDerivedDataMatchesRecords();
}

TEST_F(RegistryTest, AddChapterWithParentAffiliatesInTheSameWrite) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string federation = MustAddChapter("Federación", "federation", "LPZ");
  absl::StatusOr<v1::Chapter> s = AddChapter("Sindicato", "sindicato", "LPZ", federation);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->parent(), federation);
  EXPECT_EQ(GetChapter(s->id())->parent(), federation);
  EXPECT_EQ(GetAffiliation(s->id())->since(), kToday);
  // A parent of a lower level is refused, and no chapter is created.
  const std::string s2 = MustAddChapter("Sindicato 2", "sindicato", "LPZ");
  EXPECT_ERROR(AddChapter("Central", "central", "LPZ", s2), StatusCode::kInvalidArgument, "parent");
  EXPECT_EQ(Counter(kChaptersCounter), 3);
}

// The level rule alone makes cycles impossible for records written here; the cycle
// check guards against chapters whose level changed elsewhere (a replicated write).
TEST_F(RegistryTest, AffiliationCycleIsRefused) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string central = MustAddChapter("Central", "central", "LPZ");
  const std::string federation = MustAddChapter("Federación", "federation", "LPZ");
  ASSERT_TRUE(Affiliate(central, federation).ok());
  // Another node raises the central to level pact.
  absl::StatusOr<v1::Chapter> raised = GetChapter(central);
  ASSERT_TRUE(raised.ok());
  raised->set_level("pact");
  raised->clear_parent();
  ASSERT_TRUE(pipeline_
                  ->Execute(
                      [&](WriteContext& ctx) {
                        return EmitPut(ctx, v1::RECORD_TYPE_CHAPTER, central, *raised, "LPZ");
                      },
                      "other-node")
                  .ok());
  // federation → central would now pass the level rule, but closes a cycle.
  absl::StatusOr<v1::Affiliation> cycle = Affiliate(federation, central);
  EXPECT_ERROR(cycle, StatusCode::kInvalidArgument, "parent");
  EXPECT_TRUE(absl::StrContains(cycle.status().message(), "cycle")) << cycle.status();
  EXPECT_EQ(GetAffiliation(federation)->status(), "none");
}

// --- enrolment --------------------------------------------------------------------------

TEST_F(RegistryTest, EnrolmentRules) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ");
  const std::string s2 = MustAddChapter("Sindicato 2", "sindicato", "CBB");

  absl::StatusOr<v1::Membership> unknown = Enrol("ch-none", "Juana");
  EXPECT_ERROR(unknown, StatusCode::kInvalidArgument, "chapter");
  EXPECT_TRUE(absl::StrContains(unknown.status().message(), "ch-none"));
  EXPECT_ERROR(Enrol("", "Juana"), StatusCode::kInvalidArgument, "chapter");
  EXPECT_ERROR(Enrol(s1, " \t "), StatusCode::kInvalidArgument, "name");
  EXPECT_ERROR(Enrol(s1, "Juana", "12/34"), StatusCode::kInvalidArgument, "national_id");
  EXPECT_ERROR(Enrol(s1, "Juana", "", "2030-01-01"), StatusCode::kInvalidArgument, "birth_date");
  EXPECT_ERROR(Enrol(s1, "Juana", "", "2024-06-02"), StatusCode::kInvalidArgument, "birth_date");
  EXPECT_ERROR(Enrol(s1, "Juana", "", "2001-02-30"), StatusCode::kInvalidArgument, "birth_date");
  EXPECT_ERROR(Enrol(s1, "Juana", "", "1899-12-31"), StatusCode::kInvalidArgument, "birth_date");
  EXPECT_ERROR(Enrol(s1, "Juana", "", "01/02/2001"), StatusCode::kInvalidArgument, "birth_date");
  EXPECT_ERROR(Enrol(s1, "Juana", "", "", "2030-01-01"), StatusCode::kInvalidArgument, "since");
  ExpectCounts(2, 0, 0, 0);

  absl::StatusOr<v1::Membership> first =
      Enrol(s1, " Juana  Quispe ", "12.345.678-lp", "1980-03-04");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(absl::StartsWith(first->id(), "mb-"));
  EXPECT_EQ(first->chapter_id(), s1);
  EXPECT_EQ(first->status(), "active");
  EXPECT_EQ(first->since(), kToday);
  EXPECT_EQ(first->person().name(), "Juana Quispe");
  EXPECT_EQ(first->person().birth_date(), "1980-03-04");
  EXPECT_EQ(first->person().national_id(), "12345678LP");
  EXPECT_EQ(first->person_id(), FederationKey::Development().PersonId("12345678LP"));
  EXPECT_EQ(first->person().id(), first->person_id());

  // The same national id in another chapter is the same person.
  absl::StatusOr<v1::Membership> second = Enrol(s2, "Juana Quispe", "12345678LP");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->person_id(), first->person_id());
  EXPECT_NE(second->id(), first->id());
  EXPECT_EQ(second->person().birth_date(), "1980-03-04");  // kept
  ExpectCounts(2, 1, 1, 0);

  // The same person twice in one chapter.
  absl::StatusOr<v1::Membership> again = Enrol(s1, "Juana Quispe", "12 345 678 LP");
  EXPECT_ERROR(again, StatusCode::kAlreadyExists, "national_id");
  EXPECT_EQ(MemberIds(s1), std::vector<std::string>({first->id()}));

  // Without a national id every enrolment is a new person.
  v1::Membership a = MustEnrol(s1, "Mario");
  v1::Membership b = MustEnrol(s1, "Mario");
  EXPECT_NE(a.person_id(), b.person_id());
  ExpectCounts(2, 3, 3, 0);

  // Enrolling a known person under a new name updates the person.
  ASSERT_TRUE(Enrol(s2, "Juana Quispe Mamani", "12345678LP").status().code() ==
              StatusCode::kAlreadyExists);
  const std::string s3 = MustAddChapter("Sindicato 3", "sindicato", "CBB");
  ASSERT_TRUE(Enrol(s3, "Juana Quispe Mamani", "12345678LP").ok());
  absl::StatusOr<v1::Membership> read = GetMember(first->id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->person().name(), "Juana Quispe Mamani");
  EXPECT_EQ(read->person().birth_date(), "1980-03-04");
  ExpectCounts(3, 3, 3, 0);

  // An explicit start date.
  absl::StatusOr<v1::Membership> dated = Enrol(s2, "Rosa", "", "", "2010-01-15");
  ASSERT_TRUE(dated.ok());
  EXPECT_EQ(dated->since(), "2010-01-15");
  EXPECT_EQ(GetMember("mb-none").status().code(), StatusCode::kNotFound);
}

// --- transfer and end -----------------------------------------------------------------

TEST_F(RegistryTest, TransferKeepsTheOldMembershipAsHistory) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ");
  const std::string s2 = MustAddChapter("Sindicato 2", "sindicato", "CBB");
  const v1::Membership m = MustEnrol(s1, "Felipe", "5555555");

  EXPECT_ERROR(Transfer(m.id(), s1), StatusCode::kInvalidArgument, "to_chapter");
  EXPECT_ERROR(Transfer(m.id(), "ch-none"), StatusCode::kInvalidArgument, "to_chapter");
  EXPECT_EQ(Transfer("mb-none", s2).status().code(), StatusCode::kNotFound);
  EXPECT_ERROR(Transfer(m.id(), s2, "2030-01-01"), StatusCode::kInvalidArgument, "date");

  absl::StatusOr<v1::Membership> moved = Transfer(m.id(), s2);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_NE(moved->id(), m.id());
  EXPECT_EQ(moved->chapter_id(), s2);
  EXPECT_EQ(moved->person_id(), m.person_id());
  EXPECT_EQ(moved->status(), "active");
  EXPECT_EQ(moved->since(), kToday);
  EXPECT_EQ(moved->transferred_from(), m.id());
  EXPECT_EQ(moved->person().name(), "Felipe");

  absl::StatusOr<v1::Membership> old = GetMember(m.id());
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->status(), "transferred");
  EXPECT_EQ(old->transferred_to(), moved->id());
  EXPECT_EQ(old->until(), kToday);
  EXPECT_EQ(old->chapter_id(), s1);

  EXPECT_EQ(MemberIds(s1), std::vector<std::string>());
  EXPECT_EQ(MemberIds(s1, true), std::vector<std::string>({m.id()}));
  EXPECT_EQ(MemberIds(s2), std::vector<std::string>({moved->id()}));
  // A transferred membership cannot move or end again.
  EXPECT_ERROR(Transfer(m.id(), s2), StatusCode::kFailedPrecondition, "id");
  EXPECT_ERROR(End(m.id()), StatusCode::kFailedPrecondition, "id");
  // Not into a chapter the person is already active in.
  const v1::Membership other = MustEnrol(s1, "Felipe", "5555555");
  EXPECT_ERROR(Transfer(other.id(), s2), StatusCode::kAlreadyExists, "to_chapter");
  ExpectCounts(2, 1, 1, 0);
}

TEST_F(RegistryTest, EndKeepsTheMembership) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ");
  absl::StatusOr<v1::Membership> m = Enrol(s1, "Ana", "", "", "2020-01-01");
  ASSERT_TRUE(m.ok());
  EXPECT_ERROR(End(m->id(), "2019-12-31"), StatusCode::kInvalidArgument, "date");
  EXPECT_ERROR(End(m->id(), "2024-13-01"), StatusCode::kInvalidArgument, "date");
  EXPECT_EQ(End("mb-none").status().code(), StatusCode::kNotFound);
  absl::StatusOr<v1::Membership> ended = End(m->id(), "2023-12-31");
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->status(), "ended");
  EXPECT_EQ(ended->until(), "2023-12-31");
  EXPECT_EQ(GetMember(m->id())->status(), "ended");
  EXPECT_ERROR(End(m->id()), StatusCode::kFailedPrecondition, "id");
  EXPECT_EQ(MemberIds(s1), std::vector<std::string>());
  EXPECT_EQ(MemberIds(s1, true), std::vector<std::string>({m->id()}));
  ExpectCounts(1, 1, 0, 0);
}

// --- erasure --------------------------------------------------------------------------

TEST_F(RegistryTest, RemoveErasesTheLastMembershipWithThePerson) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ");
  const v1::Membership m = MustEnrol(s1, "Erased Person Name", "99887766");
  absl::StatusOr<v1::OfficerTerm> term = Appoint(s1, m.id(), "secretary");
  ASSERT_TRUE(term.ok()) << term.status();
  absl::StatusOr<v1::FormationRecord> course =
      RecordFormation(m.id(), "Escuela de formación", "2024-05-01");
  ASSERT_TRUE(course.ok()) << course.status();
  ExpectCounts(1, 1, 1, 0);

  absl::StatusOr<v1::RemoveMemberResponse> removed = Remove(m.id());
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(removed->membership_id(), m.id());
  EXPECT_TRUE(removed->person_erased());
  EXPECT_EQ(removed->officer_terms_erased(), 1u);
  EXPECT_EQ(removed->formation_records_erased(), 1u);

  EXPECT_EQ(GetMember(m.id()).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(IsLiveRecord(v1::RECORD_TYPE_PERSON, m.person_id()));
  EXPECT_FALSE(IsLiveRecord(v1::RECORD_TYPE_OFFICER_TERM, term->id()));
  EXPECT_FALSE(IsLiveRecord(v1::RECORD_TYPE_FORMATION, course->id()));
  v1::ListOfficersRequest officers;
  officers.set_chapter(s1);
  EXPECT_EQ(registry_->ListOfficers(officers, Caller::Everything("test"))->terms_size(), 0);
  EXPECT_EQ(MemberIds(s1, true), std::vector<std::string>());
  EXPECT_EQ(Remove(m.id()).status().code(), StatusCode::kNotFound);
  ExpectCounts(1, 0, 0, 0);

  // No trace of the name in records or log.
  for (rocksdb::ColumnFamilyHandle* cf : {db_->records(), db_->log(), db_->indexes()}) {
    std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      EXPECT_FALSE(absl::StrContains(ToView(it->value()), "Erased Person Name"))
          << "in family " << cf->GetName();
      EXPECT_FALSE(absl::StrContains(ToView(it->value()), "Escuela de formación"))
          << "in family " << cf->GetName();
    }
  }
  // Enrolling the same national id again creates the person afresh.
  const v1::Membership back = MustEnrol(s1, "Returned", "99887766");
  EXPECT_EQ(back.person_id(), m.person_id());
  EXPECT_EQ(GetMember(back.id())->person().name(), "Returned");
  ExpectCounts(1, 1, 1, 0);
}

TEST_F(RegistryTest, RemoveKeepsAPersonWithAnotherMembership) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ");
  const std::string s2 = MustAddChapter("Sindicato 2", "sindicato", "CBB");
  const v1::Membership m1 = MustEnrol(s1, "Kept Person", "11223344");
  const v1::Membership m2 = MustEnrol(s2, "Kept Person", "11223344");
  absl::StatusOr<v1::OfficerTerm> t1 = Appoint(s1, m1.id(), "treasurer");
  absl::StatusOr<v1::OfficerTerm> t2 = Appoint(s2, m2.id(), "secretary");
  absl::StatusOr<v1::FormationRecord> f1 = RecordFormation(m1.id(), "Historia", "2024-01-10");
  ASSERT_TRUE(t1.ok() && t2.ok() && f1.ok());
  ExpectCounts(2, 1, 1, 0);

  absl::StatusOr<v1::RemoveMemberResponse> removed = Remove(m1.id());
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_FALSE(removed->person_erased());
  EXPECT_EQ(removed->officer_terms_erased(), 1u);  // the term held through m1 only
  EXPECT_EQ(removed->formation_records_erased(), 0u);
  EXPECT_EQ(GetMember(m1.id()).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(IsLiveRecord(v1::RECORD_TYPE_PERSON, m1.person_id()));
  EXPECT_FALSE(IsLiveRecord(v1::RECORD_TYPE_OFFICER_TERM, t1->id()));
  EXPECT_TRUE(IsLiveRecord(v1::RECORD_TYPE_OFFICER_TERM, t2->id()));
  EXPECT_TRUE(IsLiveRecord(v1::RECORD_TYPE_FORMATION, f1->id()));
  absl::StatusOr<v1::Membership> still = GetMember(m2.id());
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->person().name(), "Kept Person");
  ExpectCounts(2, 1, 1, 0);

  // Then the last one: the person goes with the rest of their records.
  removed = Remove(m2.id());
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_TRUE(removed->person_erased());
  EXPECT_EQ(removed->officer_terms_erased(), 1u);
  EXPECT_EQ(removed->formation_records_erased(), 1u);
  EXPECT_FALSE(IsLiveRecord(v1::RECORD_TYPE_PERSON, m1.person_id()));
  EXPECT_FALSE(IsLiveRecord(v1::RECORD_TYPE_FORMATION, f1->id()));
  ExpectCounts(2, 0, 0, 0);
}

// --- import -----------------------------------------------------------------------------

TEST_F(RegistryTest, ImportReportsBadRowsByLineAndLandsTheGoodOnes) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ");
  const std::string s2 = MustAddChapter("Sindicato 2", "sindicato", "CBB");
  auto row = [](uint64_t line, std::string chapter, std::string name, std::string nid,
                std::string birth) {
    v1::ImportRow r;
    r.set_line(line);
    r.set_chapter(std::move(chapter));
    r.set_name(std::move(name));
    r.set_national_id(std::move(nid));
    r.set_birth_date(std::move(birth));
    return r;
  };
  std::vector<v1::ImportRow> rows = {
      row(2, s1, "Ana", "1111111", "1990-01-01"),
      row(3, s1, "Bad Date", "", "2001-02-30"),
      row(4, "ch-none", "No Chapter", "", ""),
      row(5, s2, "Ana", "1111111", ""),         // same person, another chapter: fine
      row(6, s1, "Ana Again", "111-1111", ""),  // already active in s1
      row(7, s2, "", "", ""),
      row(9, s2, "Carla", "", "1975-07-07"),
  };
  const int entries_before = LogEntries();
  absl::StatusOr<v1::ImportMembersResponse> r = Import(rows);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->accepted(), 3u);
  EXPECT_EQ(r->rejected(), 4u);
  ASSERT_EQ(r->errors_size(), 4);
  std::map<uint64_t, v1::RowError> errors;
  for (const v1::RowError& e : r->errors()) errors[e.line()] = e;
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[3].code(), "INVALID_ARGUMENT");
  EXPECT_TRUE(absl::StartsWith(errors[3].message(), "birth_date:")) << errors[3].message();
  EXPECT_EQ(errors[4].code(), "INVALID_ARGUMENT");
  EXPECT_TRUE(absl::StartsWith(errors[4].message(), "chapter:")) << errors[4].message();
  EXPECT_EQ(errors[6].code(), "ALREADY_EXISTS");
  EXPECT_TRUE(absl::StartsWith(errors[6].message(), "national_id:")) << errors[6].message();
  EXPECT_EQ(errors[7].code(), "INVALID_ARGUMENT");
  EXPECT_TRUE(absl::StartsWith(errors[7].message(), "name:")) << errors[7].message();

  EXPECT_EQ(MemberIds(s1).size(), 1u);
  EXPECT_EQ(MemberIds(s2).size(), 2u);
  EXPECT_EQ(LogEntries(), entries_before + 1);  // all good rows in one log entry
  ExpectCounts(2, 2, 2, 0);

  // A batch of only bad rows writes nothing and still reports each.
  absl::StatusOr<v1::ImportMembersResponse> bad = Import({row(12, s1, "", "", "")});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(LogEntries(), entries_before + 1);
  EXPECT_EQ(bad->accepted(), 0u);
  EXPECT_EQ(bad->rejected(), 1u);
  ASSERT_EQ(bad->errors_size(), 1);
  EXPECT_EQ(bad->errors(0).line(), 12u);
}

// --- officers and formation -------------------------------------------------------------

TEST_F(RegistryTest, OfficerAppointmentRules) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string federation = MustAddChapter("Federación", "federation", "LPZ");
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ", federation);
  const std::string s2 = MustAddChapter("Sindicato 2", "sindicato", "LPZ");
  const v1::Membership m1 = MustEnrol(s1, "Delegate");
  const v1::Membership m2 = MustEnrol(s2, "Outsider");

  EXPECT_ERROR(Appoint("ch-none", m1.id(), "secretary"), StatusCode::kInvalidArgument, "chapter");
  EXPECT_ERROR(Appoint(s1, "mb-none", "secretary"), StatusCode::kInvalidArgument, "member");
  EXPECT_ERROR(Appoint(s1, m1.id(), "  "), StatusCode::kInvalidArgument, "role");
  EXPECT_ERROR(Appoint(s1, m1.id(), "secretary", "2024-02-30"), StatusCode::kInvalidArgument,
               "start_date");
  EXPECT_ERROR(Appoint(s1, m1.id(), "secretary", "2026-01-01"), StatusCode::kInvalidArgument,
               "start_date");
  EXPECT_ERROR(Appoint(s1, m1.id(), "secretary", "2024-01-01", "2023-12-31"),
               StatusCode::kInvalidArgument, "end_date");
  EXPECT_ERROR(Appoint(s1, m1.id(), "secretary", "", "2024-13-01"), StatusCode::kInvalidArgument,
               "end_date");
  // A member of an unrelated chapter, and a member of a chapter below another.
  EXPECT_ERROR(Appoint(s1, m2.id(), "secretary"), StatusCode::kInvalidArgument, "member");
  EXPECT_ERROR(Appoint(s2, m1.id(), "secretary"), StatusCode::kInvalidArgument, "member");
  EXPECT_ERROR(Appoint(s1, "", "secretary"), StatusCode::kInvalidArgument, "member");

  absl::StatusOr<v1::OfficerTerm> local = Appoint(s1, m1.id(), "Secretary General");
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_TRUE(absl::StartsWith(local->id(), "of-"));
  EXPECT_EQ(local->role(), "secretary general");
  EXPECT_EQ(local->start_date(), kToday);
  EXPECT_EQ(local->end_date(), "");
  EXPECT_EQ(local->person_id(), m1.person_id());
  EXPECT_EQ(local->membership_id(), m1.id());
  // A delegate to the federation above the member's sindicato.
  absl::StatusOr<v1::OfficerTerm> delegate =
      Appoint(federation, m1.id(), "delegate", "2023-01-01", "2023-12-31");
  ASSERT_TRUE(delegate.ok()) << delegate.status();
  EXPECT_EQ(delegate->chapter_id(), federation);
  // A future start within a year is allowed.
  EXPECT_TRUE(Appoint(s1, m1.id(), "treasurer", "2025-01-01").ok());

  v1::ListOfficersRequest all;
  all.set_chapter(federation);
  EXPECT_EQ(registry_->ListOfficers(all, Caller::Everything("test"))->terms_size(), 1);
  all.set_current_only(true);
  EXPECT_EQ(registry_->ListOfficers(all, Caller::Everything("test"))->terms_size(),
            0);  // ended last year
  v1::ListOfficersRequest s1_current;
  s1_current.set_chapter(s1);
  s1_current.set_current_only(true);
  absl::StatusOr<v1::ListOfficersResponse> current =
      registry_->ListOfficers(s1_current, Caller::Everything("test"));
  ASSERT_TRUE(current.ok());
  ASSERT_EQ(current->terms_size(), 1);  // the treasurer starts next year
  EXPECT_EQ(current->terms(0).id(), local->id());

  // An ended membership cannot hold office.
  ASSERT_TRUE(End(m2.id()).ok());
  EXPECT_ERROR(Appoint(s2, m2.id(), "secretary"), StatusCode::kInvalidArgument, "member");
  ExpectDerivedDataMatchesRecords();
}

TEST_F(RegistryTest, FormationRecordRules) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ");
  const std::string s2 = MustAddChapter("Sindicato 2", "sindicato", "CBB");
  const v1::Membership m1 = MustEnrol(s1, "Student", "7654321");
  const v1::Membership m2 = MustEnrol(s2, "Student", "7654321");

  EXPECT_ERROR(RecordFormation("mb-none", "Historia", "2024-01-01"), StatusCode::kInvalidArgument,
               "member");
  EXPECT_ERROR(RecordFormation(m1.id(), " ", "2024-01-01"), StatusCode::kInvalidArgument, "course");
  EXPECT_ERROR(RecordFormation(m1.id(), "Historia", ""), StatusCode::kInvalidArgument, "date");
  EXPECT_ERROR(RecordFormation(m1.id(), "Historia", "2024-06-02"), StatusCode::kInvalidArgument,
               "date");
  EXPECT_ERROR(RecordFormation(m1.id(), "Historia", "2023-02-29"), StatusCode::kInvalidArgument,
               "date");

  absl::StatusOr<v1::FormationRecord> r =
      RecordFormation(m1.id(), "  Historia  del movimiento ", kToday);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(absl::StartsWith(r->id(), "fr-"));
  EXPECT_EQ(r->course(), "Historia del movimiento");
  EXPECT_EQ(r->date(), kToday);
  EXPECT_EQ(r->person_id(), m1.person_id());
  EXPECT_EQ(r->chapter_id(), s1);
  EXPECT_EQ(r->membership_id(), m1.id());
  // Records belong to the person: listed through any of their memberships.
  v1::ListFormationRequest list;
  list.set_member(m2.id());
  absl::StatusOr<v1::ListFormationResponse> listed =
      registry_->ListFormation(list, Caller::Everything("test"));
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->records_size(), 1);
  EXPECT_EQ(listed->records(0).id(), r->id());
  // An ended membership may still record past formation.
  ASSERT_TRUE(End(m2.id()).ok());
  EXPECT_TRUE(RecordFormation(m2.id(), "Economía", "2024-03-03").ok());
  list.set_member(m1.id());
  EXPECT_EQ(registry_->ListFormation(list, Caller::Everything("test"))->records_size(), 2);
  ExpectDerivedDataMatchesRecords();
}

// --- the summary tallies ------------------------------------------------------------------

// pact ← confederation ← federation ← sindicatos S1 (LPZ), S2 (CBB); S3 (CBB) not
// affiliated. Each step's counts are worked out by hand; every stored counter, tally
// and index is also compared with a recount of the records.
TEST_F(RegistryTest, SummaryTalliesFollowEveryWrite) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string pact = MustAddChapter("Pacto de Unidad", "pact", "BO");
  const std::string confederation = MustAddChapter("Confederación", "confederation", "BO", pact);
  const std::string federation =
      MustAddChapter("Federación Departamental", "federation", "LPZ", confederation);
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ", federation);
  const std::string s2 = MustAddChapter("Sindicato 2", "sindicato", "CBB", federation);
  const std::string s3 = MustAddChapter("Sindicato 3", "sindicato", "CBB");
  ExpectCounts(6, 0, 0, 0);
  {
    const CountMap stored = ReadStoredCounts(*db_).value();
    EXPECT_EQ(Count(stored, "level/sindicato"), 3);
    EXPECT_EQ(Count(stored, "level/pact"), 1);
    EXPECT_EQ(Count(stored, "region/BO/chapters"), 6);
    EXPECT_EQ(Count(stored, "region/LPZ/chapters"), 2);
    EXPECT_EQ(Count(stored, "region/CBB/chapters"), 2);
  }

  // Ana: S1, then S2 too (one person, counted once).
  const v1::Membership ana_s1 = MustEnrol(s1, "Ana", "1000001");
  ExpectCounts(6, 1, 1, 1);
  const v1::Membership ana_s2 = MustEnrol(s2, "Ana", "1000001");
  ExpectCounts(6, 1, 1, 1);
  // Beto and Carla in the unconnected S3.
  const v1::Membership beto_s3 = MustEnrol(s3, "Beto");
  const v1::Membership carla_s3 = MustEnrol(s3, "Carla", "3000003");
  ExpectCounts(6, 3, 3, 1);
  {
    const CountMap stored = ReadStoredCounts(*db_).value();
    EXPECT_EQ(Count(stored, "region/BO/active_members"), 3);
    EXPECT_EQ(Count(stored, "region/LPZ/active_members"), 1);      // Ana
    EXPECT_EQ(Count(stored, "region/CBB/active_members"), 3);      // Ana, Beto, Carla
    EXPECT_EQ(Count(stored, "region/CBB/federation_members"), 1);  // Ana
    EXPECT_EQ(Count(stored, absl::StrCat("chapter/", s3, "/active_memberships")), 2);
    EXPECT_EQ(Count(stored, absl::StrCat("chapter/", s3, "/connected")), 0);
  }

  // Affiliating S3 brings its members into the federation; disaffiliating takes them out.
  ASSERT_TRUE(Affiliate(s3, federation).ok());
  ExpectCounts(6, 3, 3, 3);
  EXPECT_EQ(Count(ReadStoredCounts(*db_).value(), "region/CBB/federation_members"), 3);
  ASSERT_TRUE(Disaffiliate(s3, federation).ok());
  ExpectCounts(6, 3, 3, 1);

  // Cutting the confederation from the pact disconnects everything beneath it.
  ASSERT_TRUE(Disaffiliate(confederation, pact).ok());
  ExpectCounts(6, 3, 3, 0);
  ASSERT_TRUE(Affiliate(confederation, pact).ok());
  ExpectCounts(6, 3, 3, 1);

  // Beto moves from S3 to the connected S1.
  absl::StatusOr<v1::Membership> beto_s1 = Transfer(beto_s3.id(), s1);
  ASSERT_TRUE(beto_s1.ok()) << beto_s1.status();
  ExpectCounts(6, 3, 3, 2);

  // Ana ends S1 but stays in S2: still counted; then ends S2 too.
  ASSERT_TRUE(End(ana_s1.id()).ok());
  ExpectCounts(6, 3, 3, 2);
  ASSERT_TRUE(End(ana_s2.id()).ok());
  ExpectCounts(6, 3, 2, 1);

  // Carla is erased with her only membership.
  ASSERT_TRUE(Remove(carla_s3.id()).ok());
  ExpectCounts(6, 2, 1, 1);
  // Beto's active membership is erased; his transferred one keeps the person.
  absl::StatusOr<v1::RemoveMemberResponse> beto_removed = Remove(beto_s1->id());
  ASSERT_TRUE(beto_removed.ok()) << beto_removed.status();
  EXPECT_FALSE(beto_removed->person_erased());
  ExpectCounts(6, 2, 0, 0);

  // A member directly under the pact's subtree again, and a new chapter: counts grow.
  ASSERT_TRUE(Enrol(s2, "Dario", "4000004").ok());
  ASSERT_TRUE(AddChapter("Sindicato 4", "sindicato", "LPZ", federation).ok());
  ExpectCounts(7, 3, 1, 1);
  // Ana comes back through S3, unconnected: active but not a federation member.
  ASSERT_TRUE(Enrol(s3, "Ana", "1000001").ok());
  ExpectCounts(7, 3, 2, 1);
}

// A chapter tally the tree report cannot parse is lost data: the report refuses with
// DATA_LOSS, as every other report does, rather than showing the chapter with zero.
TEST_F(RegistryTest, TreeReportRefusesAMalformedTallyAsDataLoss) {
  ASSERT_NO_FATAL_FAILURE(AddBolivia());
  const std::string pact = MustAddChapter("Pacto de Unidad", "pact", "BO");
  const std::string s1 = MustAddChapter("Sindicato 1", "sindicato", "LPZ", pact);
  ASSERT_TRUE(Enrol(s1, "Ana", "1000001").ok());
  ReportContext ctx;
  ctx.db = db_.get();
  ctx.now = kNow;
  auto keep = [](const v1::TreeResponse&) { return true; };
  ASSERT_TRUE(BuildTree(ctx, v1::TreeRequest(), keep).ok());

  ASSERT_TRUE(db_->db()
                  ->Put(rocksdb::WriteOptions(), db_->tallies(), ChapterTallyKey(s1),
                        std::string("\xff\xff\xff", 3))
                  .ok());
  const absl::Status s = BuildTree(ctx, v1::TreeRequest(), keep);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s;
}

// --- two nodes, cut off from each other ----------------------------------------------

// One node's stack for the two-node tests; the test syncs nodes by hand, applying the
// entries of one node's log that the other lacks, in log order (DESIGN §5).
struct RegistryNode {
  RegistryNode(const std::string& path, const std::string& node_id, const Clock* clock) {
    DatabaseOptions options;
    options.path = path;
    options.node_id = node_id;
    options.write_buffer_bytes = 4 << 20;
    options.block_cache_bytes = 1 << 20;
    db = Database::Open(options).value();
    applier = std::make_unique<Applier>(db.get());
    EXPECT_TRUE(applier->Reload().ok());
    hlc = std::make_unique<HybridClock>(clock, absl::Seconds(5));
    CommitPipeline::Options pipeline_options;
    pipeline_options.node_id = node_id;
    pipeline_options.node_region = "BO";
    pipeline_options.sync = false;
    pipeline = std::make_unique<CommitPipeline>(db.get(), applier.get(), hlc.get(), clock,
                                                pipeline_options);
    registry =
        std::make_unique<Registry>(db.get(), pipeline.get(), FederationKey::Development(), clock);
  }
  ~RegistryNode() { pipeline->Stop(); }

  // Applies every entry of `from`'s log that this node lacks.
  void SyncFrom(RegistryNode& from) {
    // Entries as the sender ships them: values filled in from its records.
    std::vector<v1::Entry> entries;
    ReadView view(from.db.get());
    ASSERT_TRUE(ReadLog(view, 0, [&](uint64_t, v1::Entry& e) {
                  entries.push_back(std::move(e));
                  return true;
                }).ok());
    for (const v1::Entry& entry : entries) {
      bool applied = false;
      absl::Status s = pipeline->Execute(
          [&](WriteContext& ctx) { return ctx.applier().ApplyEntry(ctx.txn(), entry, &applied); },
          "replication");
      ASSERT_TRUE(s.ok()) << s;
    }
  }

  absl::StatusOr<v1::Membership> Enrol(const std::string& chapter, const std::string& name,
                                       const std::string& national_id) {
    v1::EnrolMemberRequest req;
    req.set_chapter(chapter);
    req.set_name(name);
    req.set_national_id(national_id);
    return Await<v1::Membership>(
        [&](v1::Membership* out, auto done) { registry->EnrolMember(req, "tester", out, done); });
  }

  std::unique_ptr<Database> db;
  std::unique_ptr<Applier> applier;
  std::unique_ptr<HybridClock> hlc;
  std::unique_ptr<CommitPipeline> pipeline;
  std::unique_ptr<Registry> registry;
};

class TwoNodeRegistryTest : public testing::Test {
 protected:
  void SetUp() override {
    x_ = std::make_unique<RegistryNode>(dir_.Sub("x"), "node-x", &clock_);
    y_ = std::make_unique<RegistryNode>(dir_.Sub("y"), "node-y", &clock_);
    v1::AddRegionRequest region;
    region.mutable_region()->set_code("BO");
    region.mutable_region()->set_name("Bolivia");
    ASSERT_TRUE(Await<v1::Region>([&](v1::Region* out, auto done) {
                  x_->registry->AddRegion(region, "tester", out, done);
                }).ok());
    for (std::string* id : {&s1_, &s2_}) {
      v1::AddChapterRequest chapter;
      chapter.set_name("Sindicato");
      chapter.set_level("sindicato");
      chapter.set_region("BO");
      absl::StatusOr<v1::Chapter> c = Await<v1::Chapter>([&](v1::Chapter* out, auto done) {
        x_->registry->AddChapter(chapter, "tester", out, done);
      });
      ASSERT_TRUE(c.ok()) << c.status();
      *id = c->id();
    }
    absl::StatusOr<v1::Membership> m = x_->Enrol(s1_, "Julia Mamani", "4455667");
    ASSERT_TRUE(m.ok()) << m.status();
    m1_ = *m;
    ASSERT_NO_FATAL_FAILURE(y_->SyncFrom(*x_));
  }

  void SyncBothWays() {
    ASSERT_NO_FATAL_FAILURE(x_->SyncFrom(*y_));
    ASSERT_NO_FATAL_FAILURE(y_->SyncFrom(*x_));
  }

  // Every live active membership's person is live on `node`.
  void ExpectEveryActiveMemberHasAPerson(RegistryNode& node, const std::string& membership) {
    v1::GetMemberRequest get;
    get.set_id(membership);
    absl::StatusOr<v1::Membership> m = node.registry->GetMember(get, Caller::Everything("test"));
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_EQ(m->status(), "active");
    EXPECT_EQ(m->person().id(), m->person_id())
        << "membership " << membership << " is active but its person " << m->person_id()
        << " is gone";
    EXPECT_GE(ReadCounter(*node.db, GlobalCounterKey(kPersonsCounter)).value(),
              ReadCounter(*node.db, GlobalCounterKey(kActiveCounter)).value());
  }

  TempDir dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<RegistryNode> x_, y_;
  std::string s1_, s2_;
  v1::Membership m1_;
};

TEST_F(TwoNodeRegistryTest, ConvergesAfterIndependentWrites) {
  // Both nodes write while cut off, then sync.
  ASSERT_TRUE(x_->Enrol(s1_, "Alicia", "1010101").ok());
  ASSERT_TRUE(y_->Enrol(s2_, "Bruno", "2020202").ok());
  ASSERT_TRUE(y_->Enrol(s2_, "Alicia", "1010101").ok());  // the same person, from Y
  ASSERT_NO_FATAL_FAILURE(SyncBothWays());
  EXPECT_EQ(ReadStoredDigest(*x_->db).value(), ReadStoredDigest(*y_->db).value());
  EXPECT_EQ(ReadStoredCounts(*x_->db).value(), ReadStoredCounts(*y_->db).value());
  EXPECT_EQ(ReadStoredCounts(*x_->db).value(), RecountFromRecords(*x_->db).value());
  EXPECT_EQ(ReadCounter(*x_->db, GlobalCounterKey(kPersonsCounter)).value(), 3);  // Julia too
  EXPECT_EQ(ReadCounter(*y_->db, GlobalCounterKey(kActiveCounter)).value(), 3);
}

// X erases Julia's only membership (and so Julia) on request; meanwhile Y, cut off,
// enrols Julia again in another chapter. record_state.h: "a person erased in one region
// may be enrolled again, concurrently, in another, and that new membership needs its
// person; a concurrent person value therefore survives beside the erasure". Y knows
// Julia already, under the same name, so ApplyEnrolment writes no person version for
// the erasure to leave standing: after the sync the new membership has no person.
TEST_F(TwoNodeRegistryTest, AConcurrentReEnrolmentKeepsThePerson) {
  v1::RemoveMemberRequest remove;
  remove.set_id(m1_.id());
  absl::StatusOr<v1::RemoveMemberResponse> removed =
      Await<v1::RemoveMemberResponse>([&](v1::RemoveMemberResponse* out, auto done) {
        x_->registry->RemoveMember(remove, "tester", out, done);
      });
  ASSERT_TRUE(removed.ok()) << removed.status();
  ASSERT_TRUE(removed->person_erased());
  absl::StatusOr<v1::Membership> again = y_->Enrol(s2_, "Julia Mamani", "4455667");
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_NO_FATAL_FAILURE(SyncBothWays());
  EXPECT_EQ(ReadStoredDigest(*x_->db).value(), ReadStoredDigest(*y_->db).value());
  for (RegistryNode* node : {x_.get(), y_.get()}) {
    ExpectEveryActiveMemberHasAPerson(*node, again->id());
  }
}

// The same with a transfer: Y moves the membership X is erasing. The move's new
// membership survives (it is a new record), so it needs its person as well.
TEST_F(TwoNodeRegistryTest, AConcurrentTransferKeepsThePerson) {
  v1::RemoveMemberRequest remove;
  remove.set_id(m1_.id());
  ASSERT_TRUE((Await<v1::RemoveMemberResponse>([&](v1::RemoveMemberResponse* out, auto done) {
                 x_->registry->RemoveMember(remove, "tester", out, done);
               }).ok()));
  v1::TransferMemberRequest transfer;
  transfer.set_id(m1_.id());
  transfer.set_to_chapter(s2_);
  absl::StatusOr<v1::Membership> moved = Await<v1::Membership>([&](v1::Membership* out, auto done) {
    y_->registry->TransferMember(transfer, "t", out, done);
  });
  ASSERT_TRUE(moved.ok()) << moved.status();
  ASSERT_NO_FATAL_FAILURE(SyncBothWays());
  EXPECT_EQ(ReadStoredDigest(*x_->db).value(), ReadStoredDigest(*y_->db).value());
  for (RegistryNode* node : {x_.get(), y_.get()}) {
    ExpectEveryActiveMemberHasAPerson(*node, moved->id());
  }
}

}  // namespace
}  // namespace pacto
