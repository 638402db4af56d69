// pacto-node's configuration: defaults, then a text-format pacto.v1.NodeConfig file
// (--config), then command-line flags, which win. Every flag is a NodeConfig field:
// `--sync-interval 5s` sets sync_interval; `--peers a:1,b:2` sets the repeated peers.
#ifndef PACTO_NODE_SERVER_NODE_CONFIG_H_
#define PACTO_NODE_SERVER_NODE_CONFIG_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pacto/v1/config.pb.h"

namespace pacto {

v1::NodeConfig DefaultNodeConfig();

// What the command line asked for besides a configuration.
struct NodeCommand {
  v1::NodeConfig config;
  // The --config file ("" when none), and the line (from 1) of each field it set that
  // no flag overrides, so that an error about a value can point into the file.
  std::string config_path;
  std::map<std::string, int> file_lines;
  bool print_default_config = false;
  bool help = false;
  bool version = false;
};

// Parses argv (without the program name). Errors are INVALID_ARGUMENT naming the flag,
// or the config file with its line and column.
absl::StatusOr<NodeCommand> ParseNodeCommand(int argc, const char* const* argv);

// Checks every field; INVALID_ARGUMENT naming the flag.
absl::Status ValidateNodeConfig(const v1::NodeConfig& config);

// ValidateNodeConfig(command.config), except that an error about a value that came
// from the config file names the file, the line and the field instead of the flag:
//   --config /etc/pacto/node.conf, line 7: sync_interval: 'often' is not a positive ...
absl::Status ValidateNodeCommand(const NodeCommand& command);

// The config in text format, as --config reads it.
std::string FormatNodeConfig(const v1::NodeConfig& config);

// What --print-default-config prints: the defaults, then every other field commented
// out, so that the text is a complete starting point for a config file.
std::string DefaultConfigText();

// The usage text of pacto-node.
std::string NodeUsage();

absl::StatusOr<absl::Duration> SyncInterval(const v1::NodeConfig& config);

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_NODE_CONFIG_H_
