#include "tests/nemesis/invariants.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "node/base/hlc.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"
#include "node/store/record_state.h"
#include "pacto/v1/model.pb.h"
#include "tests/unit/recount.h"

namespace pacto {
namespace {

// At most this many failure lines per check and node.
constexpr int kMaxReports = 5;

class Reports {
 public:
  explicit Reports(std::string what) : what_(std::move(what)) {}
  ~Reports() {
    if (count_ > kMaxReports) {
      ADD_FAILURE() << what_ << ": " << count_ - kMaxReports << " more failures not shown";
    }
  }
  // Returns whether the failure should be shown.
  bool Add() { return ++count_ <= kMaxReports; }

 private:
  const std::string what_;
  int count_ = 0;
};

using Records = std::map<std::string, v1::RecordState>;

Records LoadRecords(const Database& db) {
  Records records;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.records()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::RecordState state;
    EXPECT_TRUE(state.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
        << "malformed record " << it->key().ToString(true);
    records.emplace(it->key().ToString(), std::move(state));
  }
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return records;
}

std::string DotText(const v1::Dot& dot) { return absl::StrCat(dot.origin(), ":", dot.seq()); }

std::string Describe(const v1::RecordState& state) {
  std::vector<std::string> parts;
  for (const v1::Version& v : state.versions()) {
    parts.push_back(absl::StrCat(DotText(v.dot()), " ", v1::Op::Kind_Name(v.kind()),
                                 " hlc=", v.hlc(), " ", v.value().size(), "B"));
  }
  std::vector<std::string> changes;
  for (const v1::Change& c : state.history()) {
    changes.push_back(absl::StrCat(DotText(c.dot()), " ", v1::Op::Kind_Name(c.kind())));
  }
  return absl::StrCat("versions [", absl::StrJoin(parts, ", "), "] history [",
                      absl::StrJoin(changes, ", "), "]");
}

std::string KeyText(absl::string_view key) {
  v1::RecordType type;
  std::string id;
  if (!ParseRecordKey(key, &type, &id)) return std::string(key);
  return absl::StrCat(v1::RecordType_Name(type), " ", id);
}

template <typename T>
bool Decode(const Records& records, v1::RecordType type, const std::string& id, T* out) {
  auto it = records.find(RecordKey(type, id));
  if (it == records.end()) return false;
  absl::StatusOr<bool> live = DecodeWinner(it->second, out);
  return live.ok() && *live;
}

bool HasVersion(const v1::RecordState& state, const v1::Dot& dot) {
  for (const v1::Version& v : state.versions()) {
    if (SameDot(v.dot(), dot)) return true;
  }
  return false;
}

bool HasChange(const v1::RecordState& state, const v1::Dot& dot) {
  for (const v1::Change& c : state.history()) {
    if (SameDot(c.dot(), dot)) return true;
  }
  return false;
}

}  // namespace

int CurrentFailureCount() {
  const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
  if (test == nullptr) return 0;
  const testing::TestResult* result = test->result();
  int failed = 0;
  for (int i = 0; i < result->total_part_count(); ++i)
    failed += result->GetTestPartResult(i).failed();
  return failed;
}

absl::StatusOr<RecordsDump> DumpRecords(const Database& db) {
  RecordsDump dump;
  for (const auto& [key, state] : LoadRecords(db)) {
    v1::RecordState versions;
    *versions.mutable_versions() = state.versions();
    dump.versions[key] = versions.SerializeAsString();
    std::set<std::string>& history = dump.history[key];
    for (const v1::Change& change : state.history()) history.insert(change.SerializeAsString());
    if (HasConflict(state)) ++dump.conflicts;
  }
  return dump;
}

void CheckDerivedData(SimNode& node) {
  const Database& db = node.db();
  absl::StatusOr<CountMap> stored = ReadStoredCounts(db), recount = RecountFromRecords(db);
  ASSERT_TRUE(stored.ok() && recount.ok()) << node.id();
  if (*stored != *recount) {
    Reports reports(absl::StrCat(node.id(), " counts"));
    std::set<std::string> names;
    for (const auto& [name, n] : *stored) names.insert(name);
    for (const auto& [name, n] : *recount) names.insert(name);
    for (const std::string& name : names) {
      const int64_t have = Count(*stored, name), want = Count(*recount, name);
      if (have != want && reports.Add()) {
        ADD_FAILURE() << node.id() << ": stored count " << name << " = " << have
                      << ", a recount from the records gives " << want;
      }
    }
  }
  absl::StatusOr<IndexMap> indexes = ReadStoredIndexes(db), rebuilt = RebuildIndexes(db);
  ASSERT_TRUE(indexes.ok() && rebuilt.ok()) << node.id();
  if (*indexes != *rebuilt) {
    Reports reports(absl::StrCat(node.id(), " indexes"));
    for (const auto& [key, value] : *rebuilt) {
      auto it = indexes->find(key);
      if (it == indexes->end() || it->second != value) {
        if (reports.Add()) {
          ADD_FAILURE() << node.id() << ": index entry missing or wrong: " << absl::CEscape(key);
        }
      }
    }
    for (const auto& [key, value] : *indexes) {
      if (rebuilt->count(key) == 0 && reports.Add()) {
        ADD_FAILURE() << node.id() << ": stale index entry: " << absl::CEscape(key);
      }
    }
  }
  absl::StatusOr<Digest> digest = ReadStoredDigest(db), recomputed = RecomputeDigest(db);
  ASSERT_TRUE(digest.ok() && recomputed.ok()) << node.id();
  EXPECT_EQ(digest->ToHex(), recomputed->ToHex()) << node.id() << ": stored digest is stale";
  EXPECT_EQ(node.State().digest.ToHex(), recomputed->ToHex()) << node.id();
}

void CheckConflictsListed(SimNode& node) {
  Reports reports(absl::StrCat(node.id(), " conflicts"));
  const Database& db = node.db();
  for (const auto& [key, state] : LoadRecords(db)) {
    if (!HasConflict(state)) continue;
    std::string ignored;
    rocksdb::Status s = db.db()->Get(rocksdb::ReadOptions(), db.indexes(),
                                     IndexKey(IndexKind::kConflicts, "", key), &ignored);
    if (!s.ok() && reports.Add()) {
      ADD_FAILURE() << node.id() << ": " << KeyText(key)
                    << " holds several versions but is not listed as a conflict: "
                    << Describe(state);
    }
  }
}

void CheckCausality(SimNode& node) {
  Reports reports(absl::StrCat(node.id(), " causality"));
  const Records records = LoadRecords(node.db());
  auto require = [&](v1::RecordType type, const std::string& id, absl::string_view key,
                     const char* what) {
    v1::RecordState ignored;
    auto it = records.find(RecordKey(type, id));
    if ((it == records.end() || !IsLive(it->second)) && reports.Add()) {
      ADD_FAILURE() << node.id() << ": " << KeyText(key) << " is live but its " << what << " " << id
                    << " is "
                    << (it == records.end() ? "unknown"
                                            : absl::StrCat("not live: ", Describe(it->second)));
    }
  };
  for (const auto& [key, state] : records) {
    if (!IsLive(state)) continue;
    v1::RecordType type;
    std::string id;
    ASSERT_TRUE(ParseRecordKey(key, &type, &id));
    switch (type) {
      case v1::RECORD_TYPE_CHAPTER: {
        v1::Chapter c;
        ASSERT_TRUE(Decode(records, type, id, &c));
        require(v1::RECORD_TYPE_REGION, c.region(), key, "region");
        break;
      }
      case v1::RECORD_TYPE_AFFILIATION: {
        v1::Affiliation a;
        ASSERT_TRUE(Decode(records, type, id, &a));
        require(v1::RECORD_TYPE_CHAPTER, a.child(), key, "child chapter");
        if (!a.parent().empty()) require(v1::RECORD_TYPE_CHAPTER, a.parent(), key, "parent");
        break;
      }
      case v1::RECORD_TYPE_MEMBERSHIP: {
        v1::Membership m;
        ASSERT_TRUE(Decode(records, type, id, &m));
        require(v1::RECORD_TYPE_CHAPTER, m.chapter_id(), key, "chapter");
        require(v1::RECORD_TYPE_PERSON, m.person_id(), key, "person");
        break;
      }
      case v1::RECORD_TYPE_OFFICER_TERM: {
        v1::OfficerTerm t;
        ASSERT_TRUE(Decode(records, type, id, &t));
        require(v1::RECORD_TYPE_CHAPTER, t.chapter_id(), key, "chapter");
        break;
      }
      case v1::RECORD_TYPE_FORMATION: {
        v1::FormationRecord f;
        ASSERT_TRUE(Decode(records, type, id, &f));
        require(v1::RECORD_TYPE_CHAPTER, f.chapter_id(), key, "chapter");
        break;
      }
      default:
        break;
    }
  }
}

void CheckNoFutureVersions(SimNode& node, absl::Duration max_offset) {
  Reports reports(absl::StrCat(node.id(), " future versions"));
  const int64_t limit = absl::ToUnixMillis(node.clock().Now() + max_offset);
  for (const auto& [key, state] : LoadRecords(node.db())) {
    for (const v1::Version& v : state.versions()) {
      if (v.dot().origin() == node.id() || HybridClock::Millis(v.hlc()) <= limit) continue;
      if (reports.Add()) {
        ADD_FAILURE() << node.id() << " holds " << KeyText(key) << " version " << DotText(v.dot())
                      << " stamped " << HybridClock::Millis(v.hlc()) - limit
                      << " ms beyond its clock's maximum offset";
      }
    }
  }
}

void CheckAckedWrites(SimNode& node, const Ledger& ledger, const std::string& origin) {
  Reports reports(absl::StrCat(node.id(), " acknowledged writes"));
  const VersionVector vv = node.State().version_vector;
  const Records records = LoadRecords(node.db());
  for (const AckedWrite& ack : ledger.acked) {
    if (!origin.empty() && ack.node != origin) continue;
    if (!vv.Covers(ack.dot)) {
      if (reports.Add()) {
        ADD_FAILURE() << node.id() << ": acknowledged " << ack.what << " " << DotText(ack.dot)
                      << " is lost: the version vector has " << ack.node << ":" << vv.Get(ack.node);
      }
      continue;
    }
    for (const v1::Op& op : ack.ops) {
      const std::string key = RecordKey(op.type(), op.id());
      auto it = records.find(key);
      if (it == records.end()) {
        if (reports.Add()) {
          ADD_FAILURE() << node.id() << ": acknowledged " << ack.what << " " << DotText(ack.dot)
                        << " wrote " << KeyText(key) << ", which this node does not hold";
        }
      } else if (!HasVersion(it->second, ack.dot) && !HasChange(it->second, ack.dot)) {
        if (reports.Add()) {
          ADD_FAILURE() << node.id() << ": acknowledged " << ack.what << " " << DotText(ack.dot)
                        << " is neither present nor superseded in " << KeyText(key) << ": "
                        << Describe(it->second);
        }
      }
    }
  }
}

void CheckConverged(const std::vector<SimNode*>& nodes) {
  ASSERT_FALSE(nodes.empty());
  SimNode& first = *nodes[0];
  const CommittedState base = first.State();
  absl::StatusOr<RecordsDump> base_dump = DumpRecords(first.db());
  ASSERT_TRUE(base_dump.ok());
  const Records base_records = LoadRecords(first.db());
  for (size_t i = 1; i < nodes.size(); ++i) {
    SimNode& node = *nodes[i];
    const CommittedState state = node.State();
    EXPECT_EQ(state.digest.ToHex(), base.digest.ToHex())
        << "digests differ: " << node.id() << " vs " << first.id();
    EXPECT_TRUE(state.version_vector == base.version_vector)
        << "version vectors differ: " << node.id() << " vs " << first.id();
    absl::StatusOr<RecordsDump> dump = DumpRecords(node.db());
    ASSERT_TRUE(dump.ok());
    if (dump->versions == base_dump->versions && dump->history == base_dump->history) continue;
    Reports reports(absl::StrCat(node.id(), " vs ", first.id(), " dumps"));
    const Records records = LoadRecords(node.db());
    std::set<std::string> keys;
    for (const auto& [key, v] : base_dump->versions) keys.insert(key);
    for (const auto& [key, v] : dump->versions) keys.insert(key);
    for (const std::string& key : keys) {
      auto a = records.find(key);
      auto b = base_records.find(key);
      const bool same = a != records.end() && b != base_records.end() &&
                        dump->versions[key] == base_dump->versions[key] &&
                        dump->history[key] == base_dump->history[key];
      if (same || !reports.Add()) continue;
      ADD_FAILURE() << KeyText(key) << " differs:\n  " << node.id() << ": "
                    << (a == records.end() ? "absent" : Describe(a->second)) << "\n  " << first.id()
                    << ": " << (b == base_records.end() ? "absent" : Describe(b->second));
    }
  }
}

void CheckErasures(const std::vector<SimNode*>& nodes, const Ledger& ledger) {
  // Erasures by record; for persons, what each erasure saw.
  std::map<std::string, std::string> erased;  // record key → the erasure's dot
  std::map<std::string, std::vector<const AckedWrite*>> person_erasures;  // person id → erasures
  for (const AckedWrite& ack : ledger.acked) {
    for (const v1::Op& op : ack.ops) {
      if (op.kind() != v1::Op::ERASE) continue;
      if (op.type() == v1::RECORD_TYPE_PERSON) {
        person_erasures[op.id()].push_back(&ack);
      } else {
        erased[RecordKey(op.type(), op.id())] = DotText(ack.dot);
      }
    }
  }
  auto seen_by_erasure = [&](const std::string& person, const v1::Dot& dot) {
    auto it = person_erasures.find(person);
    if (it == person_erasures.end()) return false;
    for (const AckedWrite* erasure : it->second) {
      if (erasure->seen.Covers(dot)) return true;
    }
    return false;
  };
  // A name is gone for good when every person version that carried it was seen by an
  // erasure of that person.
  std::map<std::string, bool> name_gone;
  for (const PersonName& n : ledger.names) {
    const bool gone = seen_by_erasure(n.person, n.dot);
    auto [it, added] = name_gone.emplace(n.name, gone);
    if (!added) it->second = it->second && gone;
  }
  std::vector<std::string> forbidden;
  for (const auto& [name, gone] : name_gone) {
    if (gone) forbidden.push_back(name);
  }

  for (SimNode* node : nodes) {
    Reports reports(absl::StrCat(node->id(), " erasures"));
    const Records records = LoadRecords(node->db());
    for (const auto& [key, dot] : erased) {
      auto it = records.find(key);
      if (it != records.end() && IsLive(it->second) && reports.Add()) {
        ADD_FAILURE() << node->id() << ": " << KeyText(key) << " was erased by " << dot
                      << " yet is live: " << Describe(it->second);
      }
    }
    for (const auto& [person, erasures] : person_erasures) {
      auto it = records.find(RecordKey(v1::RECORD_TYPE_PERSON, person));
      if (it == records.end() || !IsLive(it->second)) continue;
      const v1::Version* winner = Winner(it->second);
      if (seen_by_erasure(person, winner->dot()) && reports.Add()) {
        ADD_FAILURE() << node->id() << ": person " << person << " came back: its winning version "
                      << DotText(winner->dot()) << " was erased by "
                      << DotText(erasures.front()->dot) << ": " << Describe(it->second);
      }
    }
    // Byte for byte, in both families that could hold a name.
    const Database& db = node->db();
    for (rocksdb::ColumnFamilyHandle* family : {db.records(), db.log()}) {
      std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), family));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const absl::string_view key = ToView(it->key()), value = ToView(it->value());
        for (const std::string& name : forbidden) {
          if ((absl::StrContains(value, name) || absl::StrContains(key, name)) && reports.Add()) {
            ADD_FAILURE() << node->id() << ": the erased name '" << name << "' is still in the "
                          << family->GetName() << " family, under " << absl::CEscape(key);
          }
        }
      }
    }
  }
}

size_t CountOrphans(SimNode& node) {
  const Records records = LoadRecords(node.db());
  size_t orphans = 0;
  for (const auto& [key, state] : records) {
    if (!IsLive(state)) continue;
    v1::RecordType type;
    std::string id;
    if (!ParseRecordKey(key, &type, &id)) continue;
    std::string membership;
    if (type == v1::RECORD_TYPE_OFFICER_TERM) {
      v1::OfficerTerm t;
      if (Decode(records, type, id, &t)) membership = t.membership_id();
    } else if (type == v1::RECORD_TYPE_FORMATION) {
      v1::FormationRecord f;
      if (Decode(records, type, id, &f)) membership = f.membership_id();
    } else {
      continue;
    }
    v1::Membership m;
    if (!Decode(records, v1::RECORD_TYPE_MEMBERSHIP, membership, &m)) ++orphans;
  }
  return orphans;
}

}  // namespace pacto
