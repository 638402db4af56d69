#include "tests/support/processes.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

extern char** environ;

namespace pacto {
namespace {

std::string ScratchRoot() {
  const char* dir = getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

// The value of `key=VALUE` in a logfmt line, or "".
std::string LogValue(absl::string_view line, absl::string_view key) {
  for (absl::string_view field : absl::StrSplit(line, ' ')) {
    if (absl::ConsumePrefix(&field, key) && absl::ConsumePrefix(&field, "=")) {
      return std::string(field);
    }
  }
  return "";
}

// The port at the end of "host:PORT" or "PORT"; 0 when there is none.
int PortOf(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon != absl::string_view::npos) address.remove_prefix(colon + 1);
  int port = 0;
  return absl::SimpleAtoi(address, &port) ? port : 0;
}

// The environment for a child: ours, minus what could point the CLI elsewhere.
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    absl::string_view entry(*e);
    if (absl::StartsWith(entry, "PACTO_NODE=") || absl::StartsWith(entry, "PACTO_TOKEN=")) {
      continue;
    }
    env.emplace_back(entry);
  }
  return env;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string NodeBinary() { return PACTO_NODE_BIN; }
std::string CliBinary() { return PACTO_CLI_BIN; }

ScratchDir::ScratchDir() {
  std::string pattern = ScratchRoot() + "/pacto-test.XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  if (!path_.empty() && getenv("PACTO_KEEP_TMP") == nullptr) {
    std::filesystem::remove_all(path_, ignored);
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  return out.good();
}

// --- ChildProcess --------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::string& program, const std::vector<std::string>& args, const std::string& input) {
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->dir_ = std::make_unique<ScratchDir>();
  if (child->dir_->path().empty()) return absl::InternalError("cannot create a scratch dir");
  const std::string in_path = input.empty() ? "/dev/null" : child->dir_->Sub("stdin");
  if (!input.empty() && !WriteFile(in_path, input)) {
    return absl::InternalError(absl::StrCat("cannot write ", in_path));
  }

  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls are allowed (the test may have other threads).
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::vector<std::string> env_strings = ChildEnvironment();
  std::vector<char*> envp;
  for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  const int in_fd = open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  const int out_fd =
      open(child->dir_->Sub("stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd =
      open(child->dir_->Sub("stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
    for (int fd : {in_fd, out_fd, err_fd}) {
      if (fd >= 0) close(fd);
    }
    return absl::InternalError(absl::StrCat("cannot open the child's files: ", strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // A process group of its own, so signals meant for the test never reach it, and
    // death with the test, so a crashed test leaves no node behind.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    execve(program.c_str(), argv.data(), envp.data());
    // Only async-signal-safe calls here: say which program could not run, and why.
    const char prefix[] = "processes.cc: cannot exec ";
    const char* name = argv[0];
    const char* reason = errno == ENOENT    ? " (no such file)\n"
                         : errno == ETXTBSY ? " (being written: a build is relinking it?)\n"
                         : errno == EACCES  ? " (permission denied)\n"
                                            : "\n";
    [[maybe_unused]] ssize_t ignored = write(2, prefix, sizeof(prefix) - 1);
    ignored = write(2, name, strlen(name));
    ignored = write(2, reason, strlen(reason));
    _exit(127);
  }
  const int fork_errno = errno;
  close(in_fd);
  close(out_fd);
  close(err_fd);
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(fork_errno)));
  child->pid_ = pid;
  return child;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

void ChildProcess::Reaped(int status) {
  exit_code_ = ExitCode(status);
  pid_ = -1;
}

bool ChildProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) Reaped(status);
  return pid_ > 0;
}

void ChildProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

CommandResult ChildProcess::Wait(absl::Duration timeout) {
  CommandResult result;
  const absl::Time deadline = absl::Now() + timeout;
  // Short naps first: most CLI commands finish within a few milliseconds.
  absl::Duration nap = absl::Microseconds(100);
  while (Running() && absl::Now() < deadline) {
    absl::SleepFor(nap);
    nap = std::min(nap * 2, absl::Milliseconds(10));
  }
  if (pid_ > 0) {
    result.timed_out = true;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    Reaped(status);
  }
  result.exit_code = exit_code_;
  result.out = Out();
  result.err = Err();
  return result;
}

std::string ChildProcess::Out() const { return ReadFile(dir_->Sub("stdout")); }
std::string ChildProcess::Err() const { return ReadFile(dir_->Sub("stderr")); }

CommandResult RunCommand(const std::string& program, const std::vector<std::string>& args,
                         const std::string& input, absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(program, args, input);
  if (!child.ok()) {
    CommandResult failed;
    failed.err = std::string(child.status().message());
    return failed;
  }
  return (*child)->Wait(timeout);
}

CommandResult RunCli(const std::vector<std::string>& args, const std::string& input) {
  return RunCommand(CliBinary(), args, input);
}

absl::StatusOr<std::unique_ptr<ChildProcess>> StartCli(const std::vector<std::string>& args) {
  return ChildProcess::Start(CliBinary(), args);
}

// --- NodeProcess ---------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<NodeProcess>> NodeProcess::Start(const Options& options) {
  std::unique_ptr<NodeProcess> node(new NodeProcess());
  node->options_ = options;
  std::vector<std::string> args = {"--data-dir",  options.data_dir, "--listen",
                                   "127.0.0.1:0", "--http",         "127.0.0.1:0"};
  if (!options.node_id.empty()) args.insert(args.end(), {"--node-id", options.node_id});
  if (!options.region.empty()) args.insert(args.end(), {"--region", options.region});
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(NodeBinary(), args);
  if (!process.ok()) return process.status();
  node->process_ = *std::move(process);

  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    const std::string log = node->Log();
    for (absl::string_view line : absl::StrSplit(log, '\n')) {
      if (!absl::StrContains(line, " msg=listening ")) continue;
      node->grpc_port_ = PortOf(LogValue(line, "grpc"));
      node->http_port_ = PortOf(LogValue(line, "http"));
      if (node->grpc_port_ > 0) return node;
      return absl::InternalError(absl::StrCat("no gRPC port in the listening line: ", line));
    }
    if (!node->process_->Running()) {
      const int exit_code = node->process_->Wait().exit_code;
      return absl::FailedPreconditionError(absl::StrCat(
          "pacto-node exited with code ", exit_code, " before listening; its log:\n", node->Log()));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("pacto-node did not listen within 30 s; its log:\n", node->Log()));
}

NodeProcess::~NodeProcess() { Kill(); }

std::string NodeProcess::address() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

std::string NodeProcess::Log() const {
  return process_ ? absl::StrCat(process_->Err(), process_->Out()) : "";
}

void NodeProcess::Kill() {
  if (process_ && process_->Running()) {
    process_->Signal(SIGKILL);
    process_->Wait();
  }
}

int NodeProcess::Stop() {
  if (!process_) return -1;
  process_->Signal(SIGTERM);  // no-op when it has exited already
  return process_->Wait(absl::Seconds(30)).exit_code;
}

}  // namespace pacto
