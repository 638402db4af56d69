// Backups and restores with real pacto-node processes (DESIGN §7, node/admin/backup.h):
// `pacto node backup DIR` while an import writes, `pacto-node --restore-from DIR` into
// a new data dir, the restored node catching up with the original and converging on
// one digest; an encrypted node's backup holding no plaintext; and the refusals.
//
// Waits poll with generous deadlines; no assertion depends on how fast anything is.
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "pacto/v1/admin.pb.h"
#include "tests/support/processes.h"

namespace pacto {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kPatience = absl::Seconds(60);

bool Eventually(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + kPatience;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

std::string Describe(const std::vector<std::string>& args, const CommandResult& r) {
  return absl::StrCat("pacto ", absl::StrJoin(args, " "), "\nexit ", r.exit_code,
                      "\nstdout: ", r.out.substr(0, 2000), "\nstderr: ", r.err);
}

std::string MembersCsv(const std::string& chapter, int rows, int first) {
  std::string csv = "chapter,name,national_id,birth_date\n";
  for (int i = 0; i < rows; ++i) {
    absl::StrAppend(&csv, chapter, ",Persona ", first + i, ",", first + i, ",1985-06-0", 1 + i % 9,
                    "\n");
  }
  return csv;
}

// Whether any file under `dir` contains `needle`.
// The highest sequence of `origin` a node has applied (0 when none).
uint64_t Seq(const v1::StatusResponse& status, const std::string& origin) {
  auto it = status.version_vector().find(origin);
  return it == status.version_vector().end() ? 0 : it->second;
}

bool AnyFileContains(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (ReadFile(entry.path().string()).find(needle) != std::string::npos) return true;
  }
  return false;
}

class BackupRestoreTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!HasFailure()) return;
    for (const std::unique_ptr<NodeProcess>& node : nodes_) {
      const std::string log = node->Log();
      std::cerr << "---- log of node on " << node->options().data_dir << " ----\n"
                << log.substr(log.size() > 3000 ? log.size() - 3000 : 0) << "\n";
    }
  }

  // A node the fixture owns (its log is printed when the test fails).
  NodeProcess* Start(const std::string& data, const std::string& id,
                     std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--sync-interval", "200ms"});
    absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
        {.data_dir = dir_.Sub(data), .node_id = id, .region = "BO", .extra_args = extra});
    EXPECT_TRUE(node.ok()) << node.status();
    if (!node.ok()) return nullptr;
    nodes_.push_back(*std::move(node));
    return nodes_.back().get();
  }

  // pacto-node that must refuse to start; what it printed.
  std::string Refused(const std::vector<std::string>& args) {
    CommandResult r = RunCommand(NodeBinary(), args, "", absl::Seconds(60));
    EXPECT_NE(r.exit_code, 0) << "pacto-node " << absl::StrJoin(args, " ") << " started";
    return r.err;
  }

  std::string Ok(NodeProcess* node, std::vector<std::string> args) {
    args.insert(args.begin(), {"--node", node->address()});
    CommandResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  template <typename M>
  M Json(NodeProcess* node, std::vector<std::string> args) {
    args.push_back("--json");
    M message;
    const std::string out = Ok(node, args);
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(out, &message).ok()) << out;
    return message;
  }

  v1::StatusResponse Status(NodeProcess* node) {
    return Json<v1::StatusResponse>(node, {"node", "status"});
  }

  // A region BO and a sindicato in it; returns the chapter id.
  std::string Federation(NodeProcess* node, const std::string& chapter_name = "Sindicato Uno") {
    Ok(node, {"region", "add", "BO", "--name", "Bolivia"});
    return Ok(node,
              {"chapter", "add", "--name", chapter_name, "--region", "BO", "--level", "sindicato"});
  }

  void Import(NodeProcess* node, const std::string& chapter, int rows, int first) {
    const std::string path = dir_.Sub(absl::StrCat("import-", first, ".csv"));
    ASSERT_TRUE(WriteFile(path, MembersCsv(chapter, rows, first)));
    Ok(node, {"member", "import", path});
  }

  // Polls until both nodes report one digest and one version vector.
  bool AwaitConverged(NodeProcess* a, NodeProcess* b) {
    v1::StatusResponse sa, sb;
    if (Eventually([&] {
          sa = Status(a);
          sb = Status(b);
          return sa.digest() == sb.digest() &&
                 std::map<std::string, uint64_t>(sa.version_vector().begin(),
                                                 sa.version_vector().end()) ==
                     std::map<std::string, uint64_t>(sb.version_vector().begin(),
                                                     sb.version_vector().end());
        })) {
      return true;
    }
    ADD_FAILURE() << "no convergence: " << sa.ShortDebugString() << "\nvs "
                  << sb.ShortDebugString();
    return false;
  }

  ScratchDir dir_;
  std::vector<std::unique_ptr<NodeProcess>> nodes_;
};

// The backup is taken while an import writes; the restored node takes a new node id,
// catches up with what the original wrote after the backup, writes on its own, and
// both converge on one digest.
TEST_F(BackupRestoreTest, BackupUnderWriteLoadRestoresAndCatchesUp) {
  NodeProcess* bo = Start("bo", "bo");
  ASSERT_NE(bo, nullptr);
  const std::string chapter = Federation(bo);
  Import(bo, chapter, 2000, 10000);
  // An import lands in batches, one log entry (one sequence number) each.
  const uint64_t before_load = Seq(Status(bo), "bo");

  const std::string csv = dir_.Sub("load.csv");
  ASSERT_TRUE(WriteFile(csv, MembersCsv(chapter, 100000, 100000)));
  absl::StatusOr<std::unique_ptr<ChildProcess>> load =
      StartCli({"--node", bo->address(), "member", "import", csv});
  ASSERT_TRUE(load.ok()) << load.status();
  // Wait until the import has started landing, so the backup really races it.
  ASSERT_TRUE(Eventually([&] { return Seq(Status(bo), "bo") > before_load + 2; }));

  const std::string backups = dir_.Sub("backups");
  const uint64_t before_backup = Seq(Status(bo), "bo");
  v1::BackupResponse backup = Json<v1::BackupResponse>(bo, {"node", "backup", backups});
  EXPECT_EQ(backup.dir(), backups);
  EXPECT_EQ(backup.backup_id(), 1u);
  EXPECT_EQ(backup.node_id(), "bo");
  EXPECT_TRUE(backup.verified());
  EXPECT_FALSE(backup.encrypted());
  EXPECT_GT(backup.size_bytes(), 0u);
  EXPECT_GT(backup.files(), 0u);
  std::cerr << "backup during an import, at about " << before_backup
            << " writes: " << backup.size_bytes() << " bytes in " << backup.files() << " files, "
            << backup.seconds() << " s\n";

  CommandResult loaded = (*load)->Wait();
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  Ok(bo, {"member", "enrol", "--chapter", chapter, "--name", "Despues Del Respaldo"});

  // The backup's own id is refused: the original is alive and numbering its writes.
  const std::string refused_id =
      Refused({"--restore-from", backups, "--data-dir", dir_.Sub("r0"), "--node-id", "bo",
               "--listen", "127.0.0.1:0", "--http", "off"});
  EXPECT_THAT(refused_id, HasSubstr("takes a new node id"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("r0/CURRENT")));

  NodeProcess* restored =
      Start("restored", "bo-restored", {"--restore-from", backups, "--peers", bo->address()});
  ASSERT_NE(restored, nullptr);
  EXPECT_THAT(restored->Log(), HasSubstr("restored a backup"));
  EXPECT_EQ(Status(restored).node_id(), "bo-restored");
  // It writes under its own id, from sequence 1.
  Ok(restored, {"member", "enrol", "--chapter", chapter, "--name", "Nodo Restaurado"});
  ASSERT_TRUE(AwaitConverged(bo, restored));
  const v1::StatusResponse status = Status(restored);
  EXPECT_EQ(Seq(status, "bo-restored"), 1u);
  // Everything the original wrote after the backup reached it.
  EXPECT_GT(Seq(status, "bo"), before_backup);
  EXPECT_EQ(Seq(status, "bo"), Seq(Status(bo), "bo"));

  // A second backup into the same dir is the next id, and a restart of the restored
  // node without --restore-from runs on its data as it is.
  v1::BackupResponse second = Json<v1::BackupResponse>(bo, {"node", "backup", backups});
  EXPECT_EQ(second.backup_id(), 2u);
  EXPECT_EQ(second.backups_in_dir(), 2u);
  EXPECT_EQ(restored->Stop(), 0);
  NodeProcess* again = Start("restored", "bo-restored");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Status(again).digest(), Status(bo).digest());
}

TEST_F(BackupRestoreTest, RestoreRefusesWhatItCannotDoSafely) {
  NodeProcess* bo = Start("bo", "bo");
  ASSERT_NE(bo, nullptr);
  Federation(bo);
  const std::string backups = dir_.Sub("backups");
  Json<v1::BackupResponse>(bo, {"node", "backup", backups});

  const std::vector<std::string> base = {"--listen", "127.0.0.1:0", "--http", "off"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), base.begin(), base.end());
    return args;
  };
  // Into a data dir that holds something: never overwritten.
  std::filesystem::create_directories(dir_.Sub("full"));
  ASSERT_TRUE(WriteFile(dir_.Sub("full/keep-me"), "x"));
  EXPECT_THAT(Refused(with({"--restore-from", backups, "--data-dir", dir_.Sub("full")})),
              HasSubstr("is not empty; a restore never overwrites a registry"));
  EXPECT_EQ(ReadFile(dir_.Sub("full/keep-me")), "x");
  // From a directory that holds no backup.
  EXPECT_THAT(
      Refused(with({"--restore-from", dir_.Sub("nothing"), "--data-dir", dir_.Sub("fresh")})),
      HasSubstr("holds no backup"));
}

// An encrypted node's backup holds no plaintext (a plaintext node's does, in the same
// scan), and restoring it needs the key.
TEST_F(BackupRestoreTest, EncryptedBackupHoldsNoPlaintextAndNeedsTheKey) {
  const std::string key = dir_.Sub("key");
  ASSERT_TRUE(WriteFile(key, std::string(64, 'a') + "\n"));
  const std::string wrong_key = dir_.Sub("wrong-key");
  ASSERT_TRUE(WriteFile(wrong_key, std::string(64, 'b') + "\n"));
  const std::string secret = "Sindicato Zzyzxqw Backupcheck";

  NodeProcess* plain = Start("plain", "plain");
  ASSERT_NE(plain, nullptr);
  Federation(plain, secret);
  const std::string plain_backups = dir_.Sub("plain-backups");
  EXPECT_FALSE(Json<v1::BackupResponse>(plain, {"node", "backup", plain_backups}).encrypted());
  EXPECT_TRUE(AnyFileContains(plain_backups, secret)) << "the scan would not see plaintext";

  NodeProcess* sealed = Start("sealed", "sealed", {"--encryption-key-file", key});
  ASSERT_NE(sealed, nullptr);
  Federation(sealed, secret);
  const std::string backups = dir_.Sub("sealed-backups");
  v1::BackupResponse backup = Json<v1::BackupResponse>(sealed, {"node", "backup", backups});
  EXPECT_TRUE(backup.encrypted());
  EXPECT_TRUE(backup.verified());
  EXPECT_FALSE(AnyFileContains(backups, secret));
  EXPECT_FALSE(AnyFileContains(backups, "Bolivia"));

  // Mixing plaintext and encrypted backups in one dir is refused.
  CommandResult mixed = RunCli({"--node", sealed->address(), "node", "backup", plain_backups});
  EXPECT_NE(mixed.exit_code, 0);
  EXPECT_THAT(mixed.err, HasSubstr("holds unencrypted backups"));

  const std::vector<std::string> base = {"--listen", "127.0.0.1:0", "--http", "off"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), base.begin(), base.end());
    return args;
  };
  EXPECT_THAT(Refused(with({"--restore-from", backups, "--data-dir", dir_.Sub("r1")})),
              HasSubstr("is encrypted; give its key with --encryption-key-file"));
  EXPECT_THAT(Refused(with({"--restore-from", backups, "--data-dir", dir_.Sub("r2"),
                            "--encryption-key-file", wrong_key})),
              HasSubstr("does not match"));

  NodeProcess* restored =
      Start("r3", "", {"--restore-from", backups, "--encryption-key-file", key});
  ASSERT_NE(restored, nullptr);
  const v1::StatusResponse status = Status(restored);
  EXPECT_NE(status.node_id(), "sealed");
  EXPECT_EQ(status.digest(), Status(sealed).digest());
  EXPECT_FALSE(AnyFileContains(dir_.Sub("r3"), secret));
}

}  // namespace
}  // namespace pacto
