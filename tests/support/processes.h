// Real processes for integration and fault tests: pacto-node started on port 0 in a
// temp data dir, and the pacto CLI run as a user would run it, in the foreground or
// in the background. Binary paths come from the build (PACTO_NODE_BIN and
// PACTO_CLI_BIN compile definitions of this library).
//
// Children run without a shell, in a process group of their own, with PACTO_NODE and
// PACTO_TOKEN removed from their environment (so a developer's shell cannot redirect a
// test), and are killed when the test process dies (PR_SET_PDEATHSIG).
//
// REQUIRES: children are started from one thread, the test's main thread: the kernel
// kills a child when the *thread* that forked it exits.
//
// Example:
//   ScratchDir dir;
//   absl::StatusOr<std::unique_ptr<NodeProcess>> node =
//       NodeProcess::Start({.data_dir = dir.Sub("data"), .node_id = "n1"});
//   ASSERT_TRUE(node.ok()) << node.status();
//   CommandResult r = RunCli({"--node", (*node)->address(), "node", "status", "--json"});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//   EXPECT_EQ((*node)->Stop(), 0);
#ifndef PACTO_TESTS_SUPPORT_PROCESSES_H_
#define PACTO_TESTS_SUPPORT_PROCESSES_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pacto {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents by the
// destructor unless PACTO_KEEP_TMP is set in the environment.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the directory (not created).
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  // The exit status; 128 + N when killed by signal N; -1 when it could not run.
  int exit_code = -1;
  std::string out;
  std::string err;
  // True when the command outlived its timeout and was killed.
  bool timed_out = false;
};

// A program running in the background; stdout and stderr go to files that can be
// read at any time.
class ChildProcess {
 public:
  // Starts `program` with `args` (no shell) and `input` on stdin (/dev/null when empty).
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(const std::string& program,
                                                             const std::vector<std::string>& args,
                                                             const std::string& input = "");
  // SIGKILLs the process if it is still running, and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // False once the process has exited (reaps it without blocking).
  bool Running();
  // Sends `signal` when still running.
  void Signal(int signal);
  // Waits for the exit, SIGKILLing the process after `timeout`, and returns the
  // exit code and everything it printed.
  CommandResult Wait(absl::Duration timeout = absl::Minutes(2));
  // What it printed so far.
  std::string Out() const;
  std::string Err() const;

 private:
  ChildProcess() = default;
  // Records `status` from waitpid.
  void Reaped(int status);

  std::unique_ptr<ScratchDir> dir_;  // stdin, stdout and stderr files
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// Runs a program to completion (killing it after `timeout`) and captures its output.
CommandResult RunCommand(const std::string& program, const std::vector<std::string>& args,
                         const std::string& input = "", absl::Duration timeout = absl::Minutes(2));

// The pacto CLI, in the foreground or in the background.
CommandResult RunCli(const std::vector<std::string>& args, const std::string& input = "");
absl::StatusOr<std::unique_ptr<ChildProcess>> StartCli(const std::vector<std::string>& args);

// A pacto-node process.
class NodeProcess {
 public:
  struct Options {
    std::string data_dir;
    std::string node_id;  // --node-id, when not empty
    std::string region;   // --region, when not empty
    // Added after the flags above; --listen and --http are 127.0.0.1:0 unless given
    // here again (the last occurrence wins).
    std::vector<std::string> extra_args;
  };

  // Starts pacto-node with --listen 127.0.0.1:0 --http 127.0.0.1:0 and waits (30 s)
  // until it logs the ports it bound. On failure the error carries the node's log.
  static absl::StatusOr<std::unique_ptr<NodeProcess>> Start(const Options& options);
  // SIGKILLs the node if it is still running.
  ~NodeProcess();
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  std::string address() const;  // "127.0.0.1:PORT", for --node and the Client
  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_port_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  const Options& options() const { return options_; }
  bool Running() { return process_ && process_->Running(); }

  // SIGKILL, then reap: a crash.
  void Kill();
  // SIGTERM, and wait (30 s, then SIGKILL). Returns the exit code (128 + N when
  // killed by signal N); the code it exited with when it had already exited.
  int Stop();
  // Everything the node has logged (stdout and stderr) since it started.
  std::string Log() const;

 private:
  NodeProcess() = default;

  Options options_;
  std::unique_ptr<ChildProcess> process_;
  int grpc_port_ = 0;
  int http_port_ = 0;
};

std::string NodeBinary();
std::string CliBinary();

// Reads a whole file ("" when missing).
std::string ReadFile(const std::string& path);
// Writes `content` to `path`, replacing it; false on failure.
bool WriteFile(const std::string& path, const std::string& content);

}  // namespace pacto

#endif  // PACTO_TESTS_SUPPORT_PROCESSES_H_
