// Tests of the one apply path (node/store/applier.h) driven through the commit
// pipeline (commit_pipeline.h), on real RocksDB databases in temp dirs.
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "node/base/clock.h"
#include "node/base/hlc.h"
#include "node/store/applier.h"
#include "node/store/commit_pipeline.h"
#include "node/store/database.h"
#include "node/store/digest.h"
#include "node/store/keys.h"
#include "node/store/log_reader.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "node/store/record_state.h"
#include "pacto/v1/model.pb.h"
#include "tests/unit/recount.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1717243200);  // 2024-06-01T12:00:00Z

// One node's storage stack: database, applier, hybrid clock, commit pipeline.
class TestNode {
 public:
  TestNode(std::string path, std::string node_id)
      : path_(std::move(path)), node_id_(std::move(node_id)) {}
  ~TestNode() { Close(); }

  void Open() {
    DatabaseOptions options;
    options.path = path_;
    options.node_id = node_id_;
    options.write_buffer_bytes = 4 << 20;
    options.block_cache_bytes = 1 << 20;
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    applier_ = std::make_unique<Applier>(db_.get());
    ASSERT_TRUE(applier_->Reload().ok());
    hlc_ = std::make_unique<HybridClock>(&clock_, absl::Seconds(5));
    CommitPipeline::Options pipeline_options;
    pipeline_options.node_id = node_id_;
    pipeline_options.node_region = "BO";
    pipeline_options.sync = false;  // durability is not what these tests check
    pipeline_ = std::make_unique<CommitPipeline>(db_.get(), applier_.get(), hlc_.get(), &clock_,
                                                 pipeline_options);
  }

  void Close() {
    if (pipeline_) pipeline_->Stop();
    pipeline_.reset();
    hlc_.reset();
    applier_.reset();
    db_.reset();
  }

  // One work item: emits `ops` as one log entry of this node.
  absl::Status Emit(std::vector<v1::Op> ops) {
    return pipeline_->Execute(
        [ops](WriteContext& ctx) -> absl::Status {
          for (const v1::Op& op : ops) {
            absl::Status s = ctx.Emit(op);
            if (!s.ok()) return s;
          }
          return absl::OkStatus();
        },
        "tester");
  }

  // Applies another node's entry as replication would.
  absl::Status ApplyRemote(const v1::Entry& entry, bool* applied) {
    return pipeline_->Execute(
        [&entry, applied](WriteContext& ctx) {
          return ctx.applier().ApplyEntry(ctx.txn(), entry, applied);
        },
        "replication");
  }

  // Committed state as the apply path sees it.
  Digest digest() {
    Digest d;
    pipeline_->RunExclusive([&](Applier& a) { d = a.digest(); });
    return d;
  }
  VersionVector version_vector() {
    VersionVector vv;
    pipeline_->RunExclusive([&](Applier& a) { vv = a.version_vector(); });
    return vv;
  }
  uint64_t log_next() {
    uint64_t next = 0;
    pipeline_->RunExclusive([&](Applier& a) { next = a.log_next(); });
    return next;
  }

  Database& db() { return *db_; }
  CommitPipeline& pipeline() { return *pipeline_; }
  ManualClock& clock() { return clock_; }
  const std::string& node_id() const { return node_id_; }

 private:
  const std::string path_;
  const std::string node_id_;
  ManualClock clock_{kStart};
  std::unique_ptr<Database> db_;
  std::unique_ptr<Applier> applier_;
  std::unique_ptr<HybridClock> hlc_;
  std::unique_ptr<CommitPipeline> pipeline_;
};

// --- op and entry builders ---

v1::Dot D(const std::string& origin, uint64_t seq) {
  v1::Dot d;
  d.set_origin(origin);
  d.set_seq(seq);
  return d;
}

v1::Op RegionPut(const std::string& code, const std::string& name,
                 std::vector<v1::Dot> supersedes = {}) {
  v1::Region region;
  region.set_code(code);
  region.set_name(name);
  region.set_level("department");
  v1::Op op;
  op.set_type(v1::RECORD_TYPE_REGION);
  op.set_id(code);
  op.set_kind(v1::Op::PUT);
  op.set_value(region.SerializeAsString());
  op.set_home_region("BO");
  for (const v1::Dot& d : supersedes) *op.add_supersedes() = d;
  return op;
}

v1::Op PersonPut(const std::string& id, const std::string& name,
                 std::vector<v1::Dot> supersedes = {}) {
  v1::Person person;
  person.set_id(id);
  person.set_name(name);
  v1::Op op;
  op.set_type(v1::RECORD_TYPE_PERSON);
  op.set_id(id);
  op.set_kind(v1::Op::PUT);
  op.set_value(person.SerializeAsString());
  for (const v1::Dot& d : supersedes) *op.add_supersedes() = d;
  return op;
}

v1::Op MembershipPut(const std::string& id, const std::string& person, const std::string& chapter,
                     const std::string& status, std::vector<v1::Dot> supersedes = {}) {
  v1::Membership m;
  m.set_id(id);
  m.set_person_id(person);
  m.set_chapter_id(chapter);
  m.set_status(status);
  m.set_since("2024-01-01");
  v1::Op op;
  op.set_type(v1::RECORD_TYPE_MEMBERSHIP);
  op.set_id(id);
  op.set_kind(v1::Op::PUT);
  op.set_value(m.SerializeAsString());
  for (const v1::Dot& d : supersedes) *op.add_supersedes() = d;
  return op;
}

v1::Op EraseOp(v1::RecordType type, const std::string& id, std::vector<v1::Dot> supersedes) {
  v1::Op op;
  op.set_type(type);
  op.set_id(id);
  op.set_kind(v1::Op::ERASE);
  for (const v1::Dot& d : supersedes) *op.add_supersedes() = d;
  return op;
}

v1::Entry MakeEntry(const std::string& origin, uint64_t seq, uint64_t hlc,
                    std::vector<v1::Op> ops) {
  v1::Entry e;
  e.set_origin(origin);
  e.set_seq(seq);
  e.set_hlc(hlc);
  e.set_origin_region("BO");
  e.set_principal(absl::StrCat("node:", origin));
  for (v1::Op& op : ops) *e.add_ops() = std::move(op);
  return e;
}

// --- reading the stored state ---

struct LoggedEntry {
  uint64_t position;
  v1::Entry entry;
};

// The log as this node ships it: values filled in from its records (log_reader.h).
std::vector<LoggedEntry> ShippedLog(Database& db) {
  std::vector<LoggedEntry> out;
  ReadView view(&db);
  EXPECT_TRUE(ReadLog(view, 0, [&](uint64_t position, v1::Entry& entry) {
                out.push_back(LoggedEntry{position, std::move(entry)});
                return true;
              }).ok());
  return out;
}

// The log as stored: ops without values.
std::vector<LoggedEntry> StoredLog(Database& db) {
  std::vector<LoggedEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.log()));
  const std::string prefix(kLogEntryPrefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    LoggedEntry e;
    e.position = GetBigEndian64(ToView(it->key()).substr(1));
    EXPECT_TRUE(e.entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
    out.push_back(std::move(e));
  }
  EXPECT_TRUE(it->status().ok());
  return out;
}

// Every record's versions (history left out: it is in local arrival order).
std::map<std::string, std::string> RecordVersions(Database& db) {
  std::map<std::string, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.records()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::RecordState state;
    EXPECT_TRUE(state.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
    state.clear_history();
    out[it->key().ToString()] = state.SerializeAsString();
  }
  return out;
}

// True when any value in `cf` contains `needle`.
bool FamilyContains(Database& db, rocksdb::ColumnFamilyHandle* cf, const std::string& needle) {
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), cf));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (absl::StrContains(ToView(it->value()), needle)) return true;
  }
  return false;
}

void ExpectDerivedDataMatchesRecords(Database& db) {
  absl::StatusOr<CountMap> stored = ReadStoredCounts(db);
  absl::StatusOr<CountMap> recounted = RecountFromRecords(db);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_TRUE(recounted.ok()) << recounted.status();
  EXPECT_EQ(*stored, *recounted);
  absl::StatusOr<IndexMap> indexes = ReadStoredIndexes(db);
  absl::StatusOr<IndexMap> rebuilt = RebuildIndexes(db);
  ASSERT_TRUE(indexes.ok() && rebuilt.ok());
  EXPECT_EQ(*indexes, *rebuilt);
  EXPECT_EQ(ReadStoredDigest(db).value(), RecomputeDigest(db).value());
}

class ApplyTest : public testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ApplyTest, LocalWritesAreLoggedWithContiguousSequenceNumbers) {
  TestNode node(dir_.Sub("a"), "node-a");
  ASSERT_NO_FATAL_FAILURE(node.Open());
  for (int i = 0; i < 5; ++i) {
    std::vector<v1::Op> ops = {RegionPut(absl::StrCat("R", i), "region")};
    if (i % 2 == 0) ops.push_back(RegionPut(absl::StrCat("S", i), "second op"));
    ASSERT_TRUE(node.Emit(ops).ok());
  }
  // A work item that emits nothing uses no sequence number.
  ASSERT_TRUE(node.Emit({}).ok());
  ASSERT_TRUE(node.Emit({RegionPut("R9", "last")}).ok());

  const std::vector<LoggedEntry> log = ShippedLog(node.db());
  ASSERT_EQ(log.size(), 6u);
  uint64_t previous_hlc = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    const v1::Entry& e = log[i].entry;
    EXPECT_EQ(log[i].position, i);
    EXPECT_EQ(e.origin(), "node-a");
    EXPECT_EQ(e.seq(), i + 1);
    EXPECT_EQ(e.origin_region(), "BO");
    EXPECT_EQ(e.principal(), "tester");
    EXPECT_GT(e.hlc(), previous_hlc);
    EXPECT_EQ(HybridClock::Millis(e.hlc()), absl::ToUnixMillis(kStart));
    previous_hlc = e.hlc();
    // The dot index finds the entry.
    std::string position;
    ASSERT_TRUE(
        node.db()
            .db()
            ->Get(rocksdb::ReadOptions(), node.db().log(), DotKey("node-a", e.seq()), &position)
            .ok());
    EXPECT_EQ(GetBigEndian64(position), i);
  }
  EXPECT_EQ(log[0].entry.ops_size(), 2);
  EXPECT_EQ(log[1].entry.ops_size(), 1);
  EXPECT_EQ(node.version_vector().Get("node-a"), 6u);
  EXPECT_EQ(node.log_next(), 6u);

  // Each op superseded nothing (all records new); a rewrite supersedes what it saw.
  v1::RecordState state;
  ASSERT_TRUE(*ReadState(node.db(), rocksdb::ReadOptions(), v1::RECORD_TYPE_REGION, "R1", &state));
  ASSERT_EQ(state.versions_size(), 1);
  EXPECT_TRUE(SameDot(state.versions(0).dot(), D("node-a", 2)));
  EXPECT_EQ(state.history(0).principal(), "tester");
}

TEST_F(ApplyTest, VersionVectorDigestAndCursorSurviveReopening) {
  const std::string path = dir_.Sub("a");
  Digest digest;
  VersionVector vv;
  {
    TestNode node(path, "node-a");
    ASSERT_NO_FATAL_FAILURE(node.Open());
    ASSERT_TRUE(node.Emit({RegionPut("LPZ", "La Paz")}).ok());
    ASSERT_TRUE(node.Emit({RegionPut("CBB", "Cochabamba")}).ok());
    ASSERT_TRUE(node.Emit({RegionPut("LPZ", "La Paz (renamed)", {D("node-a", 1)})}).ok());
    bool applied = false;
    ASSERT_TRUE(
        node.ApplyRemote(MakeEntry("node-b", 1, 5, {RegionPut("ORU", "Oruro")}), &applied).ok());
    EXPECT_TRUE(applied);
    digest = node.digest();
    vv = node.version_vector();
    EXPECT_EQ(node.log_next(), 4u);
    EXPECT_EQ(digest, RecomputeDigest(node.db()).value());
    EXPECT_NE(digest, Digest());
  }
  EXPECT_EQ(vv.Get("node-a"), 3u);
  EXPECT_EQ(vv.Get("node-b"), 1u);

  // Reopen: Applier::Reload reads back what the commits persisted.
  TestNode reopened(path, "node-a");
  ASSERT_NO_FATAL_FAILURE(reopened.Open());
  EXPECT_EQ(reopened.digest(), digest);
  EXPECT_EQ(reopened.version_vector(), vv);
  EXPECT_EQ(reopened.log_next(), 4u);
  // And writing continues where it left off.
  ASSERT_TRUE(reopened.Emit({RegionPut("PTS", "Potosí")}).ok());
  const std::vector<LoggedEntry> log = ShippedLog(reopened.db());
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log.back().position, 4u);
  EXPECT_EQ(log.back().entry.origin(), "node-a");
  EXPECT_EQ(log.back().entry.seq(), 4u);
  EXPECT_EQ(reopened.digest(), RecomputeDigest(reopened.db()).value());
}

TEST_F(ApplyTest, ReapplyingAnEntryIsANoOp) {
  TestNode a(dir_.Sub("a"), "node-a");
  TestNode b(dir_.Sub("b"), "node-b");
  ASSERT_NO_FATAL_FAILURE(a.Open());
  ASSERT_NO_FATAL_FAILURE(b.Open());
  ASSERT_TRUE(a.Emit({RegionPut("LPZ", "La Paz"), PersonPut("pr-1", "Someone")}).ok());
  const std::vector<LoggedEntry> log = ShippedLog(a.db());
  ASSERT_EQ(log.size(), 1u);

  bool applied = false;
  ASSERT_TRUE(b.ApplyRemote(log[0].entry, &applied).ok());
  EXPECT_TRUE(applied);
  const Digest digest = b.digest();
  const uint64_t next = b.log_next();
  EXPECT_EQ(digest, a.digest());
  EXPECT_EQ(ReadStoredCounts(b.db()).value(), ReadStoredCounts(a.db()).value());

  applied = true;
  ASSERT_TRUE(b.ApplyRemote(log[0].entry, &applied).ok());
  EXPECT_FALSE(applied);
  EXPECT_EQ(b.digest(), digest);
  EXPECT_EQ(b.log_next(), next);
  EXPECT_EQ(ShippedLog(b.db()).size(), 1u);
  EXPECT_EQ(Count(ReadStoredCounts(b.db()).value(), "persons"), 1);
  // The node's own entries come back through sync too: also a no-op.
  ASSERT_TRUE(a.ApplyRemote(log[0].entry, &applied).ok());
  EXPECT_FALSE(applied);
  EXPECT_EQ(ShippedLog(a.db()).size(), 1u);
}

TEST_F(ApplyTest, AGapInSequenceNumbersIsRefused) {
  TestNode b(dir_.Sub("b"), "node-b");
  ASSERT_NO_FATAL_FAILURE(b.Open());
  bool applied = false;
  ASSERT_TRUE(b.ApplyRemote(MakeEntry("node-a", 1, 10, {RegionPut("R1", "one")}), &applied).ok());
  absl::Status gap =
      b.ApplyRemote(MakeEntry("node-a", 3, 30, {RegionPut("R3", "three")}), &applied);
  EXPECT_EQ(gap.code(), absl::StatusCode::kFailedPrecondition) << gap;
  EXPECT_TRUE(absl::StrContains(gap.message(), "node-a:2")) << gap.message();
  EXPECT_EQ(b.version_vector().Get("node-a"), 1u);
  EXPECT_EQ(ShippedLog(b.db()).size(), 1u);
  v1::RecordState state;
  EXPECT_FALSE(*ReadState(b.db(), rocksdb::ReadOptions(), v1::RECORD_TYPE_REGION, "R3", &state));

  // The missing entry, then the refused one, apply fine.
  ASSERT_TRUE(b.ApplyRemote(MakeEntry("node-a", 2, 20, {RegionPut("R2", "two")}), &applied).ok());
  ASSERT_TRUE(b.ApplyRemote(MakeEntry("node-a", 3, 30, {RegionPut("R3", "three")}), &applied).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(b.version_vector().Get("node-a"), 3u);
}

TEST_F(ApplyTest, MalformedEntriesAreRefusedWhole) {
  TestNode b(dir_.Sub("b"), "node-b");
  ASSERT_NO_FATAL_FAILURE(b.Open());
  bool applied = false;
  EXPECT_EQ(b.ApplyRemote(MakeEntry("node-a", 1, 10, {}), &applied).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(b.ApplyRemote(MakeEntry("", 1, 10, {RegionPut("R1", "x")}), &applied).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(b.ApplyRemote(MakeEntry("node-a", 0, 10, {RegionPut("R1", "x")}), &applied).code(),
            absl::StatusCode::kInvalidArgument);
  v1::Op garbage = RegionPut("R2", "y");
  garbage.set_value("\xff\xff\xff");
  EXPECT_EQ(
      b.ApplyRemote(MakeEntry("node-a", 1, 10, {RegionPut("R1", "x"), garbage}), &applied).code(),
      absl::StatusCode::kInvalidArgument);
  v1::Op untyped = RegionPut("R3", "z");
  untyped.set_type(v1::RECORD_TYPE_UNSPECIFIED);
  EXPECT_EQ(b.ApplyRemote(MakeEntry("node-a", 1, 10, {untyped}), &applied).code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing of the refused entries landed.
  EXPECT_EQ(ShippedLog(b.db()).size(), 0u);
  EXPECT_EQ(b.version_vector().Get("node-a"), 0u);
  v1::RecordState state;
  EXPECT_FALSE(*ReadState(b.db(), rocksdb::ReadOptions(), v1::RECORD_TYPE_REGION, "R1", &state));
}

// Two nodes receive the same entries from origins A and B in two different causal
// orders and end with equal records, digests, version vectors and derived data.
TEST_F(ApplyTest, DifferentCausalOrdersConverge) {
  const uint64_t t = HybridClock::Pack(absl::ToUnixMillis(kStart), 0);
  const v1::Entry a1 = MakeEntry("A", 1, t + 1,
                                 {RegionPut("R1", "one"), PersonPut("pr-1", "Person One"),
                                  MembershipPut("mb-1", "pr-1", "ch-x", "active")});
  const v1::Entry a2 = MakeEntry("A", 2, t + 2, {RegionPut("R1", "one by A", {D("A", 1)})});
  // B saw A1 only: B1 is concurrent with A2.
  const v1::Entry b1 =
      MakeEntry("B", 1, t + 2, {RegionPut("R1", "one by B", {D("A", 1)}), RegionPut("R2", "two")});
  const v1::Entry b2 =
      MakeEntry("B", 2, t + 3, {EraseOp(v1::RECORD_TYPE_MEMBERSHIP, "mb-1", {D("A", 1)})});
  // A ends the membership without having seen B's erasure: concurrent with it.
  const v1::Entry a3 =
      MakeEntry("A", 3, t + 4, {MembershipPut("mb-1", "pr-1", "ch-x", "ended", {D("A", 1)})});
  const v1::Entry b3 = MakeEntry("B", 3, t + 5, {RegionPut("R2", "two again", {D("B", 1)})});

  TestNode x(dir_.Sub("x"), "node-x");
  TestNode y(dir_.Sub("y"), "node-y");
  ASSERT_NO_FATAL_FAILURE(x.Open());
  ASSERT_NO_FATAL_FAILURE(y.Open());
  bool applied = false;
  for (const v1::Entry* e : {&a1, &a2, &a3, &b1, &b2, &b3}) {
    ASSERT_TRUE(x.ApplyRemote(*e, &applied).ok()) << e->origin() << ":" << e->seq();
    ASSERT_TRUE(applied);
    ASSERT_NO_FATAL_FAILURE(ExpectDerivedDataMatchesRecords(x.db()));
  }
  for (const v1::Entry* e : {&a1, &b1, &b2, &b3, &a2, &a3}) {
    ASSERT_TRUE(y.ApplyRemote(*e, &applied).ok()) << e->origin() << ":" << e->seq();
    ASSERT_TRUE(applied);
    ASSERT_NO_FATAL_FAILURE(ExpectDerivedDataMatchesRecords(y.db()));
  }

  EXPECT_EQ(x.digest(), y.digest());
  EXPECT_EQ(x.digest(), RecomputeDigest(x.db()).value());
  EXPECT_EQ(y.digest(), RecomputeDigest(y.db()).value());
  EXPECT_EQ(x.version_vector(), y.version_vector());
  EXPECT_EQ(RecordVersions(x.db()), RecordVersions(y.db()));
  EXPECT_EQ(ReadStoredCounts(x.db()).value(), ReadStoredCounts(y.db()).value());
  EXPECT_EQ(ReadStoredIndexes(x.db()).value(), ReadStoredIndexes(y.db()).value());

  // What the state is: R1 in conflict (A2 and B1), R2 = B3, the membership erased.
  v1::RecordState r1;
  ASSERT_TRUE(*ReadState(x.db(), rocksdb::ReadOptions(), v1::RECORD_TYPE_REGION, "R1", &r1));
  EXPECT_EQ(r1.versions_size(), 2);
  v1::Region winner;
  ASSERT_TRUE(*DecodeWinner(r1, &winner));
  EXPECT_EQ(winner.name(), "one by B");  // equal hlc: the higher dot, B:1 over A:2
  v1::RecordState m;
  ASSERT_TRUE(*ReadState(y.db(), rocksdb::ReadOptions(), v1::RECORD_TYPE_MEMBERSHIP, "mb-1", &m));
  EXPECT_FALSE(IsLive(m));
  EXPECT_EQ(Count(ReadStoredCounts(x.db()).value(), "active_members"), 0);
  EXPECT_EQ(Count(ReadStoredCounts(x.db()).value(), "persons"), 1);
  // Neither node ships a value of the erased membership: its versions are gone, so
  // every PUT of it goes out redacted; and no stored log holds values at all.
  for (TestNode* node : {&x, &y}) {
    for (const LoggedEntry& logged : StoredLog(node->db())) {
      for (const v1::Op& op : logged.entry.ops()) EXPECT_TRUE(op.value().empty());
    }
    for (const LoggedEntry& logged : ShippedLog(node->db())) {
      for (const v1::Op& op : logged.entry.ops()) {
        if (op.id() != "mb-1" || op.kind() != v1::Op::PUT) continue;
        EXPECT_TRUE(op.redacted())
            << node->node_id() << " " << logged.entry.origin() << ":" << logged.entry.seq();
        EXPECT_TRUE(op.value().empty());
      }
    }
  }
}

TEST_F(ApplyTest, ErasureLeavesNoValueOfTheErasedRecordToShip) {
  TestNode a(dir_.Sub("a"), "node-a");
  ASSERT_NO_FATAL_FAILURE(a.Open());
  // Entry 1: a person, their membership and an unrelated region, in one entry.
  ASSERT_TRUE(a.Emit({PersonPut("pr-9", "Secret Name"),
                      MembershipPut("mb-9", "pr-9", "ch-1", "active"), RegionPut("LPZ", "La Paz")})
                  .ok());
  // Entry 2: the person's name changes.
  ASSERT_TRUE(a.Emit({PersonPut("pr-9", "Secret Name Changed", {D("node-a", 1)})}).ok());
  ASSERT_NO_FATAL_FAILURE(ExpectDerivedDataMatchesRecords(a.db()));
  // The stored log never holds values; the records do, until the erasure.
  EXPECT_FALSE(FamilyContains(a.db(), a.db().log(), "Secret Name"));
  EXPECT_TRUE(FamilyContains(a.db(), a.db().records(), "Secret Name"));
  // Entry 3: erasure of the membership and the person.
  ASSERT_TRUE(a.Emit({EraseOp(v1::RECORD_TYPE_MEMBERSHIP, "mb-9", {D("node-a", 1)}),
                      EraseOp(v1::RECORD_TYPE_PERSON, "pr-9", {D("node-a", 2)})})
                  .ok());
  ASSERT_NO_FATAL_FAILURE(ExpectDerivedDataMatchesRecords(a.db()));

  const std::vector<LoggedEntry> log = ShippedLog(a.db());
  ASSERT_EQ(log.size(), 3u);
  int region_ops = 0, redacted_ops = 0;
  for (const LoggedEntry& logged : log) {
    for (const v1::Op& op : logged.entry.ops()) {
      if (op.id() == "LPZ") {
        ++region_ops;
        EXPECT_FALSE(op.redacted());
        v1::Region region;
        ASSERT_TRUE(region.ParseFromString(op.value()));
        EXPECT_EQ(region.name(), "La Paz");
      } else if (op.kind() == v1::Op::PUT) {
        ++redacted_ops;
        EXPECT_TRUE(op.redacted()) << op.id() << " in entry " << logged.entry.seq();
        EXPECT_TRUE(op.value().empty()) << op.id() << " in entry " << logged.entry.seq();
      }
    }
  }
  EXPECT_EQ(region_ops, 1);
  EXPECT_EQ(redacted_ops, 3);  // person twice, membership once
  EXPECT_FALSE(FamilyContains(a.db(), a.db().log(), "Secret Name"));
  EXPECT_FALSE(FamilyContains(a.db(), a.db().records(), "Secret Name"));
  EXPECT_EQ(Count(ReadStoredCounts(a.db()).value(), "persons"), 0);
  EXPECT_EQ(Count(ReadStoredCounts(a.db()).value(), "active_members"), 0);

  // The shipped log, redactions and all, replays to the same registry on a fresh node.
  TestNode b(dir_.Sub("b"), "node-b");
  ASSERT_NO_FATAL_FAILURE(b.Open());
  bool applied = false;
  for (const LoggedEntry& logged : log) {
    ASSERT_TRUE(b.ApplyRemote(logged.entry, &applied).ok());
    ASSERT_TRUE(applied);
  }
  EXPECT_EQ(b.digest(), a.digest());
  EXPECT_EQ(RecordVersions(b.db()), RecordVersions(a.db()));
  ASSERT_NO_FATAL_FAILURE(ExpectDerivedDataMatchesRecords(b.db()));
  EXPECT_FALSE(FamilyContains(b.db(), b.db().log(), "Secret Name"));
}

// An entry that writes a record and erases it again leaves its value nowhere.
TEST_F(ApplyTest, ErasureInTheSameEntryLeavesNoValue) {
  TestNode a(dir_.Sub("a"), "node-a");
  ASSERT_NO_FATAL_FAILURE(a.Open());
  ASSERT_TRUE(
      a.Emit({PersonPut("pr-5", "Same Entry Secret"), EraseOp(v1::RECORD_TYPE_PERSON, "pr-5", {})})
          .ok());
  EXPECT_FALSE(FamilyContains(a.db(), a.db().records(), "Same Entry Secret"));
  EXPECT_FALSE(FamilyContains(a.db(), a.db().log(), "Same Entry Secret"));
}

TEST_F(ApplyTest, GroupedWorkItemsSeeEachOthersWrites) {
  TestNode a(dir_.Sub("a"), "node-a");
  ASSERT_NO_FATAL_FAILURE(a.Open());
  ASSERT_TRUE(a.Emit({RegionPut("LPZ", "La Paz")}).ok());
  // Submitted at once, the items share commit groups; each rewrites LPZ superseding
  // the versions it reads through the group's WriteTxn, so none is concurrent with
  // another and no conflict appears.
  constexpr int kWriters = 40;
  std::vector<absl::Status> results(kWriters);
  absl::BlockingCounter pending(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    a.pipeline().Submit(
        [i](WriteContext& ctx) -> absl::Status {
          v1::RecordState state;
          absl::StatusOr<bool> found = ReadState(ctx.txn(), v1::RECORD_TYPE_REGION, "LPZ", &state);
          if (!found.ok()) return found.status();
          std::vector<v1::Dot> seen;
          for (const v1::Version& v : state.versions()) seen.push_back(v.dot());
          return ctx.Emit(RegionPut("LPZ", absl::StrCat("La Paz #", i), seen));
        },
        "tester",
        [&results, &pending, i](absl::Status s) {
          results[i] = std::move(s);
          pending.DecrementCount();
        });
  }
  pending.Wait();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  v1::RecordState state;
  ASSERT_TRUE(*ReadState(a.db(), rocksdb::ReadOptions(), v1::RECORD_TYPE_REGION, "LPZ", &state));
  EXPECT_EQ(state.versions_size(), 1);
  EXPECT_EQ(state.history_size(), kWriters + 1);
  v1::Region winner;
  ASSERT_TRUE(*DecodeWinner(state, &winner));
  EXPECT_EQ(winner.name(), absl::StrCat("La Paz #", kWriters - 1));  // submission order
  EXPECT_EQ(ShippedLog(a.db()).size(), static_cast<size_t>(kWriters + 1));
  EXPECT_EQ(a.version_vector().Get("node-a"), static_cast<uint64_t>(kWriters + 1));
  EXPECT_EQ(a.digest(), RecomputeDigest(a.db()).value());
}

// A work item that fails after emitting rolls its whole group back; the applier's
// in-memory state is reloaded, so the next write reuses the sequence number.
TEST_F(ApplyTest, AFailureAfterEmittingRollsTheGroupBack) {
  TestNode a(dir_.Sub("a"), "node-a");
  ASSERT_NO_FATAL_FAILURE(a.Open());
  ASSERT_TRUE(a.Emit({RegionPut("LPZ", "La Paz")}).ok());
  const Digest before = a.digest();
  absl::Status s = a.pipeline().Execute(
      [](WriteContext& ctx) -> absl::Status {
        absl::Status emitted = ctx.Emit(RegionPut("CBB", "Cochabamba"));
        if (!emitted.ok()) return emitted;
        return absl::InvalidArgumentError("name: refused too late");
      },
      "tester");
  // The item keeps its own code; the message says it was rolled back.
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("after it began applying"), absl::string_view::npos) << s;
  EXPECT_EQ(a.digest(), before);
  EXPECT_EQ(a.version_vector().Get("node-a"), 1u);
  v1::RecordState state;
  EXPECT_FALSE(*ReadState(a.db(), rocksdb::ReadOptions(), v1::RECORD_TYPE_REGION, "CBB", &state));
  ASSERT_TRUE(a.Emit({RegionPut("ORU", "Oruro")}).ok());
  const std::vector<LoggedEntry> log = ShippedLog(a.db());
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].entry.seq(), 2u);
  EXPECT_EQ(log[1].entry.ops(0).id(), "ORU");
  EXPECT_EQ(a.digest(), RecomputeDigest(a.db()).value());
  EXPECT_EQ(a.pipeline().stats().failed_commits, 1u);
}

// DerivedData promises indexes and tallies equal to a recount whenever a record's
// winner changes. A chapter whose winning version names another home region moves its
// chapter count (OnChapter) but not its members' per-region tallies. No registry call
// changes a chapter's region today; a replicated write may.
TEST_F(ApplyTest, AChapterChangingRegionMovesItsMembersRegionTallies) {
  TestNode a(dir_.Sub("a"), "node-a");
  ASSERT_NO_FATAL_FAILURE(a.Open());
  v1::Region bo, lpz, cbb;
  bo.set_code("BO");
  lpz.set_code("LPZ");
  lpz.set_parent("BO");
  cbb.set_code("CBB");
  cbb.set_parent("BO");
  v1::Chapter chapter;
  chapter.set_id("ch-1");
  chapter.set_level("sindicato");
  chapter.set_region("LPZ");
  v1::Op put_chapter;
  put_chapter.set_type(v1::RECORD_TYPE_CHAPTER);
  put_chapter.set_id("ch-1");
  put_chapter.set_kind(v1::Op::PUT);
  put_chapter.set_value(chapter.SerializeAsString());
  std::vector<v1::Op> ops;
  for (const v1::Region* r : {&bo, &lpz, &cbb}) {
    v1::Op op = RegionPut(r->code(), r->code());
    op.set_value(r->SerializeAsString());
    ops.push_back(op);
  }
  ops.push_back(put_chapter);
  ops.push_back(PersonPut("pr-1", "Member"));
  ops.push_back(MembershipPut("mb-1", "pr-1", "ch-1", "active"));
  ASSERT_TRUE(a.Emit(ops).ok());
  ASSERT_NO_FATAL_FAILURE(ExpectDerivedDataMatchesRecords(a.db()));
  EXPECT_EQ(Count(ReadStoredCounts(a.db()).value(), "region/LPZ/active_members"), 1);

  chapter.set_region("CBB");
  put_chapter.set_value(chapter.SerializeAsString());
  *put_chapter.add_supersedes() = D("node-a", 1);
  ASSERT_TRUE(a.Emit({put_chapter}).ok());
  const CountMap stored = ReadStoredCounts(a.db()).value();
  EXPECT_EQ(Count(stored, "region/CBB/chapters"), 1);
  EXPECT_EQ(Count(stored, "region/LPZ/chapters"), 0);
  EXPECT_EQ(Count(stored, "region/CBB/active_members"), 1);
  EXPECT_EQ(Count(stored, "region/LPZ/active_members"), 0);
  ASSERT_NO_FATAL_FAILURE(ExpectDerivedDataMatchesRecords(a.db()));
}

TEST_F(ApplyTest, AStoppedPipelineRefusesWork) {
  TestNode a(dir_.Sub("a"), "node-a");
  ASSERT_NO_FATAL_FAILURE(a.Open());
  ASSERT_TRUE(a.Emit({RegionPut("LPZ", "La Paz")}).ok());
  a.pipeline().Stop();
  a.pipeline().Stop();  // idempotent
  EXPECT_EQ(a.Emit({RegionPut("CBB", "Cochabamba")}).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ShippedLog(a.db()).size(), 1u);
}

// --- opening a data dir -----------------------------------------------------------------

TEST_F(ApplyTest, DatabaseKeepsItsNodeIdAndRefusesAnother) {
  DatabaseOptions options;
  options.path = dir_.Sub("db");
  options.node_id = "node-a";
  {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_EQ((*db)->node_id(), "node-a");
    EXPECT_EQ((*db)->path(), options.path);
    // The same dir, open already: refused while the first holds its lock.
    absl::StatusOr<std::unique_ptr<Database>> twice = Database::Open(options);
    EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition) << twice.status();
  }
  options.node_id = "";
  {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_EQ((*db)->node_id(), "node-a");  // taken from the dir
  }
  options.node_id = "node-b";
  absl::StatusOr<std::unique_ptr<Database>> other = Database::Open(options);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition) << other.status();
  EXPECT_TRUE(absl::StrContains(other.status().message(), "node-a")) << other.status();

  // A new dir without a node id gets a made-up one.
  DatabaseOptions fresh;
  fresh.path = dir_.Sub("fresh");
  absl::StatusOr<std::unique_ptr<Database>> made = Database::Open(fresh);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_TRUE(absl::StartsWith((*made)->node_id(), "node-")) << (*made)->node_id();
}

TEST_F(ApplyTest, DatabaseRefusesSomeoneElsesRocksDb) {
  const std::string path = dir_.Sub("foreign");
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), "k", "v").ok());
    delete raw;
  }
  DatabaseOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition) << db.status();
  EXPECT_TRUE(absl::StrContains(db.status().message(), "not a pacto registry")) << db.status();
}

// --- random multi-node histories ------------------------------------------------------

// A write as the registry makes it: supersedes every version this node holds.
absl::Status EmitOver(TestNode& node, v1::RecordType type, const std::string& id, v1::Op::Kind kind,
                      const google::protobuf::MessageLite* value) {
  v1::Op op;
  op.set_type(type);
  op.set_id(id);
  op.set_kind(kind);
  if (value != nullptr) op.set_value(value->SerializeAsString());
  op.set_home_region("BO");
  return node.pipeline().Execute(
      [op](WriteContext& ctx) mutable -> absl::Status {
        v1::RecordState state;
        absl::StatusOr<bool> found = ReadState(ctx.txn(), op.type(), op.id(), &state);
        if (!found.ok()) return found.status();
        for (const v1::Version& v : state.versions()) *op.add_supersedes() = v.dot();
        return ctx.Emit(op);
      },
      "tester");
}

// Anti-entropy as DESIGN §5 describes it: `to` applies, in `from`'s log order, every
// entry of `from`'s log that it lacks.
void Sync(TestNode& to, TestNode& from) {
  const VersionVector have = to.version_vector();
  for (const LoggedEntry& logged : ShippedLog(from.db())) {
    if (have.Covers(logged.entry.origin(), logged.entry.seq())) continue;
    bool applied = false;
    absl::Status s = to.ApplyRemote(logged.entry, &applied);
    ASSERT_TRUE(s.ok()) << s << " applying " << logged.entry.origin() << ":" << logged.entry.seq()
                        << " from " << from.node_id() << " to " << to.node_id();
  }
}

template <typename T>
std::map<std::string, T> LiveRecords(Database& db, v1::RecordType type) {
  std::map<std::string, T> out;
  const std::string prefix = RecordTypePrefix(type);
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.records()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::RecordState state;
    EXPECT_TRUE(state.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
    T value;
    if (*DecodeWinner(state, &value)) out[std::string(ToView(it->key()).substr(1))] = value;
  }
  return out;
}

// Three nodes write memberships, persons and affiliations the way the registry would
// (each write supersedes what its node holds; a record is only updated or erased where
// it is live) and sync in random pairs; after a final full sync every node must hold
// the same records and digest, and every node's derived data must equal a recount.
TEST_F(ApplyTest, ThreeNodesConvergeUnderRandomWritesAndSyncs) {
  const std::vector<std::string> sindicatos = {"ch-s1", "ch-s2", "ch-s3"};
  const std::map<std::string, std::string> levels = {
      {"ch-p", "pact"},        {"ch-c", "confederation"}, {"ch-f1", "federation"},
      {"ch-f2", "federation"}, {"ch-s1", "sindicato"},    {"ch-s2", "sindicato"},
      {"ch-s3", "sindicato"}};
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937_64 rng(seed);
    TempDir dir;
    std::vector<std::unique_ptr<TestNode>> nodes;
    for (const char* id : {"node-a", "node-b", "node-c"}) {
      nodes.push_back(std::make_unique<TestNode>(dir.Sub(id), id));
      ASSERT_NO_FATAL_FAILURE(nodes.back()->Open());
    }
    TestNode& a = *nodes[0];
    // The structure, written by node A: BO ⊃ LPZ; P ← C ← F1; F2 unaffiliated.
    {
      v1::Region bo, lpz;
      bo.set_code("BO");
      bo.set_level("country");
      lpz.set_code("LPZ");
      lpz.set_level("department");
      lpz.set_parent("BO");
      ASSERT_TRUE(EmitOver(a, v1::RECORD_TYPE_REGION, "BO", v1::Op::PUT, &bo).ok());
      ASSERT_TRUE(EmitOver(a, v1::RECORD_TYPE_REGION, "LPZ", v1::Op::PUT, &lpz).ok());
      for (const auto& [id, level] : levels) {
        v1::Chapter c;
        c.set_id(id);
        c.set_name(id);
        c.set_level(level);
        c.set_region(level == "sindicato" ? "LPZ" : "BO");
        c.set_status("active");
        ASSERT_TRUE(EmitOver(a, v1::RECORD_TYPE_CHAPTER, id, v1::Op::PUT, &c).ok());
      }
      for (const auto& [child, parent] :
           std::vector<std::pair<std::string, std::string>>{{"ch-c", "ch-p"}, {"ch-f1", "ch-c"}}) {
        v1::Affiliation af;
        af.set_child(child);
        af.set_parent(parent);
        af.set_status("active");
        ASSERT_TRUE(EmitOver(a, v1::RECORD_TYPE_AFFILIATION, child, v1::Op::PUT, &af).ok());
      }
      for (int p = 1; p <= 4; ++p) {
        v1::Person person;
        person.set_id(absl::StrCat("pr-", p));
        person.set_name(absl::StrCat("Person ", p));
        ASSERT_TRUE(EmitOver(a, v1::RECORD_TYPE_PERSON, person.id(), v1::Op::PUT, &person).ok());
      }
      ASSERT_NO_FATAL_FAILURE(Sync(*nodes[1], a));
      ASSERT_NO_FATAL_FAILURE(Sync(*nodes[2], a));
    }

    int made = 0;
    for (int step = 0; step < 80; ++step) {
      TestNode& node = *nodes[rng() % nodes.size()];
      const int roll = static_cast<int>(rng() % 100);
      if (roll < 30) {
        TestNode& from = *nodes[rng() % nodes.size()];
        ASSERT_NO_FATAL_FAILURE(Sync(node, from));
        continue;
      }
      auto memberships = LiveRecords<v1::Membership>(node.db(), v1::RECORD_TYPE_MEMBERSHIP);
      if (roll < 55 || memberships.empty()) {
        v1::Membership m;
        m.set_id(absl::StrCat("mb-", node.node_id(), "-", ++made));
        m.set_person_id(absl::StrCat("pr-", 1 + rng() % 4));
        const std::vector<std::string> homes = {"ch-s1", "ch-s2", "ch-s3", "ch-f2"};
        m.set_chapter_id(homes[rng() % homes.size()]);
        m.set_status("active");
        ASSERT_TRUE(EmitOver(node, v1::RECORD_TYPE_MEMBERSHIP, m.id(), v1::Op::PUT, &m).ok());
      } else if (roll < 68) {
        auto it = std::next(memberships.begin(), rng() % memberships.size());
        v1::Membership m = it->second;
        m.set_status(m.status() == "active" ? "ended" : "active");
        ASSERT_TRUE(EmitOver(node, v1::RECORD_TYPE_MEMBERSHIP, m.id(), v1::Op::PUT, &m).ok());
      } else if (roll < 76) {
        auto it = std::next(memberships.begin(), rng() % memberships.size());
        ASSERT_TRUE(
            EmitOver(node, v1::RECORD_TYPE_MEMBERSHIP, it->first, v1::Op::ERASE, nullptr).ok());
      } else if (roll < 92) {
        // Re-parent a sindicato or F2 under any chapter of a higher level, or end it.
        const std::vector<std::string> children = {"ch-s1", "ch-s2", "ch-s3", "ch-f2"};
        const std::string child = children[rng() % children.size()];
        const std::vector<std::string> parents =
            levels.at(child) == "sindicato"
                ? std::vector<std::string>{"ch-f1", "ch-f2", "ch-c", "ch-p", ""}
                : std::vector<std::string>{"ch-c", "ch-p", ""};
        v1::Affiliation af;
        af.set_child(child);
        af.set_parent(parents[rng() % parents.size()]);
        af.set_status(af.parent().empty() ? "ended" : "active");
        ASSERT_TRUE(EmitOver(node, v1::RECORD_TYPE_AFFILIATION, child, v1::Op::PUT, &af).ok());
      } else {
        // A person erased here, or (re-)enrolled with a new name.
        const std::string person = absl::StrCat("pr-", 1 + rng() % 4);
        if (rng() % 2 == 0) {
          ASSERT_TRUE(EmitOver(node, v1::RECORD_TYPE_PERSON, person, v1::Op::ERASE, nullptr).ok());
        } else {
          v1::Person p;
          p.set_id(person);
          p.set_name(absl::StrCat("Person ", person, " step ", step));
          ASSERT_TRUE(EmitOver(node, v1::RECORD_TYPE_PERSON, person, v1::Op::PUT, &p).ok());
        }
      }
      ASSERT_NO_FATAL_FAILURE(ExpectDerivedDataMatchesRecords(node.db())) << "step " << step;
    }
    // Everyone syncs with everyone, twice over, so every write reaches every node.
    for (int round = 0; round < 2; ++round) {
      for (auto& to : nodes) {
        for (auto& from : nodes) {
          if (to != from) {
            ASSERT_NO_FATAL_FAILURE(Sync(*to, *from));
          }
        }
      }
    }
    for (auto& node : nodes) {
      ASSERT_NO_FATAL_FAILURE(ExpectDerivedDataMatchesRecords(node->db())) << node->node_id();
      EXPECT_EQ(node->digest(), RecomputeDigest(node->db()).value()) << node->node_id();
    }
    for (size_t i = 1; i < nodes.size(); ++i) {
      EXPECT_EQ(nodes[i]->version_vector(), a.version_vector());
      EXPECT_EQ(nodes[i]->digest(), a.digest()) << nodes[i]->node_id();
      EXPECT_EQ(RecordVersions(nodes[i]->db()), RecordVersions(a.db())) << nodes[i]->node_id();
      EXPECT_EQ(ReadStoredCounts(nodes[i]->db()).value(), ReadStoredCounts(a.db()).value());
      EXPECT_EQ(ReadStoredIndexes(nodes[i]->db()).value(), ReadStoredIndexes(a.db()).value());
    }
    if (HasFailure()) break;  // one seed's report is enough
  }
}

}  // namespace
}  // namespace pacto
