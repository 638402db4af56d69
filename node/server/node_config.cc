#include "node/server/node_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/args.h"
#include "common/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "node/base/log.h"
#include "node/reports/report_context.h"
#include "node/security/node_security.h"

namespace pacto {
namespace {

using google::protobuf::FieldDescriptor;

std::string FlagName(const FieldDescriptor* field) {
  return absl::StrReplaceAll(field->name(), {{"_", "-"}});
}

class ConfigErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first_.empty())
      first_ = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

// Merges the file into `config`; `lines` gets the line (from 1) of each field it sets.
absl::Status ReadConfigFile(const std::string& path, v1::NodeConfig* config,
                            std::map<std::string, int>* lines) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--config: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::TextFormat::Parser parser;
  ConfigErrors errors;
  parser.RecordErrorsTo(&errors);
  google::protobuf::TextFormat::ParseInfoTree locations;
  parser.WriteLocationsTo(&locations);
  v1::NodeConfig from_file;
  if (!parser.ParseFromString(text.str(), &from_file)) {
    return absl::InvalidArgumentError(absl::StrCat("--config ", path, ": ", errors.first()));
  }
  const auto* descriptor = v1::NodeConfig::descriptor();
  const auto* reflection = from_file.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const bool set = field->is_repeated() ? reflection->FieldSize(from_file, field) > 0
                                          : reflection->HasField(from_file, field);
    const int line = locations.GetLocation(field, field->is_repeated() ? 0 : -1).line;
    if (set && line >= 0) (*lines)[field->name()] = line + 1;
  }
  config->MergeFrom(from_file);
  if (from_file.peers_size() > 0) *config->mutable_peers() = from_file.peers();
  return absl::OkStatus();
}

absl::Status CheckAddress(absl::string_view flag, absl::string_view address) {
  size_t colon = address.rfind(':');
  uint32_t port = 0;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": '", address, "' is not host:port"));
  }
  return absl::OkStatus();
}

}  // namespace

v1::NodeConfig DefaultNodeConfig() {
  v1::NodeConfig config;
  config.set_data_dir("./pacto-data");
  config.set_listen("127.0.0.1:7400");
  config.set_http("127.0.0.1:7480");
  config.set_sync_interval("5s");
  config.set_log_level("info");
  config.set_log_retention("1000000");
  return config;
}

absl::StatusOr<NodeCommand> ParseNodeCommand(int argc, const char* const* argv) {
  Args::Spec spec;
  spec.bool_flags = {"print-default-config", "help", "version"};
  spec.value_flags = {"config"};
  const auto* descriptor = v1::NodeConfig::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    spec.value_flags.insert(FlagName(descriptor->field(i)));
  }
  PACTO_ASSIGN_OR_RETURN(Args args, Args::Parse(argc, argv, spec));
  if (!args.positional().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", args.positional()[0], "'; flags only"));
  }
  NodeCommand command;
  command.print_default_config = args.Has("print-default-config");
  command.help = args.Has("help");
  command.version = args.Has("version");
  command.config = DefaultNodeConfig();
  if (args.Has("config")) {
    command.config_path = args.Get("config");
    PACTO_RETURN_IF_ERROR(
        ReadConfigFile(command.config_path, &command.config, &command.file_lines));
  }

  const auto* reflection = command.config.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const std::string flag = FlagName(field);
    if (!args.Has(flag)) continue;
    command.file_lines.erase(field->name());
    const std::string value = args.Get(flag);
    if (field->is_repeated()) {
      reflection->ClearField(&command.config, field);
      for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        reflection->AddString(&command.config, field,
                              std::string(absl::StripAsciiWhitespace(part)));
      }
    } else {
      reflection->SetString(&command.config, field, value);
    }
  }
  return command;
}

absl::StatusOr<absl::Duration> SyncInterval(const v1::NodeConfig& config) {
  absl::Duration d;
  if (!absl::ParseDuration(config.sync_interval(), &d) || d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--sync-interval: '", config.sync_interval(),
                     "' is not a positive duration like 200ms or 5s"));
  }
  return d;
}

absl::Status ValidateNodeConfig(const v1::NodeConfig& config) {
  if (config.data_dir().empty()) return absl::InvalidArgumentError("--data-dir: must not be empty");
  for (char c : config.node_id()) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return absl::InvalidArgumentError(
          "--node-id: only letters, digits, '-', '_' and '.' are allowed");
    }
  }
  if (config.node_id().size() > 64) {
    return absl::InvalidArgumentError("--node-id: longer than 64 characters");
  }
  for (char c : config.region()) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return absl::InvalidArgumentError("--region: only letters, digits and '-' are allowed");
    }
  }
  PACTO_RETURN_IF_ERROR(CheckAddress("listen", config.listen()));
  if (config.http() != "off") PACTO_RETURN_IF_ERROR(CheckAddress("http", config.http()));
  for (const std::string& peer : config.peers()) PACTO_RETURN_IF_ERROR(CheckAddress("peers", peer));
  PACTO_RETURN_IF_ERROR(SyncInterval(config).status());
  if (!config.advertise().empty())
    PACTO_RETURN_IF_ERROR(CheckAddress("advertise", config.advertise()));
  if (!config.required_roles().empty()) {
    absl::StatusOr<RequiredRoleMap> roles = ParseRequiredRoles(config.required_roles());
    if (!roles.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--required-roles: ", roles.status().message()));
    }
  }
  uint64_t retention = 0;
  if (!config.log_retention().empty() && !absl::SimpleAtoi(config.log_retention(), &retention)) {
    return absl::InvalidArgumentError("--log-retention: must be a number of log entries");
  }
  LogLevel level;
  if (!ParseLogLevel(config.log_level(), &level)) {
    return absl::InvalidArgumentError("--log-level: must be debug, info, warning or error");
  }
  PACTO_RETURN_IF_ERROR(ValidateSecurityFlags(config));
  return absl::OkStatus();
}

absl::Status ValidateNodeCommand(const NodeCommand& command) {
  absl::Status status = ValidateNodeConfig(command.config);
  if (status.ok() || command.file_lines.empty()) return status;
  // Every error begins with the flag it is about: "--sync-interval: ..." or
  // "--tls-cert, --tls-key and ...". Point into the file when the value is the file's.
  absl::string_view message = status.message();
  if (!absl::ConsumePrefix(&message, "--")) return status;
  const size_t end = std::min(message.find_first_of(":, "), message.size());
  const std::string field = absl::StrReplaceAll(message.substr(0, end), {{"-", "_"}});
  auto line = command.file_lines.find(field);
  if (line == command.file_lines.end()) return status;
  const std::string where = absl::StrCat("--config ", command.config_path, ", line ", line->second);
  if (end < message.size() && message[end] == ':') {
    return absl::Status(status.code(),
                        absl::StrCat(where, ": ", field, ":", message.substr(end + 1)));
  }
  return absl::Status(status.code(), absl::StrCat(status.message(), " (", field, ": ", where, ")"));
}

std::string FormatNodeConfig(const v1::NodeConfig& config) {
  std::string text;
  google::protobuf::TextFormat::Printer printer;
  printer.PrintToString(config, &text);
  return text;
}

std::string DefaultConfigText() {
  const v1::NodeConfig defaults = DefaultNodeConfig();
  std::string text =
      "# pacto-node configuration: text-format pacto.v1.NodeConfig (proto/pacto/v1/config.proto).\n"
      "# Use it with `pacto-node --config FILE`; a flag given on the command line wins over\n"
      "# the file. Fields with no default are commented out.\n";
  absl::StrAppend(&text, FormatNodeConfig(defaults));
  const auto* descriptor = v1::NodeConfig::descriptor();
  const auto* reflection = defaults.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated() ? reflection->FieldSize(defaults, field) > 0
                             : reflection->HasField(defaults, field)) {
      continue;
    }
    absl::StrAppend(&text, "# ", field->name(), ": \"\"\n");
  }
  return text;
}

std::string NodeUsage() {
  std::string usage =
      "usage: pacto-node [--config FILE] [flags]\n"
      "Runs one Pacto registry node. With no flags: data in ./pacto-data, gRPC on\n"
      "127.0.0.1:7400, HTTP (metrics, health) on 127.0.0.1:7480, development mode.\n"
      "Security (DESIGN §6): --tls-cert, --tls-key, --tls-ca and --token-pubkey turn on\n"
      "mutual TLS and bearer tokens (deploy/certs.sh makes the files); the node's id and\n"
      "region then come from its certificate. --tls-crl-dir refuses revoked certificates.\n"
      "--encryption-key-file (32 raw bytes or 64 hex digits) encrypts the data at rest.\n\n"
      "flags (each is also a field of the --config file, pacto.v1.NodeConfig):\n";
  const auto* descriptor = v1::NodeConfig::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    absl::StrAppend(&usage, "  --", FlagName(descriptor->field(i)), "\n");
  }
  absl::StrAppend(&usage,
                  "  --config FILE             text-format NodeConfig; flags override it\n"
                  "  --print-default-config    print the defaults in that format and exit\n"
                  "  --version, --help\n");
  return usage;
}

}  // namespace pacto
