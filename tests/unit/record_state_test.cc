// Unit tests of the multi-value register (node/store/record_state.h), the registry
// digest (digest.h) and version vectors (version_vector.h).
#include "node/store/record_state.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "node/store/digest.h"
#include "node/store/keys.h"
#include "node/store/version_vector.h"

namespace pacto {
namespace {

using v1::Op;

v1::Dot D(const std::string& origin, uint64_t seq) {
  v1::Dot d;
  d.set_origin(origin);
  d.set_seq(seq);
  return d;
}

Op MakeOp(v1::RecordType type, Op::Kind kind, const std::string& value,
          std::vector<v1::Dot> supersedes = {}) {
  Op op;
  op.set_type(type);
  op.set_id("rec-1");
  op.set_kind(kind);
  if (kind == Op::PUT) op.set_value(value);
  for (const v1::Dot& d : supersedes) *op.add_supersedes() = d;
  return op;
}

Op Put(const std::string& value, std::vector<v1::Dot> supersedes = {},
       v1::RecordType type = v1::RECORD_TYPE_MEMBERSHIP) {
  return MakeOp(type, Op::PUT, value, std::move(supersedes));
}
Op Del(std::vector<v1::Dot> supersedes = {}, v1::RecordType type = v1::RECORD_TYPE_MEMBERSHIP) {
  return MakeOp(type, Op::DELETE, "", std::move(supersedes));
}
Op Erase(std::vector<v1::Dot> supersedes = {}, v1::RecordType type = v1::RECORD_TYPE_MEMBERSHIP) {
  return MakeOp(type, Op::ERASE, "", std::move(supersedes));
}

// The versions alone, serialized: what must be byte-identical across nodes (the
// history is in local arrival order by design).
std::string VersionsBytes(const v1::RecordState& state) {
  v1::RecordState copy = state;
  copy.clear_history();
  return copy.SerializeAsString();
}

std::string Describe(const v1::RecordState& state) {
  std::vector<std::string> parts;
  for (const v1::Version& v : state.versions()) {
    parts.push_back(absl::StrCat(v.dot().origin(), ":", v.dot().seq(), "/", Op::Kind_Name(v.kind()),
                                 "/", v.value()));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

std::vector<std::string> DotNames(const v1::RecordState& state) {
  std::vector<std::string> out;
  for (const v1::Version& v : state.versions()) {
    out.push_back(absl::StrCat(v.dot().origin(), ":", v.dot().seq()));
  }
  return out;
}

// --- merge semantics ------------------------------------------------------------------

// Fixed known answers for a record's digest contribution, computed outside this code
// base (Python: SHA-256 over the length-prefixed key, then per version in dot order the
// length-prefixed origin, seq, hlc and kind as big-endian 64-bit words and the
// length-prefixed value; the first 16 bytes). Replicas compare digests, so the
// canonical form must never change by accident.
TEST(DigestTest, RecordDigestsMatchKnownAnswers) {
  auto version = [](const std::string& origin, uint64_t seq, uint64_t hlc,
                    const std::string& value) {
    v1::Version v;
    v.mutable_dot()->set_origin(origin);
    v.mutable_dot()->set_seq(seq);
    v.set_hlc(hlc);
    v.set_kind(v1::Op::PUT);
    v.set_value(value);
    return v;
  };
  const std::string key = RecordKey(v1::RECORD_TYPE_CHAPTER, "ch-test0001");
  ASSERT_EQ(key, "2ch-test0001");
  v1::RecordState one;
  *one.add_versions() = version("n1", 7, 123456789, "hello");
  EXPECT_EQ(RecordDigest(key, one).ToHex(), "d0ec1b15304d489471bd666a2d38ae5a");

  // Two concurrent versions, stored out of dot order: hashed in dot order.
  v1::RecordState two;
  *two.add_versions() = version("n2", 3, 5, "b");
  *two.add_versions() = version("n1", 9, 4, "a");
  EXPECT_EQ(RecordDigest(key, two).ToHex(), "21c428e33fa5b8a0ef88662f9d598e05");
}

TEST(MergeOpTest, FirstWriteCreatesAVersion) {
  v1::RecordState s;
  MergeOutcome out = MergeOp(&s, Put("v1"), D("a", 1), 100, "alice");
  EXPECT_TRUE(out.changed);
  EXPECT_FALSE(out.dropped);
  EXPECT_TRUE(out.removed.empty());
  ASSERT_EQ(s.versions_size(), 1);
  EXPECT_EQ(s.versions(0).value(), "v1");
  EXPECT_EQ(s.versions(0).hlc(), 100u);
  EXPECT_EQ(s.versions(0).kind(), Op::PUT);
  ASSERT_EQ(s.history_size(), 1);
  EXPECT_EQ(s.history(0).principal(), "alice");
  EXPECT_EQ(s.history(0).hlc(), 100u);
  EXPECT_TRUE(IsLive(s));
  EXPECT_FALSE(HasConflict(s));
}

TEST(MergeOpTest, AWriteReplacesTheVersionsItSupersedes) {
  v1::RecordState s;
  MergeOp(&s, Put("v1"), D("a", 1), 100, "p");
  MergeOutcome out = MergeOp(&s, Put("v2", {D("a", 1)}), D("b", 1), 200, "p");
  EXPECT_TRUE(out.changed);
  ASSERT_EQ(out.removed.size(), 1u);
  EXPECT_TRUE(SameDot(out.removed[0], D("a", 1)));
  EXPECT_EQ(DotNames(s), std::vector<std::string>({"b:1"}));
  EXPECT_EQ(Winner(s)->value(), "v2");
  EXPECT_EQ(s.history_size(), 2);

  // A delete that supersedes everything leaves a tombstone only.
  out = MergeOp(&s, Del({D("b", 1)}), D("a", 2), 300, "p");
  EXPECT_EQ(DotNames(s), std::vector<std::string>({"a:2"}));
  EXPECT_FALSE(IsLive(s));
  EXPECT_EQ(Winner(s)->kind(), Op::DELETE);
}

TEST(MergeOpTest, ConcurrentVersionsAreKeptInDotOrder) {
  v1::RecordState s;
  MergeOp(&s, Put("base"), D("a", 1), 100, "p");
  MergeOp(&s, Put("from-c", {D("a", 1)}), D("c", 1), 150, "p");
  MergeOp(&s, Put("from-b", {D("a", 1)}), D("b", 1), 200, "p");
  EXPECT_EQ(DotNames(s), std::vector<std::string>({"b:1", "c:1"}));
  EXPECT_TRUE(HasConflict(s));
  EXPECT_EQ(Winner(s)->value(), "from-b");  // higher hlc
  // A later write that saw both resolves the conflict.
  MergeOutcome out = MergeOp(&s, Put("merged", {D("b", 1), D("c", 1)}), D("a", 2), 300, "p");
  EXPECT_EQ(out.removed.size(), 2u);
  EXPECT_EQ(DotNames(s), std::vector<std::string>({"a:2"}));
  EXPECT_FALSE(HasConflict(s));
}

TEST(MergeOpTest, ConcurrentWritesCommute) {
  v1::RecordState x, y;
  MergeOp(&x, Put("base"), D("a", 1), 100, "p");
  MergeOp(&y, Put("base"), D("a", 1), 100, "p");
  Op from_b = Put("b", {D("a", 1)}), from_c = Put("c", {D("a", 1)});
  MergeOp(&x, from_b, D("b", 1), 200, "p");
  MergeOp(&x, from_c, D("c", 1), 200, "p");
  MergeOp(&y, from_c, D("c", 1), 200, "p");
  MergeOp(&y, from_b, D("b", 1), 200, "p");
  EXPECT_EQ(VersionsBytes(x), VersionsBytes(y)) << Describe(x) << " vs " << Describe(y);
  EXPECT_EQ(RecordDigest("k", x), RecordDigest("k", y));
}

TEST(WinnerTest, LiveBeatsTombstoneThenHlcThenDot) {
  v1::RecordState s;
  MergeOp(&s, Put("old-value"), D("a", 1), 100, "p");
  MergeOp(&s, Del(), D("z", 9), 999, "p");  // newer, higher dot, but a tombstone
  EXPECT_EQ(Winner(s)->value(), "old-value");
  EXPECT_TRUE(IsLive(s));

  v1::RecordState t;
  MergeOp(&t, Put("low-hlc-high-dot"), D("z", 1), 100, "p");
  MergeOp(&t, Put("high-hlc-low-dot"), D("a", 1), 101, "p");
  EXPECT_EQ(Winner(t)->value(), "high-hlc-low-dot");

  v1::RecordState u;
  MergeOp(&u, Put("dot-b"), D("b", 1), 100, "p");
  MergeOp(&u, Put("dot-a"), D("a", 7), 100, "p");
  MergeOp(&u, Put("dot-ab"), D("ab", 1), 100, "p");
  EXPECT_EQ(Winner(u)->value(), "dot-b");  // equal hlc: the higher dot

  // Among tombstones only, the same order picks one, and the record is not live.
  v1::RecordState w;
  MergeOp(&w, Del(), D("a", 1), 100, "p");
  MergeOp(&w, Del(), D("b", 1), 50, "p");
  EXPECT_TRUE(SameDot(Winner(w)->dot(), D("a", 1)));
  EXPECT_FALSE(IsLive(w));

  v1::RecordState empty;
  EXPECT_EQ(Winner(empty), nullptr);
  EXPECT_FALSE(IsLive(empty));
}

TEST(WinnerTest, DoesNotDependOnArrivalOrder) {
  std::vector<std::pair<Op, v1::Dot>> writes = {
      {Put("x"), D("n1", 1)}, {Put("y"), D("n2", 1)}, {Put("z"), D("n3", 1)}, {Del(), D("n4", 1)}};
  std::vector<int> order = {0, 1, 2, 3};
  std::string expected;
  do {
    v1::RecordState s;
    for (int i : order) MergeOp(&s, writes[i].first, writes[i].second, 500, "p");
    if (expected.empty()) expected = Winner(s)->value();
    EXPECT_EQ(Winner(s)->value(), expected);
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(expected, "z");
}

TEST(DotTest, Ordering) {
  EXPECT_TRUE(DotLess(D("a", 2), D("b", 1)));
  EXPECT_TRUE(DotLess(D("a", 1), D("a", 2)));
  EXPECT_FALSE(DotLess(D("a", 2), D("a", 2)));
  EXPECT_TRUE(DotLess(D("a", 9), D("ab", 1)));
  EXPECT_TRUE(SameDot(D("a", 2), D("a", 2)));
  EXPECT_FALSE(SameDot(D("a", 2), D("b", 2)));
  EXPECT_FALSE(SameDot(D("a", 2), D("a", 3)));
}

TEST(MergeOpTest, ASecondOpOfTheSameEntryReplacesTheFirst) {
  v1::RecordState s;
  MergeOp(&s, Put("v1"), D("a", 1), 100, "p");
  MergeOp(&s, Put("first", {D("a", 1)}), D("a", 2), 200, "p");
  MergeOutcome out = MergeOp(&s, Put("second", {D("a", 2)}), D("a", 2), 200, "p");
  EXPECT_TRUE(out.removed.empty());  // its own earlier version is not "removed"
  EXPECT_EQ(DotNames(s), std::vector<std::string>({"a:2"}));
  EXPECT_EQ(Winner(s)->value(), "second");
}

TEST(MergeOpTest, RedactedPutAppliesAsATombstone) {
  v1::RecordState s;
  MergeOp(&s, Put("v1"), D("a", 1), 100, "p");
  Op redacted = Put("", {D("a", 1)});
  redacted.set_redacted(true);
  MergeOp(&s, redacted, D("a", 2), 200, "p");
  ASSERT_EQ(s.versions_size(), 1);
  EXPECT_EQ(s.versions(0).kind(), Op::DELETE);
  EXPECT_TRUE(s.versions(0).value().empty());
  EXPECT_FALSE(IsLive(s));
  EXPECT_EQ(s.history(1).kind(), Op::PUT);  // the audit trail says what the origin did
}

// --- erasure ------------------------------------------------------------------------

TEST(EraseTest, ErasureWinsForMembershipsInBothArrivalOrders) {
  // base a:1; then, concurrently, b:1 updates it and c:1 erases it.
  const Op update = Put("updated", {D("a", 1)});
  const Op erase = Erase({D("a", 1)});

  v1::RecordState update_first;
  MergeOp(&update_first, Put("base"), D("a", 1), 100, "p");
  MergeOp(&update_first, update, D("b", 1), 200, "p");
  MergeOutcome erased = MergeOp(&update_first, erase, D("c", 1), 150, "p");
  EXPECT_FALSE(erased.dropped);
  ASSERT_EQ(erased.removed.size(), 1u);
  EXPECT_TRUE(SameDot(erased.removed[0], D("b", 1)));  // the concurrent value went too

  v1::RecordState erase_first;
  MergeOp(&erase_first, Put("base"), D("a", 1), 100, "p");
  MergeOp(&erase_first, erase, D("c", 1), 150, "p");
  MergeOutcome late = MergeOp(&erase_first, update, D("b", 1), 200, "p");
  EXPECT_TRUE(late.dropped);

  EXPECT_EQ(DotNames(update_first), std::vector<std::string>({"c:1"}));
  EXPECT_EQ(VersionsBytes(update_first), VersionsBytes(erase_first))
      << Describe(update_first) << " vs " << Describe(erase_first);
  EXPECT_EQ(RecordDigest("k", update_first), RecordDigest("k", erase_first));
  EXPECT_FALSE(IsLive(update_first));
  EXPECT_FALSE(IsLive(erase_first));
  EXPECT_EQ(RecordDigest("k", update_first), Digest());
  // Both nodes keep the write in the record's history.
  EXPECT_EQ(update_first.history_size(), 3);
  EXPECT_EQ(erase_first.history_size(), 3);
}

TEST(EraseTest, ErasureAlsoRemovesConcurrentTombstones) {
  v1::RecordState x, y;
  for (v1::RecordState* s : {&x, &y}) MergeOp(s, Put("base"), D("a", 1), 100, "p");
  MergeOp(&x, Del({D("a", 1)}), D("b", 1), 200, "p");
  MergeOp(&x, Erase({D("a", 1)}), D("c", 1), 150, "p");
  MergeOp(&y, Erase({D("a", 1)}), D("c", 1), 150, "p");
  EXPECT_TRUE(MergeOp(&y, Del({D("a", 1)}), D("b", 1), 200, "p").dropped);
  EXPECT_EQ(DotNames(x), std::vector<std::string>({"c:1"}));
  EXPECT_EQ(VersionsBytes(x), VersionsBytes(y));
}

TEST(EraseTest, AWriteConcurrentWithAnErasureIsDropped) {
  v1::RecordState s;
  MergeOp(&s, Put("base"), D("a", 1), 100, "p");
  MergeOp(&s, Erase({D("a", 1)}), D("c", 1), 150, "p");
  const std::string before = VersionsBytes(s);
  MergeOutcome out = MergeOp(&s, Put("secret-data", {D("a", 1)}), D("b", 1), 400, "p");
  EXPECT_TRUE(out.dropped);
  EXPECT_EQ(VersionsBytes(s), before);
  for (const v1::Version& v : s.versions()) EXPECT_NE(v.value(), "secret-data");
  // A write that supersedes nothing (made without seeing the record) too.
  EXPECT_TRUE(MergeOp(&s, Put("blind"), D("d", 1), 500, "p").dropped);
  EXPECT_EQ(VersionsBytes(s), before);
  EXPECT_FALSE(IsLive(s));
}

TEST(EraseTest, ConcurrentErasuresCommute) {
  v1::RecordState x, y;
  for (v1::RecordState* s : {&x, &y}) MergeOp(s, Put("base"), D("a", 1), 100, "p");
  const Op e1 = Erase({D("a", 1)}), e2 = Erase({D("a", 1)});
  MergeOp(&x, e1, D("b", 1), 200, "p");
  MergeOp(&x, e2, D("c", 1), 150, "p");
  MergeOp(&y, e2, D("c", 1), 150, "p");
  MergeOp(&y, e1, D("b", 1), 200, "p");
  EXPECT_EQ(DotNames(x), std::vector<std::string>({"b:1", "c:1"}));
  EXPECT_EQ(VersionsBytes(x), VersionsBytes(y)) << Describe(x) << " vs " << Describe(y);
  EXPECT_FALSE(IsLive(x));
  // A write that saw one of them (or both) is dropped too: an erased record stays
  // erased, and both erasures remain.
  MergeOutcome out = MergeOp(&x, Put("after-b", {D("b", 1)}), D("b", 2), 300, "p");
  EXPECT_TRUE(out.dropped);
  EXPECT_EQ(DotNames(x), std::vector<std::string>({"b:1", "c:1"}));
}

TEST(EraseTest, APersonsConcurrentValueSurvivesAnErasure) {
  const v1::RecordType person = v1::RECORD_TYPE_PERSON;
  // Region A erases the person while region B, cut off, enrols them again.
  const Op erase = Erase({D("a", 1)}, person);
  const Op again = Put("enrolled-again", {D("a", 1)}, person);
  v1::RecordState x, y;
  for (v1::RecordState* s : {&x, &y}) MergeOp(s, Put("original", {}, person), D("a", 1), 100, "p");
  MergeOp(&x, erase, D("a", 2), 200, "p");
  EXPECT_FALSE(MergeOp(&x, again, D("b", 1), 150, "p").dropped);
  MergeOp(&y, again, D("b", 1), 150, "p");
  MergeOp(&y, erase, D("a", 2), 200, "p");
  EXPECT_EQ(DotNames(x), std::vector<std::string>({"a:2", "b:1"}));
  EXPECT_EQ(VersionsBytes(x), VersionsBytes(y)) << Describe(x) << " vs " << Describe(y);
  EXPECT_TRUE(IsLive(x));
  EXPECT_EQ(Winner(x)->value(), "enrolled-again");
  EXPECT_EQ(Winner(y)->value(), "enrolled-again");
  EXPECT_EQ(RecordDigest("k", x), RecordDigest("k", y));
}

TEST(EraseTest, AnErasedRecordStaysErasedEvenForAWriteThatSawTheErasure) {
  // Ids of erasable records are never reused, so nothing legitimate writes over an
  // erasure; keeping it for good is what makes every arrival order agree.
  v1::RecordState s;
  MergeOp(&s, Put("base"), D("a", 1), 100, "p");
  MergeOp(&s, Erase({D("a", 1)}), D("a", 2), 200, "p");
  MergeOutcome out = MergeOp(&s, Put("new", {D("a", 2)}), D("a", 3), 300, "p");
  EXPECT_TRUE(out.dropped);
  EXPECT_EQ(DotNames(s), std::vector<std::string>({"a:2"}));
  EXPECT_FALSE(IsLive(s));
}

TEST(EraseTest, APersonErasedThenEnrolledAgainIsLive) {
  // A person's key comes from their national id, so a later enrolment after an
  // erasure legitimately brings the person back (with the new data only).
  const v1::RecordType person = v1::RECORD_TYPE_PERSON;
  v1::RecordState s;
  MergeOp(&s, Put("base", {}, person), D("a", 1), 100, "p");
  MergeOp(&s, Erase({D("a", 1)}, person), D("a", 2), 200, "p");
  MergeOutcome out = MergeOp(&s, Put("new", {D("a", 2)}, person), D("a", 3), 300, "p");
  EXPECT_FALSE(out.dropped);
  EXPECT_EQ(DotNames(s), std::vector<std::string>({"a:3"}));
  EXPECT_TRUE(IsLive(s));
}

// The contract (record_state.h): "a write concurrent with an erasure is dropped on
// arrival, so erased data cannot come back through a write that had not seen the
// erasure". Here q:1 is concurrent with the erasure e:1, and p:1 saw e:1 and
// superseded it. When q:1 arrives after p:1 the erasure is no longer among the
// versions, so q:1 is kept: the erased record's pre-erasure data comes back on that
// node only, and the nodes diverge.
TEST(EraseTest, AWriteConcurrentWithAnErasureStaysDroppedAfterTheErasureIsSuperseded) {
  const Op base = Put("base");
  const Op erase = Erase({D("a", 1)});
  const Op p = Put("after-erasure", {D("e", 1)});
  const Op q = Put("stale-pre-erasure", {D("a", 1)});
  struct Step {
    const Op* op;
    v1::Dot dot;
    uint64_t hlc;
  };
  const Step s_base{&base, D("a", 1), 100}, s_erase{&erase, D("e", 1), 200},
      s_p{&p, D("p", 1), 300}, s_q{&q, D("q", 1), 250};
  // Every causal order: base first, erase before p, q anywhere after base.
  const std::vector<std::vector<Step>> orders = {
      {s_base, s_q, s_erase, s_p}, {s_base, s_erase, s_q, s_p}, {s_base, s_erase, s_p, s_q}};
  std::vector<v1::RecordState> results;
  for (const auto& order : orders) {
    v1::RecordState s;
    for (const Step& step : order) MergeOp(&s, *step.op, step.dot, step.hlc, "p");
    results.push_back(s);
  }
  for (size_t i = 1; i < results.size(); ++i) {
    EXPECT_EQ(VersionsBytes(results[0]), VersionsBytes(results[i]))
        << "order 0 gives " << Describe(results[0]) << ", order " << i << " gives "
        << Describe(results[i]);
  }
  for (const v1::RecordState& s : results) {
    for (const v1::Version& v : s.versions()) EXPECT_NE(v.value(), "stale-pre-erasure");
  }
}

// --- convergence property -------------------------------------------------------------

// A random causally consistent history on one record: a few nodes write (each write
// supersedes every version its node holds) and sync (a node learns another's ops in
// that node's arrival order, as anti-entropy delivers them). Then the ops are merged in
// many random causal orders, i.e. random topological orders of happened-before (every
// op after every op its writer had seen).
struct GeneratedOp {
  Op op;
  v1::Dot dot;
  uint64_t hlc = 0;
  std::vector<int> deps;  // indexes of the ops its writer had seen
};

struct HistoryOptions {
  v1::RecordType type = v1::RECORD_TYPE_MEMBERSHIP;
  // When false, a node that has seen an erasure of the record never writes it again,
  // as the registry behaves (every write to a membership, officer term or formation
  // record first loads it live, and an erased id is never reused).
  bool write_after_erasure = false;
};

std::vector<GeneratedOp> GenerateHistory(std::mt19937_64& rng, const HistoryOptions& options) {
  constexpr int kNodes = 3;
  struct Node {
    std::string name;
    uint64_t seq = 0;
    uint64_t hlc = 0;
    std::vector<int> known;  // in arrival order
    std::set<int> known_set;
    v1::RecordState state;
    bool saw_erasure = false;
  };
  std::vector<Node> nodes(kNodes);
  for (int i = 0; i < kNodes; ++i) nodes[i].name = absl::StrCat("n", i);
  std::vector<GeneratedOp> ops;
  const int steps = 8 + static_cast<int>(rng() % 14);
  auto learn = [&](Node& node, int index) {
    if (!node.known_set.insert(index).second) return;
    node.known.push_back(index);
    node.hlc = std::max(node.hlc, ops[index].hlc);
    MergeOp(&node.state, ops[index].op, ops[index].dot, ops[index].hlc, "p");
    if (ops[index].op.kind() == Op::ERASE) node.saw_erasure = true;
  };
  for (int step = 0; step < steps; ++step) {
    Node& node = nodes[rng() % kNodes];
    if (rng() % 3 == 0) {
      Node& from = nodes[rng() % kNodes];
      for (int index : std::vector<int>(from.known)) learn(node, index);
      continue;
    }
    if (node.saw_erasure && !options.write_after_erasure) continue;
    GeneratedOp g;
    const int roll = static_cast<int>(rng() % 10);
    const Op::Kind kind = roll < 6 ? Op::PUT : (roll < 8 ? Op::DELETE : Op::ERASE);
    g.op.set_type(options.type);
    g.op.set_id("rec-1");
    g.op.set_kind(kind);
    if (kind == Op::PUT) g.op.set_value(absl::StrCat("value-", node.name, "-", node.seq + 1));
    for (const v1::Version& v : node.state.versions()) *g.op.add_supersedes() = v.dot();
    g.dot = D(node.name, ++node.seq);
    // Small steps make equal timestamps on different nodes likely: ties go to the dot.
    node.hlc += 1 + rng() % 2;
    g.hlc = node.hlc;
    g.deps = node.known;
    ops.push_back(g);
    learn(node, static_cast<int>(ops.size()) - 1);
  }
  return ops;
}

std::vector<int> RandomCausalOrder(const std::vector<GeneratedOp>& ops, std::mt19937_64& rng) {
  std::vector<int> order;
  std::vector<bool> delivered(ops.size(), false);
  while (order.size() < ops.size()) {
    std::vector<int> ready;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (delivered[i]) continue;
      bool ok = true;
      for (int d : ops[i].deps) ok &= delivered[d];
      if (ok) ready.push_back(static_cast<int>(i));
    }
    const int pick = ready[rng() % ready.size()];
    delivered[pick] = true;
    order.push_back(pick);
  }
  return order;
}

std::string DescribeHistory(const std::vector<GeneratedOp>& ops) {
  std::string out;
  for (size_t i = 0; i < ops.size(); ++i) {
    std::vector<std::string> sup;
    for (const v1::Dot& d : ops[i].op.supersedes())
      sup.push_back(absl::StrCat(d.origin(), ":", d.seq()));
    absl::StrAppend(&out, "  #", i, " ", ops[i].dot.origin(), ":", ops[i].dot.seq(), " ",
                    Op::Kind_Name(ops[i].op.kind()), " hlc=", ops[i].hlc, " supersedes [",
                    absl::StrJoin(sup, " "), "] after #[", absl::StrJoin(ops[i].deps, " "), "]\n");
  }
  return out;
}

// Returns "" when every causal order converges, else a description of the divergence.
std::string CheckConvergence(uint64_t seed, const HistoryOptions& options) {
  std::mt19937_64 rng(seed);
  const std::vector<GeneratedOp> ops = GenerateHistory(rng, options);
  if (ops.empty()) return "";
  const std::string key = RecordKey(options.type, "rec-1");
  std::string first_bytes, first_order;
  Digest first_digest;
  std::string first_winner;
  for (int attempt = 0; attempt < 25; ++attempt) {
    const std::vector<int> order = RandomCausalOrder(ops, rng);
    v1::RecordState state;
    for (int i : order) MergeOp(&state, ops[i].op, ops[i].dot, ops[i].hlc, "p");
    const std::string bytes = VersionsBytes(state);
    const Digest digest = RecordDigest(key, state);
    const std::string winner =
        Winner(state) == nullptr
            ? "<none>"
            : absl::StrCat(Winner(state)->dot().origin(), ":", Winner(state)->dot().seq());
    const std::string described =
        absl::StrCat("order [", absl::StrJoin(order, " "), "] -> ", Describe(state));
    if (attempt == 0) {
      first_bytes = bytes;
      first_digest = digest;
      first_winner = winner;
      first_order = described;
      continue;
    }
    if (bytes != first_bytes || digest != first_digest || winner != first_winner) {
      return absl::StrCat("seed ", seed, " diverges:\n", DescribeHistory(ops), first_order, "\n",
                          described);
    }
  }
  return "";
}

TEST(ConvergenceTest, RegistryLikeMembershipHistoriesConverge) {
  HistoryOptions options;
  options.type = v1::RECORD_TYPE_MEMBERSHIP;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    std::string failure = CheckConvergence(seed, options);
    ASSERT_EQ(failure, "");
  }
}

TEST(ConvergenceTest, PersonHistoriesConverge) {
  HistoryOptions options;
  options.type = v1::RECORD_TYPE_PERSON;
  options.write_after_erasure = true;  // re-enrolment after an erasure is allowed
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    std::string failure = CheckConvergence(seed, options);
    ASSERT_EQ(failure, "");
  }
}

// Any causally consistent history, including writes that supersede an erasure (the
// MergeOp contract does not forbid them). See
// AWriteConcurrentWithAnErasureStaysDroppedAfterTheErasureIsSuperseded.
TEST(ConvergenceTest, ArbitraryMembershipHistoriesConverge) {
  HistoryOptions options;
  options.type = v1::RECORD_TYPE_MEMBERSHIP;
  options.write_after_erasure = true;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    std::string failure = CheckConvergence(seed, options);
    ASSERT_EQ(failure, "");
  }
}

TEST(ConvergenceTest, AllNodesAgreeAfterFullSync) {
  // The same property seen from the generator's nodes: sync everyone with everyone in
  // their own arrival orders and compare.
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    HistoryOptions options;
    const std::vector<GeneratedOp> ops = GenerateHistory(rng, options);
    std::vector<v1::RecordState> states(3);
    for (int n = 0; n < 3; ++n) {
      // Node n receives every op in a causal order of its own.
      for (int i : RandomCausalOrder(ops, rng)) {
        MergeOp(&states[n], ops[i].op, ops[i].dot, ops[i].hlc, "p");
      }
    }
    ASSERT_EQ(VersionsBytes(states[0]), VersionsBytes(states[1])) << "seed " << seed;
    ASSERT_EQ(VersionsBytes(states[0]), VersionsBytes(states[2])) << "seed " << seed;
  }
}

// --- digest ---------------------------------------------------------------------------

v1::RecordState LiveState(const std::string& value, const v1::Dot& dot, uint64_t hlc = 100) {
  v1::RecordState s;
  MergeOp(&s, Put(value), dot, hlc, "p");
  return s;
}

TEST(DigestTest, AddAndSubtractAreInverse) {
  Digest d;
  const Digest a(0x0123456789abcdefULL, 0xfedcba9876543210ULL);
  const Digest b(0xffffffffffffffffULL, 0x8000000000000001ULL);
  d.Add(a);
  d.Add(b);
  d.Subtract(a);
  EXPECT_EQ(d, b);
  d.Subtract(b);
  EXPECT_EQ(d, Digest());
  EXPECT_EQ(d.ToHex(), std::string(32, '0'));
}

TEST(DigestTest, CarriesAndBorrowsAcross64Bits) {
  Digest d(0, 0xffffffffffffffffULL);
  d.Add(Digest(0, 1));
  EXPECT_EQ(d, Digest(1, 0));
  d.Subtract(Digest(0, 1));
  EXPECT_EQ(d, Digest(0, 0xffffffffffffffffULL));

  Digest e(5, 0x8000000000000000ULL);
  e.Add(Digest(1, 0x8000000000000000ULL));
  EXPECT_EQ(e, Digest(7, 0));

  // Modulo 2^128.
  Digest f(0xffffffffffffffffULL, 0xffffffffffffffffULL);
  f.Add(Digest(0, 1));
  EXPECT_EQ(f, Digest());
  f.Subtract(Digest(0, 1));
  EXPECT_EQ(f, Digest(0xffffffffffffffffULL, 0xffffffffffffffffULL));

  Digest g(1, 0);
  g.Subtract(Digest(0, 0xffffffffffffffffULL));
  EXPECT_EQ(g, Digest(0, 1));
}

TEST(DigestTest, EncodeDecodeHex) {
  const Digest d(0x0102030405060708ULL, 0x090a0b0c0d0e0f10ULL);
  EXPECT_EQ(d.ToHex(), "0102030405060708090a0b0c0d0e0f10");
  EXPECT_EQ(d.Encode().size(), 16u);
  EXPECT_EQ(Digest::Decode(d.Encode()), d);
  EXPECT_EQ(Digest::Decode("short"), Digest());
  EXPECT_NE(d, Digest());
}

TEST(DigestTest, SumIsOrderIndependent) {
  std::vector<Digest> parts;
  for (int i = 0; i < 50; ++i) {
    parts.push_back(RecordDigest(RecordKey(v1::RECORD_TYPE_CHAPTER, absl::StrCat("ch-", i)),
                                 LiveState(absl::StrCat("value ", i), D("a", i + 1))));
  }
  Digest forward, backward, shuffled;
  for (const Digest& p : parts) forward.Add(p);
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) backward.Add(*it);
  std::mt19937_64 rng(7);
  std::shuffle(parts.begin(), parts.end(), rng);
  for (const Digest& p : parts) shuffled.Add(p);
  EXPECT_EQ(forward, backward);
  EXPECT_EQ(forward, shuffled);
  EXPECT_NE(forward, Digest());
}

TEST(DigestTest, RecordDigestCoversKeyAndEveryVersion) {
  const v1::RecordState s = LiveState("v", D("a", 1));
  const Digest base = RecordDigest("2ch-1", s);
  EXPECT_NE(base, Digest());
  EXPECT_EQ(RecordDigest("2ch-1", s), base);  // deterministic
  EXPECT_NE(RecordDigest("2ch-2", s), base);
  EXPECT_NE(RecordDigest("2ch-1", LiveState("w", D("a", 1))), base);
  EXPECT_NE(RecordDigest("2ch-1", LiveState("v", D("a", 2))), base);
  EXPECT_NE(RecordDigest("2ch-1", LiveState("v", D("a", 1), 101)), base);
  // A concurrent tombstone beside a live value changes the contribution.
  v1::RecordState with_tombstone = s;
  MergeOp(&with_tombstone, Del(), D("b", 1), 50, "p");
  EXPECT_NE(RecordDigest("2ch-1", with_tombstone), base);
  EXPECT_NE(RecordDigest("2ch-1", with_tombstone), Digest());
  // The history does not count: it differs between nodes by arrival order.
  v1::RecordState more_history = s;
  more_history.add_history()->set_principal("someone");
  EXPECT_EQ(RecordDigest("2ch-1", more_history), base);
}

TEST(DigestTest, VersionOrderInsideARecordDoesNotMatter) {
  v1::RecordState s;
  MergeOp(&s, Put("x"), D("a", 1), 100, "p");
  MergeOp(&s, Put("y"), D("b", 1), 100, "p");
  v1::RecordState reversed = s;
  reversed.mutable_versions()->SwapElements(0, 1);
  EXPECT_EQ(RecordDigest("k", s), RecordDigest("k", reversed));
}

TEST(DigestTest, TombstoneOnlyRecordsContributeNothing) {
  v1::RecordState deleted;
  MergeOp(&deleted, Put("v"), D("a", 1), 100, "p");
  MergeOp(&deleted, Del({D("a", 1)}), D("a", 2), 200, "p");
  EXPECT_EQ(RecordDigest("k", deleted), Digest());
  v1::RecordState erased;
  MergeOp(&erased, Erase(), D("a", 1), 100, "p");
  MergeOp(&erased, Erase(), D("b", 1), 100, "p");
  EXPECT_EQ(RecordDigest("k", erased), Digest());
  EXPECT_EQ(RecordDigest("k", v1::RecordState()), Digest());
  // So a registry where a record was deleted equals one where it never existed.
  Digest with, without;
  const v1::RecordState other = LiveState("o", D("a", 9));
  with.Add(RecordDigest("other", other));
  with.Add(RecordDigest("k", deleted));
  without.Add(RecordDigest("other", other));
  EXPECT_EQ(with, without);
}

// --- version vectors ------------------------------------------------------------------

TEST(VersionVectorTest, GetSetCovers) {
  VersionVector vv;
  EXPECT_EQ(vv.Get("a"), 0u);
  EXPECT_TRUE(vv.Covers("a", 0));
  EXPECT_FALSE(vv.Covers("a", 1));
  vv.Set("a", 5);
  vv.Set("b", 2);
  EXPECT_EQ(vv.Get("a"), 5u);
  EXPECT_TRUE(vv.Covers("a", 5));
  EXPECT_FALSE(vv.Covers("a", 6));
  EXPECT_TRUE(vv.Covers(D("b", 2)));
  EXPECT_FALSE(vv.Covers(D("b", 3)));
  EXPECT_FALSE(vv.Covers(D("c", 1)));
  EXPECT_EQ(vv.Total(), 7u);
  vv.Set("a", 0);  // zero counts are not stored
  EXPECT_EQ(vv.entries().size(), 1u);
  EXPECT_EQ(vv.entries().count("a"), 0u);
  EXPECT_EQ(vv.Total(), 2u);
}

TEST(VersionVectorTest, DominatesAndMerge) {
  VersionVector x, y;
  x.Set("a", 3);
  x.Set("b", 1);
  y.Set("a", 2);
  y.Set("c", 4);
  EXPECT_FALSE(x.Dominates(y));
  EXPECT_FALSE(y.Dominates(x));
  EXPECT_TRUE(x.Dominates(VersionVector()));
  EXPECT_TRUE(x.Dominates(x));
  VersionVector m = x;
  m.MergeFrom(y);
  EXPECT_EQ(m.Get("a"), 3u);
  EXPECT_EQ(m.Get("b"), 1u);
  EXPECT_EQ(m.Get("c"), 4u);
  EXPECT_TRUE(m.Dominates(x));
  EXPECT_TRUE(m.Dominates(y));
  VersionVector n = y;
  n.MergeFrom(x);
  EXPECT_EQ(m, n);  // merge commutes
  EXPECT_FALSE(m == x);
}

TEST(VersionVectorTest, ProtoRoundTrip) {
  VersionVector vv;
  vv.Set("node-a", 12);
  vv.Set("node-b", 1ULL << 40);
  google::protobuf::Map<std::string, uint64_t> proto;
  proto["stale"] = 99;
  vv.ToProto(&proto);
  EXPECT_EQ(proto.size(), 2u);
  EXPECT_EQ(proto.at("node-b"), 1ULL << 40);
  EXPECT_EQ(VersionVector::FromProto(proto), vv);
  proto["node-c"] = 0;  // zero entries are dropped on the way in
  EXPECT_EQ(VersionVector::FromProto(proto), vv);
}

}  // namespace
}  // namespace pacto
