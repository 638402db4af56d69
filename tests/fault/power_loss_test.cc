// Power loss below RocksDB: concurrent writers enrol, transfer, end and erase
// members while the file system is cut at a random moment (every byte not synced is
// lost, as in a power failure). After reopening, every write acknowledged before the
// cut must be there, and indexes, tallies, digest and version vector must agree with
// the records exactly as if nothing had happened.
#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "node/registry/replica.h"
#include "node/store/committed_state.h"
#include "node/store/digest.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "tests/support/drop_unsynced_fs.h"
#include "tests/unit/recount.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

// What a writer thread did to one membership, as far as the test knows.
struct Fate {
  bool enrol_acked = false;
  // The one follow-up write issued after the enrolment was acknowledged, if any.
  enum class Next { kNone, kEnd, kTransfer, kRemove } next = Next::kNone;
  bool next_acked = false;
};

class PowerLossTest : public ::testing::TestWithParam<int> {
 protected:
  std::unique_ptr<Replica> Open(rocksdb::Env* env) {
    Replica::Options options;
    options.database.path = dir_.Sub("db");
    options.database.node_id = "n1";
    options.database.env = env;
    options.database.write_buffer_bytes = 8 << 20;
    options.region = "BO";
    absl::StatusOr<std::unique_ptr<Replica>> replica = Replica::Open(options);
    EXPECT_TRUE(replica.ok()) << replica.status();
    return replica.ok() ? *std::move(replica) : nullptr;
  }

  TempDir dir_;
};

template <typename Response, typename Call>
Response MustAwait(Call call) {
  absl::StatusOr<Response> r = Await<Response>(call);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Response();
}

TEST_P(PowerLossTest, AcknowledgedWritesSurviveAndDerivedDataAgrees) {
  const int seed = GetParam();
  auto fs = std::make_shared<DropUnsyncedFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = NewEnvOver(fs);
  std::unique_ptr<Replica> replica = Open(env.get());
  ASSERT_NE(replica, nullptr);
  Registry& registry = replica->registry();

  // A small federation: a pact, a federation under it, three connected sindicatos and
  // one left unaffiliated (its members are active but not federation members).
  v1::AddRegionRequest region;
  region.mutable_region()->set_code("BO");
  region.mutable_region()->set_name("Bolivia");
  MustAwait<v1::Region>(
      [&](v1::Region* out, auto done) { registry.AddRegion(region, "t", out, done); });
  auto add_chapter = [&](const std::string& name, const std::string& level,
                         const std::string& parent) {
    v1::AddChapterRequest req;
    req.set_name(name);
    req.set_level(level);
    req.set_region("BO");
    req.set_parent(parent);
    return MustAwait<v1::Chapter>(
               [&](v1::Chapter* out, auto done) { registry.AddChapter(req, "t", out, done); })
        .id();
  };
  const std::string pact = add_chapter("Pacto", "pact", "");
  const std::string federation = add_chapter("Federacion", "federation", pact);
  std::vector<std::string> chapters = {
      add_chapter("S1", "sindicato", federation), add_chapter("S2", "sindicato", federation),
      add_chapter("S3", "sindicato", federation), add_chapter("S4", "sindicato", "")};

  absl::Mutex mu;
  std::map<std::string, Fate> fates;  // membership id → fate; guarded by mu
  bool cut = false;  // guarded by mu: acknowledgements after the cut count for nothing
  int acked = 0;     // guarded by mu
  std::atomic<bool> stop{false};
  std::mt19937 rng(seed);
  const int cut_after = 200 + static_cast<int>(rng() % 600);

  auto writer = [&](int w) {
    std::mt19937 local(seed * 100 + w);
    int n = 0;
    while (!stop) {
      const std::string chapter = chapters[local() % chapters.size()];
      v1::EnrolMemberRequest req;
      req.set_chapter(chapter);
      req.set_name(absl::StrCat("Persona ", w, "-", n));
      // Some people are enrolled twice (two chapters) under one national id.
      req.set_national_id(absl::StrCat(5000000 + w * 100000 + (n % 7 == 3 ? n - 1 : n)));
      ++n;
      absl::StatusOr<v1::Membership> m = Await<v1::Membership>(
          [&](v1::Membership* out, auto done) { registry.EnrolMember(req, "t", out, done); });
      if (!m.ok()) continue;  // ALREADY_EXISTS for a repeat in the same chapter
      {
        absl::MutexLock lock(&mu);
        if (cut) return;
        fates[m->id()].enrol_acked = true;
        ++acked;
      }
      const int dice = static_cast<int>(local() % 10);
      Fate::Next next = dice < 5   ? Fate::Next::kNone
                        : dice < 7 ? Fate::Next::kEnd
                        : dice < 9 ? Fate::Next::kTransfer
                                   : Fate::Next::kRemove;
      if (next == Fate::Next::kNone) continue;
      {
        absl::MutexLock lock(&mu);
        fates[m->id()].next = next;
      }
      absl::Status s;
      if (next == Fate::Next::kEnd) {
        v1::EndMembershipRequest end;
        end.set_id(m->id());
        s = Await<v1::Membership>([&](v1::Membership* out, auto done) {
              registry.EndMembership(end, "t", out, done);
            }).status();
      } else if (next == Fate::Next::kTransfer) {
        v1::TransferMemberRequest transfer;
        transfer.set_id(m->id());
        transfer.set_to_chapter(chapters[(local() % 3)]);
        s = Await<v1::Membership>([&](v1::Membership* out, auto done) {
              registry.TransferMember(transfer, "t", out, done);
            }).status();
      } else {
        v1::RemoveMemberRequest remove;
        remove.set_id(m->id());
        s = Await<v1::RemoveMemberResponse>([&](v1::RemoveMemberResponse* out, auto done) {
              registry.RemoveMember(remove, "t", out, done);
            }).status();
      }
      absl::MutexLock lock(&mu);
      if (cut) return;
      if (s.ok()) fates[m->id()].next_acked = true;
    }
  };
  std::vector<std::thread> writers;
  for (int w = 0; w < 6; ++w) writers.emplace_back(writer, w);
  {
    absl::MutexLock lock(&mu);
    std::pair<int*, int> enough(&acked, cut_after);
    mu.Await(absl::Condition(
        +[](std::pair<int*, int>* p) { return *p->first >= p->second; }, &enough));
    cut = true;
    fs->Deactivate();  // the power goes out here
  }
  stop = true;
  for (auto& t : writers) t.join();
  replica->Close(/*flush=*/false);
  replica.reset();
  fs->DropUnsyncedData();

  replica = Open(env.get());
  ASSERT_NE(replica, nullptr);
  const Database& db = replica->db();
  ReadView view(&db);
  int checked = 0;
  for (const auto& [id, fate] : fates) {
    if (!fate.enrol_acked) continue;
    v1::Membership m;
    absl::StatusOr<bool> live = ReadLive(view, v1::RECORD_TYPE_MEMBERSHIP, id, &m);
    ASSERT_TRUE(live.ok());
    ++checked;
    switch (fate.next) {
      case Fate::Next::kNone:
        EXPECT_TRUE(*live && m.status() == "active") << id << " acknowledged but lost";
        break;
      case Fate::Next::kEnd:
        EXPECT_TRUE(*live) << id;
        if (fate.next_acked) {
          EXPECT_EQ(m.status(), "ended") << id;
        }
        break;
      case Fate::Next::kTransfer:
        EXPECT_TRUE(*live) << id;
        if (fate.next_acked) {
          EXPECT_EQ(m.status(), "transferred") << id;
        }
        break;
      case Fate::Next::kRemove:
        if (fate.next_acked) {
          EXPECT_FALSE(*live) << id << " erased but back";
        }
        break;
    }
  }
  EXPECT_GE(checked, cut_after);

  // Derived data equals a recount from the records, indexes equal a rebuild.
  absl::StatusOr<CountMap> stored = ReadStoredCounts(db), recount = RecountFromRecords(db);
  ASSERT_TRUE(stored.ok() && recount.ok());
  EXPECT_EQ(*stored, *recount);
  absl::StatusOr<IndexMap> indexes = ReadStoredIndexes(db), rebuilt = RebuildIndexes(db);
  ASSERT_TRUE(indexes.ok() && rebuilt.ok());
  EXPECT_EQ(*indexes, *rebuilt);

  // The digest equals one recomputed from every record; the version vector and the
  // log agree (one entry per sequence number, no gaps).
  absl::StatusOr<CommittedState> state = ReadCommittedState(view);
  ASSERT_TRUE(state.ok());
  Digest recomputed;
  ASSERT_TRUE(view.Scan(db.records(), "", "",
                        [&](absl::string_view key, absl::string_view value) {
                          v1::RecordState rs;
                          EXPECT_TRUE(
                              rs.ParseFromArray(value.data(), static_cast<int>(value.size())));
                          recomputed.Add(RecordDigest(key, rs));
                          return true;
                        })
                  .ok());
  EXPECT_EQ(state->digest, recomputed);
  uint64_t entries = 0, last_seq = 0;
  ASSERT_TRUE(view.Scan(db.log(), std::string(kLogEntryPrefix), "",
                        [&](absl::string_view, absl::string_view value) {
                          v1::Entry e;
                          EXPECT_TRUE(
                              e.ParseFromArray(value.data(), static_cast<int>(value.size())));
                          EXPECT_EQ(e.seq(), last_seq + 1);
                          last_seq = e.seq();
                          ++entries;
                          return true;
                        })
                  .ok());
  EXPECT_EQ(entries, state->log_next);
  EXPECT_EQ(state->version_vector.Get("n1"), last_seq);

  // And the node goes on writing from where it stopped.
  v1::EnrolMemberRequest after;
  after.set_chapter(chapters[0]);
  after.set_name("Despues Del Corte");
  ASSERT_TRUE(Await<v1::Membership>([&](v1::Membership* out, auto done) {
                replica->registry().EnrolMember(after, "t", out, done);
              }).ok());
}

INSTANTIATE_TEST_SUITE_P(Seeds, PowerLossTest, ::testing::Range(1, 6));

}  // namespace
}  // namespace pacto
