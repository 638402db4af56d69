// Backups and restores with real pacto-node processes (DESIGN §7, node/admin/backup.h):
// `pacto node backup NAME` while an import writes, `pacto-node --restore-from` into a
// new data dir, the restored node catching up with the original and converging on one
// digest; an encrypted node's backup holding no plaintext; and the refusals. Backups
// stay below the node's --backup-dir (node/admin/backup_root.h): the attacks a remote
// operator could try with a name ("..", absolute paths, symbolic links on the way)
// are refused with nothing written, backup files are 0600 in 0700 directories, and
// every attempt is logged and kept in the node's events.
//
// Waits poll with generous deadlines; no assertion depends on how fast anything is.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

  // Where the fixture's nodes may back up (--backup-dir), and its resolved path.
  std::string Root() const { return dir_.Sub("backups"); }
  std::string ResolvedRoot() const { return std::filesystem::canonical(Root()).string(); }

  // A node the fixture owns (its log is printed when the test fails), backing up
  // below Root().
  NodeProcess* Start(const std::string& data, const std::string& id,
                     std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--sync-interval", "200ms", "--backup-dir", Root()});
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

  const std::string backups = Root() + "/nightly";
  const uint64_t before_backup = Seq(Status(bo), "bo");
  v1::BackupResponse backup = Json<v1::BackupResponse>(bo, {"node", "backup", "nightly"});
  EXPECT_EQ(backup.dir(), ResolvedRoot() + "/nightly");
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

  // A relative --restore-from is a name below --backup-dir.
  NodeProcess* restored =
      Start("restored", "bo-restored", {"--restore-from", "nightly", "--peers", bo->address()});
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
  v1::BackupResponse second = Json<v1::BackupResponse>(bo, {"node", "backup", "nightly"});
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
  const std::string backups = Root() + "/nightly";
  Json<v1::BackupResponse>(bo, {"node", "backup", "nightly"});

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

  // With --backup-dir, a relative --restore-from is a name below it, read under the
  // rules a remote backup name follows.
  std::filesystem::create_symlink(backups, Root() + "/link");
  const std::vector<std::pair<std::string, std::string>> names = {
      {"../backups/nightly", "--restore-from: a backup is named by a sub-directory"},
      {"link", "--restore-from: a part of the name is a symbolic link"},
      {"missing", "--restore-from: no such backup below --backup-dir"},
  };
  for (const auto& [name, refusal] : names) {
    EXPECT_THAT(Refused(with({"--backup-dir", Root(), "--restore-from", name, "--data-dir",
                              dir_.Sub("fresh")})),
                HasSubstr(refusal))
        << name;
    EXPECT_FALSE(std::filesystem::exists(dir_.Sub("fresh/CURRENT"))) << name;
  }
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
  const std::string plain_backups = Root() + "/plain";
  EXPECT_FALSE(Json<v1::BackupResponse>(plain, {"node", "backup", "plain"}).encrypted());
  EXPECT_TRUE(AnyFileContains(plain_backups, secret)) << "the scan would not see plaintext";

  NodeProcess* sealed = Start("sealed", "sealed", {"--encryption-key-file", key});
  ASSERT_NE(sealed, nullptr);
  Federation(sealed, secret);
  const std::string backups = Root() + "/sealed";
  v1::BackupResponse backup = Json<v1::BackupResponse>(sealed, {"node", "backup", "sealed"});
  EXPECT_TRUE(backup.encrypted());
  EXPECT_TRUE(backup.verified());
  EXPECT_FALSE(AnyFileContains(backups, secret));
  EXPECT_FALSE(AnyFileContains(backups, "Bolivia"));

  // Mixing plaintext and encrypted backups in one dir is refused.
  CommandResult mixed = RunCli({"--node", sealed->address(), "node", "backup", "plain"});
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

// Every name a remote operator could use to leave --backup-dir, through the real CLI
// against a real node: refused, and nothing written anywhere (not even an empty dir).
// Good names work, make 0700 directories holding 0600 files, and every attempt is
// logged and kept in the node's events.
TEST_F(BackupRestoreTest, BackupsStayBelowTheBackupDir) {
  NodeProcess* bo = Start("bo", "bo");
  ASSERT_NE(bo, nullptr);
  Federation(bo);
  // Planted below the root, as a careless admin or a local accomplice would: links out
  // of it, a link inside it, and a real directory holding a link out.
  const std::string outside = dir_.Sub("outside");
  ASSERT_TRUE(std::filesystem::create_directories(outside));
  std::filesystem::create_directory_symlink(outside, Root() + "/escape");
  ASSERT_TRUE(std::filesystem::create_directories(Root() + "/real"));
  std::filesystem::create_directory_symlink(outside, Root() + "/real/link");
  std::filesystem::create_directory_symlink(Root() + "/real", Root() + "/alias");
  const std::string etc = absl::StrCat("/etc/pacto-backup-test-", getpid());

  struct Attack {
    std::string name;
    std::string refusal;
  };
  const std::string bad_name = "error: INVALID_ARGUMENT: dir: a backup is named by a sub-directory";
  const std::string leaves = "error: PERMISSION_DENIED: dir: outside the node's --backup-dir";
  const std::string link = "error: PERMISSION_DENIED: dir: a part of the name is a symbolic link";
  const std::vector<Attack> attacks = {
      {"..", bad_name},
      {"../outside", bad_name},
      {"nightly/../../outside", bad_name},
      {".hidden", bad_name},
      {"a/./b", bad_name},
      {"a//b", bad_name},
      {"a\nb", bad_name},
      {Root() + "/../outside/x", bad_name},
      {Root(), bad_name},
      {etc, leaves},
      {etc + "/cron.d", leaves},
      {outside + "/abs", leaves},
      {"escape", link},
      {"escape/sub", link},
      {"real/link/x", link},
      {"alias", link},
      {"alias/new", link},
      {Root() + "/escape/abs", link},
  };
  for (const Attack& attack : attacks) {
    const std::vector<std::string> args = {"--node", bo->address(), "node", "backup", attack.name};
    CommandResult r = RunCli(args);
    EXPECT_NE(r.exit_code, 0) << Describe(args, r);
    EXPECT_TRUE(absl::StartsWith(r.err, attack.refusal)) << Describe(args, r);
  }
  EXPECT_FALSE(std::filesystem::exists(etc));
  EXPECT_TRUE(std::filesystem::is_empty(outside)) << "something was written outside";
  // Below the root too, nothing but what the test planted.
  std::vector<std::string> below;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(Root())) {
    below.push_back(entry.path().string().substr(Root().size()));
  }
  std::sort(below.begin(), below.end());
  EXPECT_EQ(below, (std::vector<std::string>{"/alias", "/escape", "/real", "/real/link"}));

  // Good names: one part, several parts, an absolute path below the root.
  for (const std::string& name :
       {std::string("nightly"), std::string("2026/12"), Root() + "/weekly"}) {
    v1::BackupResponse backup = Json<v1::BackupResponse>(bo, {"node", "backup", name});
    EXPECT_TRUE(backup.verified()) << name;
    EXPECT_TRUE(absl::StartsWith(backup.dir(), ResolvedRoot() + "/")) << backup.dir();
  }
  EXPECT_TRUE(std::filesystem::exists(Root() + "/2026/12/meta"));
  EXPECT_TRUE(std::filesystem::exists(Root() + "/weekly/meta"));
  EXPECT_TRUE(std::filesystem::is_empty(outside));

  // The root (the node made it) and everything the backups made: 0700 and 0600.
  auto mode = [](const std::string& path) {
    struct stat st;
    EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777;
  };
  EXPECT_EQ(mode(Root()), 0700u);
  int files = 0;
  for (const std::string name : {"nightly", "2026", "weekly"}) {
    const std::string top = Root() + "/" + name;
    EXPECT_EQ(mode(top), 0700u) << top;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(top)) {
      const std::string path = entry.path().string();
      if (entry.is_directory()) {
        EXPECT_EQ(mode(path), 0700u) << path;
      } else {
        EXPECT_EQ(mode(path), 0600u) << path;
        ++files;
      }
    }
  }
  EXPECT_GT(files, 3);
  // The node's own data dir is its user's alone too (umask 077).
  EXPECT_EQ(mode(dir_.Sub("bo/CURRENT")), 0600u);

  // One log line per attempt: principal, name, outcome.
  const std::string log = bo->Log();
  EXPECT_THAT(log, HasSubstr("msg=backup principal=anonymous name=nightly outcome=ok"));
  EXPECT_THAT(log, HasSubstr("msg=backup principal=anonymous name=2026/12 outcome=ok"));
  EXPECT_THAT(log, HasSubstr("msg=backup principal=anonymous name=escape "
                             "outcome=PERMISSION_DENIED"));
  EXPECT_THAT(log, HasSubstr("msg=backup principal=anonymous name=.. outcome=INVALID_ARGUMENT"));
  EXPECT_THAT(log, HasSubstr("name=a\\nb outcome=INVALID_ARGUMENT"))
      << "a name's control bytes are escaped";

  // The same attempts in the node's events, newest first.
  v1::EventsResponse events = Json<v1::EventsResponse>(bo, {"node", "events", "--limit", "1000"});
  ASSERT_EQ(events.events_size(), static_cast<int>(attacks.size()) + 3);
  EXPECT_EQ(events.events(0).name(), Root() + "/weekly");
  EXPECT_EQ(events.events(0).outcome(), "ok");
  EXPECT_THAT(events.events(0).detail(), HasSubstr(ResolvedRoot() + "/weekly backup 1"));
  std::map<std::string, std::string> outcome;
  for (const v1::AdminEvent& e : events.events()) {
    EXPECT_EQ(e.kind(), "backup");
    EXPECT_EQ(e.principal(), "anonymous");
    EXPECT_FALSE(e.time().empty());
    outcome[e.name()] = e.outcome();
  }
  EXPECT_EQ(outcome["nightly"], "ok");
  EXPECT_EQ(outcome["2026/12"], "ok");
  EXPECT_EQ(outcome[".."], "INVALID_ARGUMENT");
  EXPECT_EQ(outcome[etc], "PERMISSION_DENIED");
  EXPECT_EQ(outcome["real/link/x"], "PERMISSION_DENIED");
  EXPECT_EQ(outcome["a\\nb"], "INVALID_ARGUMENT");
  EXPECT_EQ(Json<v1::EventsResponse>(bo, {"node", "events", "--limit", "2"}).events_size(), 2);

  // A restore from a name is an event of the restored node, after the backed-up
  // node's events it carries.
  NodeProcess* restored = Start("restored", "bo-restored", {"--restore-from", "2026/12"});
  ASSERT_NE(restored, nullptr);
  v1::EventsResponse after = Json<v1::EventsResponse>(restored, {"node", "events"});
  ASSERT_GT(after.events_size(), 0);
  EXPECT_EQ(after.events(0).kind(), "restore");
  EXPECT_EQ(after.events(0).name(), "2026/12");
  EXPECT_EQ(after.events(0).principal(), "command-line");
  EXPECT_EQ(after.events(0).outcome(), "ok");
}

// Without --backup-dir a node takes no remote backups, and says how to allow them;
// nothing is written where the CLI or the node runs.
TEST_F(BackupRestoreTest, NoBackupDirNoRemoteBackups) {
  absl::StatusOr<std::unique_ptr<NodeProcess>> started =
      NodeProcess::Start({.data_dir = dir_.Sub("bo"), .node_id = "bo", .region = "BO"});
  ASSERT_TRUE(started.ok()) << started.status();
  nodes_.push_back(*std::move(started));
  NodeProcess* bo = nodes_.back().get();
  const std::string name = absl::StrCat("pacto-backup-test-", getpid());
  for (const std::string& dir : {name, dir_.Sub(name)}) {
    const std::vector<std::string> args = {"--node", bo->address(), "node", "backup", dir};
    CommandResult r = RunCli(args);
    EXPECT_NE(r.exit_code, 0) << Describe(args, r);
    EXPECT_THAT(r.err, HasSubstr("error: FAILED_PRECONDITION: this node takes no remote backups: "
                                 "start pacto-node with --backup-dir"))
        << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(name));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub(name)));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("bo/" + name)));
  EXPECT_THAT(bo->Log(), HasSubstr("outcome=FAILED_PRECONDITION"));
  v1::EventsResponse events = Json<v1::EventsResponse>(bo, {"node", "events"});
  ASSERT_EQ(events.events_size(), 2);
  EXPECT_EQ(events.events(0).outcome(), "FAILED_PRECONDITION");
}

}  // namespace
}  // namespace pacto
