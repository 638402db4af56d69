// kill -9 of a real pacto-node (DESIGN §4, §5.3): a write acknowledged to a client
// survives the crash, and the derived data (counters, tallies, indexes, digest) agrees
// with the records exactly as after a clean stop, whether the node dies under many
// concurrent writers or in the middle of a streamed CSV import.
//
// Between the kill and the restart the data dir is opened in-process (Database::Open)
// and checked against a recount from the records (tests/unit/recount.h); after the
// restart the same facts are checked again through libpacto.
#include <signal.h>

#include <atomic>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "client/lib/pacto_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "node/store/database.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "tests/support/processes.h"
#include "tests/unit/recount.h"

namespace pacto {
namespace {

constexpr char kNodeId[] = "n1";

std::unique_ptr<NodeProcess> StartNode(const std::string& data_dir) {
  absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
      {.data_dir = data_dir, .node_id = kNodeId, .region = "BO", .extra_args = {}});
  EXPECT_TRUE(node.ok()) << node.status();
  return node.ok() ? *std::move(node) : nullptr;
}

std::unique_ptr<Client> Connect(const NodeProcess& node) {
  ClientOptions options;
  options.address = node.address();
  options.deadline = absl::Seconds(20);
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

// The federation every test writes into: a pact, a federation under it, `connected`
// sindicatos under that, and `loose` unaffiliated ones. Returns the sindicatos'
// ids, connected ones first.
std::vector<std::string> BuildFederation(const Client& client, int connected, int loose) {
  v1::AddRegionRequest region;
  region.mutable_region()->set_code("BO");
  region.mutable_region()->set_name("Bolivia");
  EXPECT_TRUE(client.AddRegion(region).ok());
  auto add = [&](const std::string& name, const std::string& level, const std::string& parent) {
    v1::AddChapterRequest request;
    request.set_name(name);
    request.set_level(level);
    request.set_region("BO");
    request.set_parent(parent);
    absl::StatusOr<v1::Chapter> chapter = client.AddChapter(request);
    EXPECT_TRUE(chapter.ok()) << chapter.status();
    return chapter.ok() ? chapter->id() : "";
  };
  const std::string pact = add("Pacto de Unidad", "pact", "");
  const std::string federation = add("Federación", "federation", pact);
  std::vector<std::string> sindicatos;
  for (int i = 0; i < connected + loose; ++i) {
    sindicatos.push_back(
        add(absl::StrCat("Sindicato ", i), "sindicato", i < connected ? federation : ""));
  }
  return sindicatos;
}

// The in-process checks of a data dir whose node is dead: derived data equals a
// recount, indexes equal a rebuild, the stored digest equals one recomputed from the
// records. Returns the federation-wide counts.
CountMap CheckDerivedData(const Database& db) {
  absl::StatusOr<CountMap> stored = ReadStoredCounts(db);
  absl::StatusOr<CountMap> recount = RecountFromRecords(db);
  EXPECT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(recount.ok()) << recount.status();
  if (!stored.ok() || !recount.ok()) return {};
  EXPECT_EQ(*stored, *recount);
  absl::StatusOr<IndexMap> indexes = ReadStoredIndexes(db);
  absl::StatusOr<IndexMap> rebuilt = RebuildIndexes(db);
  EXPECT_TRUE(indexes.ok() && rebuilt.ok());
  if (indexes.ok() && rebuilt.ok()) {
    EXPECT_EQ(indexes->size(), rebuilt->size());
    EXPECT_TRUE(*indexes == *rebuilt) << "indexes differ from a rebuild";
  }
  absl::StatusOr<Digest> digest = ReadStoredDigest(db);
  absl::StatusOr<Digest> recomputed = RecomputeDigest(db);
  EXPECT_TRUE(digest.ok() && recomputed.ok());
  if (digest.ok() && recomputed.ok()) {
    EXPECT_EQ(digest->ToHex(), recomputed->ToHex());
  }
  return GlobalCounts(*recount);
}

std::unique_ptr<Database> OpenDead(const std::string& data_dir) {
  DatabaseOptions options;
  options.path = data_dir;
  options.node_id = kNodeId;
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? *std::move(db) : nullptr;
}

// The Summary report, as the counter names of recount.h, for comparison.
CountMap SummaryCounts(const Client& client) {
  absl::StatusOr<v1::SummaryResponse> summary = client.Summary(v1::SummaryRequest());
  EXPECT_TRUE(summary.ok()) << summary.status();
  if (!summary.ok()) return {};
  CountMap counts;
  auto put = [&](const std::string& name, int64_t value) {
    if (value != 0) counts[name] = value;
  };
  put("chapters", summary->chapters());
  put("persons", summary->persons());
  put("active_members", summary->active_members());
  put("federation_members", summary->federation_members());
  for (const v1::LevelCount& level : summary->chapters_by_level()) {
    put(absl::StrCat("level/", level.level()), level.chapters());
  }
  return counts;
}

// --- (a) concurrent writers --------------------------------------------------------

// What the writers know about one membership.
struct Fate {
  // The one follow-up write issued after the enrolment was acknowledged, if any.
  enum class Next { kNone, kEnd, kTransfer, kRemove } next = Next::kNone;
  bool next_acked = false;
  std::string transferred_to;  // the new membership, once a transfer is acknowledged
};

const char* NextName(Fate::Next next) {
  switch (next) {
    case Fate::Next::kNone:
      return "none";
    case Fate::Next::kEnd:
      return "end";
    case Fate::Next::kTransfer:
      return "transfer";
    case Fate::Next::kRemove:
      return "remove";
  }
  return "?";
}

class Kill9Test : public ::testing::TestWithParam<int> {};

TEST_P(Kill9Test, AcknowledgedWritesSurviveAndDerivedDataAgrees) {
  const int seed = GetParam();
  std::mt19937 rng(seed);
  const int kill_after = 150 + static_cast<int>(rng() % 450);
  SCOPED_TRACE(absl::StrCat("seed ", seed, ": SIGKILL after ", kill_after, " acknowledgements"));
  constexpr int kWriters = 16;

  ScratchDir dir;
  const std::string data_dir = dir.Sub("data");
  std::unique_ptr<NodeProcess> node = StartNode(data_dir);
  ASSERT_NE(node, nullptr);
  std::unique_ptr<Client> client = Connect(*node);
  ASSERT_NE(client, nullptr);
  const std::vector<std::string> chapters = BuildFederation(*client, 3, 1);
  ASSERT_FALSE(HasFailure()) << node->Log();

  absl::Mutex mu;
  std::map<std::string, Fate> fates;  // membership id → fate; guarded by mu
  int acked = 0;                      // acknowledged enrolments; guarded by mu
  std::atomic<bool> stop{false};
  auto writer = [&](int w) {
    std::mt19937 local(seed * 1000 + w);
    for (int n = 0; !stop; ++n) {
      v1::EnrolMemberRequest enrol;
      enrol.set_chapter(chapters[local() % chapters.size()]);
      enrol.set_name(absl::StrCat("Persona ", w, "-", n));
      // Every third person has no national id; some with one are enrolled twice
      // (ALREADY_EXISTS in the same chapter, a second membership in another).
      if (n % 3 != 0) enrol.set_national_id(absl::StrCat(5000000 + w * 100000 + n / 2));
      absl::StatusOr<v1::Membership> m = client->EnrolMember(enrol);
      if (!m.ok()) continue;
      const int dice = static_cast<int>(local() % 10);
      const Fate::Next next = dice < 5   ? Fate::Next::kNone
                              : dice < 7 ? Fate::Next::kEnd
                              : dice < 9 ? Fate::Next::kTransfer
                                         : Fate::Next::kRemove;
      {
        absl::MutexLock lock(&mu);
        fates[m->id()].next = stop ? Fate::Next::kNone : next;
        ++acked;
        if (stop) continue;
      }
      absl::Status s;
      std::string moved_to;
      if (next == Fate::Next::kEnd) {
        v1::EndMembershipRequest end;
        end.set_id(m->id());
        s = client->EndMembership(end).status();
      } else if (next == Fate::Next::kTransfer) {
        v1::TransferMemberRequest transfer;
        transfer.set_id(m->id());
        transfer.set_to_chapter(chapters[local() % chapters.size()]);
        absl::StatusOr<v1::Membership> moved = client->TransferMember(transfer);
        s = moved.status();
        if (moved.ok()) moved_to = moved->id();
      } else if (next == Fate::Next::kRemove) {
        v1::RemoveMemberRequest remove;
        remove.set_id(m->id());
        s = client->RemoveMember(remove).status();
      }
      if (next == Fate::Next::kNone) continue;
      absl::MutexLock lock(&mu);
      fates[m->id()].next_acked = s.ok();
      fates[m->id()].transferred_to = moved_to;
    }
  };
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) writers.emplace_back(writer, w);
  bool enough_acked;
  {
    absl::MutexLock lock(&mu);
    std::pair<int*, int> enough(&acked, kill_after);
    enough_acked = mu.AwaitWithTimeout(
        absl::Condition(
            +[](std::pair<int*, int>* p) { return *p->first >= p->second; }, &enough),
        absl::Seconds(60));
  }
  node->Kill();  // every acknowledgement received so far, or later, must be durable
  stop = true;
  for (std::thread& t : writers) t.join();
  const std::string log = node->Log();
  ASSERT_TRUE(enough_acked) << "the writers never got " << kill_after
                            << " acknowledgements; the node's log:\n"
                            << log;

  // The node is dead: its data dir, opened in-process.
  CountMap counts;
  {
    std::unique_ptr<Database> db = OpenDead(data_dir);
    ASSERT_NE(db, nullptr) << log;
    counts = CheckDerivedData(*db);
    ReadView view(db.get());
    int checked = 0;
    for (const auto& [id, fate] : fates) {
      v1::Membership m;
      absl::StatusOr<bool> live = ReadLive(view, v1::RECORD_TYPE_MEMBERSHIP, id, &m);
      ASSERT_TRUE(live.ok()) << live.status();
      SCOPED_TRACE(absl::StrCat(id, " follow-up ", NextName(fate.next),
                                fate.next_acked ? " (acknowledged)" : " (not acknowledged)"));
      ++checked;
      switch (fate.next) {
        case Fate::Next::kNone:
          EXPECT_TRUE(*live) << "acknowledged, then lost";
          EXPECT_EQ(m.status(), "active");
          break;
        case Fate::Next::kEnd:
          EXPECT_TRUE(*live);
          if (fate.next_acked) {
            EXPECT_EQ(m.status(), "ended");
          } else {
            EXPECT_TRUE(m.status() == "active" || m.status() == "ended") << m.status();
          }
          break;
        case Fate::Next::kTransfer:
          EXPECT_TRUE(*live);
          if (fate.next_acked) {
            EXPECT_EQ(m.status(), "transferred");
            EXPECT_EQ(m.transferred_to(), fate.transferred_to);
            v1::Membership moved;
            absl::StatusOr<bool> moved_live =
                ReadLive(view, v1::RECORD_TYPE_MEMBERSHIP, fate.transferred_to, &moved);
            ASSERT_TRUE(moved_live.ok());
            EXPECT_TRUE(*moved_live && moved.status() == "active")
                << "the acknowledged transfer's new membership " << fate.transferred_to;
          } else {
            EXPECT_TRUE(m.status() == "active" || m.status() == "transferred") << m.status();
          }
          break;
        case Fate::Next::kRemove:
          if (fate.next_acked) {
            EXPECT_FALSE(*live) << "erased, acknowledged, and back";
          } else if (*live) {
            EXPECT_EQ(m.status(), "active");
          }
          break;
      }
    }
    EXPECT_GE(checked, kill_after);
  }

  // Restarted, the node shows the same, and goes on writing.
  node = StartNode(data_dir);
  ASSERT_NE(node, nullptr);
  client = Connect(*node);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(SummaryCounts(*client), counts);
  for (const auto& [id, fate] : fates) {
    v1::GetMemberRequest get;
    get.set_id(id);
    absl::StatusOr<v1::Membership> m = client->GetMember(get);
    if (fate.next == Fate::Next::kRemove) {
      if (fate.next_acked) {
        EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound) << id;
      }
      continue;
    }
    ASSERT_TRUE(m.ok()) << id << ": " << m.status();
    if (fate.next_acked) {
      EXPECT_EQ(m->status(), fate.next == Fate::Next::kEnd ? "ended" : "transferred") << id;
    } else if (fate.next == Fate::Next::kNone) {
      EXPECT_EQ(m->status(), "active") << id;
    }
  }
  v1::EnrolMemberRequest after;
  after.set_chapter(chapters[0]);
  after.set_name("Después Del Corte");
  absl::StatusOr<v1::Membership> enrolled = client->EnrolMember(after);
  ASSERT_TRUE(enrolled.ok()) << enrolled.status();
  EXPECT_EQ(SummaryCounts(*client).at("active_members"), counts.at("active_members") + 1);
  // (With a client still connected, the node's clean stop waits seconds for it.)
  client.reset();
  EXPECT_EQ(node->Stop(), 0) << node->Log();
}

INSTANTIATE_TEST_SUITE_P(Seeds, Kill9Test, ::testing::Values(1, 2, 3));

// --- (b) mid-import --------------------------------------------------------------

// Live membership records in the data dir, counted from the records family.
int64_t LiveMemberships(const Database& db) {
  ReadView view(&db);
  int64_t live = 0;
  absl::Status scanned =
      view.Scan(db.records(), RecordTypePrefix(v1::RECORD_TYPE_MEMBERSHIP), "",
                [&](absl::string_view, absl::string_view value) {
                  v1::RecordState state;
                  v1::Membership m;
                  EXPECT_TRUE(state.ParseFromArray(value.data(), static_cast<int>(value.size())));
                  absl::StatusOr<bool> is_live = DecodeWinner(state, &m);
                  EXPECT_TRUE(is_live.ok());
                  if (is_live.ok() && *is_live && m.status() == "active") ++live;
                  return true;
                });
  EXPECT_TRUE(scanned.ok()) << scanned;
  return live;
}

TEST(Kill9ImportTest, KillMidImportLeavesDerivedDataConsistent) {
  constexpr int kRows = 50000;
  ScratchDir dir;
  const std::string data_dir = dir.Sub("data");
  std::unique_ptr<NodeProcess> node = StartNode(data_dir);
  ASSERT_NE(node, nullptr);
  std::unique_ptr<Client> client = Connect(*node);
  ASSERT_NE(client, nullptr);
  const std::vector<std::string> chapters = BuildFederation(*client, 2, 1);
  ASSERT_FALSE(HasFailure());
  absl::StatusOr<v1::StatusResponse> before = client->Status(v1::StatusRequest());
  ASSERT_TRUE(before.ok()) << before.status();

  // Every row a different person, so members = memberships = persons.
  std::string csv = "chapter,name,national_id,birth_date\n";
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&csv, chapters[i % chapters.size()], ",Persona ", i, ",",
                    i % 3 == 0 ? "" : absl::StrCat(80000000 + i), ",",
                    i % 7 == 0 ? "1985-07-14" : "", "\n");
  }
  const std::string csv_path = dir.Sub("members.csv");
  ASSERT_TRUE(WriteFile(csv_path, csv));

  absl::StatusOr<std::unique_ptr<ChildProcess>> import =
      StartCli({"--node", node->address(), "member", "import", csv_path});
  ASSERT_TRUE(import.ok()) << import.status();
  // Rows are streaming once the node's log has grown a few batches (one entry each)
  // past the set-up: kill it then.
  bool streaming = false;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!streaming && absl::Now() < deadline && (*import)->Running()) {
    absl::StatusOr<v1::StatusResponse> status = client->Status(v1::StatusRequest());
    streaming = status.ok() && status->log_entries() >= before->log_entries() + 4;
    if (!streaming) absl::SleepFor(absl::Milliseconds(1));
  }
  node->Kill();
  CommandResult cli = (*import)->Wait();
  ASSERT_TRUE(streaming) << "the import never reached the node:\n" << cli.out << cli.err;
  // The CLI saw the stream break, and says some rows may have been imported.
  ASSERT_EQ(cli.exit_code, 1) << "the import finished before the kill; nothing was tested\n"
                              << cli.out << cli.err;
  EXPECT_TRUE(absl::StartsWith(cli.err, "error: UNAVAILABLE: ")) << cli.err;
  EXPECT_THAT(cli.err, ::testing::HasSubstr("may have been imported"));

  CountMap counts;
  int64_t memberships = 0;
  {
    std::unique_ptr<Database> db = OpenDead(data_dir);
    ASSERT_NE(db, nullptr) << node->Log();
    counts = CheckDerivedData(*db);
    memberships = LiveMemberships(*db);
  }
  std::cout << "killed with " << memberships << " of " << kRows << " rows imported\n";
  EXPECT_GT(memberships, 0);
  EXPECT_LT(memberships, kRows);
  EXPECT_EQ(Count(counts, "active_members"), memberships);
  EXPECT_EQ(Count(counts, "persons"), memberships);
  EXPECT_EQ(Count(counts, "chapters"), 5);

  node = StartNode(data_dir);
  ASSERT_NE(node, nullptr);
  client = Connect(*node);
  ASSERT_NE(client, nullptr);
  const CountMap after = SummaryCounts(*client);
  EXPECT_EQ(after, counts);
  EXPECT_EQ(Count(after, "active_members"), memberships);
  // (With a client still connected, the node's clean stop waits seconds for it.)
  client.reset();
  EXPECT_EQ(node->Stop(), 0) << node->Log();
}

}  // namespace
}  // namespace pacto
