// pacto-node: parses flags, starts a Node, waits for SIGTERM or SIGINT, shuts down.
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/version.h"
#include "node/base/log.h"
#include "node/server/node.h"
#include "node/server/node_config.h"

int main(int argc, char** argv) {
  // Everything the node creates is its user's alone: the data dir, and backups, which
  // RocksDB writes with the process umask (0600 files in 0700 directories).
  umask(077);
  // Block the shutdown signals in every thread; main waits for them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Debian's Abseil is built with mutex deadlock detection on, which costs every
  // lock a graph update; the node's lock order is simple and tested without it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  absl::StatusOr<pacto::NodeCommand> command = pacto::ParseNodeCommand(argc - 1, argv + 1);
  if (!command.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(command.status().message()).c_str());
    return 2;
  }
  if (command->help) {
    std::cout << pacto::NodeUsage();
    return 0;
  }
  if (command->version) {
    std::cout << "pacto-node " << pacto::kPactoVersion << "\n";
    return 0;
  }
  if (command->print_default_config) {
    std::cout << pacto::DefaultConfigText();
    return 0;
  }
  const pacto::v1::NodeConfig& config = command->config;
  if (absl::Status valid = pacto::ValidateNodeCommand(*command); !valid.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(valid.message()).c_str());
    return 2;
  }
  pacto::LogLevel level;
  pacto::ParseLogLevel(config.log_level(), &level);
  pacto::SetLogLevel(level);

  absl::StatusOr<std::unique_ptr<pacto::Node>> node = pacto::Node::Start(config);
  if (!node.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(node.status().message()).c_str());
    return 1;
  }
  if ((*node)->development_mode()) {
    pacto::LogWarning(
        "development mode: plaintext gRPC, no authentication, built-in federation key unless "
        "--federation-key-file is given; never use it for real membership data");
  } else {
    pacto::LogInfo("security: mutual TLS under the federation CA, bearer tokens required",
                   {{"ca", config.tls_ca()},
                    {"crl_dir", config.tls_crl_dir().empty() ? "none" : config.tls_crl_dir()}});
    if (config.federation_key_file().empty()) {
      pacto::LogWarning(
          "no --federation-key-file: person ids are derived with the built-in development "
          "key, which lets anyone who sees an id guess the national id behind it");
    }
  }
  if (!(*node)->encrypted()) {
    pacto::LogWarning("data at rest is not encrypted (no --encryption-key-file)");
  }
  const std::string host = config.listen().substr(0, config.listen().rfind(':'));
  pacto::LogInfo("listening", {{"node", (*node)->node_id()},
                               {"region", (*node)->region()},
                               {"grpc", absl::StrCat(host, ":", (*node)->grpc_port())},
                               {"http", absl::StrCat((*node)->http_port())},
                               {"data_dir", config.data_dir()},
                               {"version", pacto::kPactoVersion}});

  int received = 0;
  sigwait(&signals, &received);
  pacto::LogInfo("shutting down", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
  (*node)->Shutdown();
  pacto::LogInfo("stopped");
  return 0;
}
