#include "client/cli/app.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/cli/commands.h"
#include "client/cli/error_line.h"
#include "client/cli/printer.h"
#include "client/cli/wait_for.h"
#include "client/lib/pacto_client.h"
#include "common/args.h"
#include "common/status_macros.h"

namespace pacto::cli {
namespace {

// A command line checked against its command's spec.
struct Invocation {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> operands;
};

std::string Words(const std::vector<std::string>& positional, size_t n) {
  return absl::StrJoin(positional.begin(), positional.begin() + std::min(n, positional.size()),
                       " ");
}

absl::Status UnknownCommand(const std::vector<std::string>& positional) {
  if (IsCommandGroup(positional[0]) && positional.size() == 1) {
    std::vector<std::string> choices;
    for (const CommandSpec& spec : AllCommands()) {
      if (absl::StartsWith(spec.name, positional[0] + " ")) {
        choices.push_back(spec.name.substr(positional[0].size() + 1));
      }
    }
    return absl::InvalidArgumentError(absl::StrCat("'", positional[0], "' needs a command (",
                                                   absl::StrJoin(choices, ", "),
                                                   "); run pacto help"));
  }
  const size_t words = IsCommandGroup(positional[0]) ? 2 : 1;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown command '", Words(positional, words), "'; run pacto help"));
}

// Finds the command and checks the line against its spec.
absl::StatusOr<Invocation> Check(const Args& args) {
  const std::vector<std::string>& positional = args.positional();
  if (positional.empty()) {
    return absl::InvalidArgumentError("no command given; run pacto help");
  }
  Invocation invocation;
  invocation.spec = FindCommand(positional);
  if (invocation.spec == nullptr) return UnknownCommand(positional);
  const CommandSpec& spec = *invocation.spec;

  std::set<std::string> allowed = GlobalFlags();
  allowed.insert(spec.required_flags.begin(), spec.required_flags.end());
  allowed.insert(spec.optional_flags.begin(), spec.optional_flags.end());
  PACTO_RETURN_IF_ERROR(args.OnlyAllow(allowed, spec.name));

  const size_t name_words = std::count(spec.name.begin(), spec.name.end(), ' ') + 1;
  invocation.operands.assign(positional.begin() + name_words, positional.end());
  const std::string usage = absl::StrCat("usage: ", UsageLine(spec));
  const size_t needed = spec.operands.size() - (spec.last_operand_optional ? 1 : 0);
  if (invocation.operands.size() < needed) {
    return absl::InvalidArgumentError(absl::StrCat(
        spec.name, ": missing ", spec.operands[invocation.operands.size()], "; ", usage));
  }
  if (invocation.operands.size() > spec.operands.size()) {
    return absl::InvalidArgumentError(absl::StrCat(spec.name, ": unexpected argument '",
                                                   invocation.operands[spec.operands.size()], "'; ",
                                                   usage));
  }
  for (const std::string& flag : spec.required_flags) {
    if (!args.Has(flag)) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, " is required"));
    }
  }
  if (!spec.any_of_flags.empty()) {
    bool any = false;
    for (const std::string& flag : spec.any_of_flags) any = any || args.Has(flag);
    if (!any) {
      return absl::InvalidArgumentError(absl::StrCat(spec.name, ": give at least one of --",
                                                     absl::StrJoin(spec.any_of_flags, ", --")));
    }
  }
  if (args.Has("json") && args.Has("csv")) {
    return absl::InvalidArgumentError("--json and --csv cannot be used together");
  }
  if (args.Has("wait-for") && args.Has("wait-for-node")) {
    return absl::InvalidArgumentError("--wait-for and --wait-for-node cannot be used together");
  }
  if (spec.offline && (args.Has("wait-for") || args.Has("wait-for-node"))) {
    return absl::InvalidArgumentError(
        absl::StrCat(spec.name, ": runs without a node; --wait-for does not apply"));
  }
  if (args.Has("wait-for")) {
    PACTO_RETURN_IF_ERROR(ParseWantedVector(args.Get("wait-for")).status());
  }
  if (args.Has("wait-for-node") && args.Get("wait-for-node").empty()) {
    return absl::InvalidArgumentError("--wait-for-node must not be empty");
  }
  return invocation;
}

// The flag's value, else the environment variable's when set and not empty, else
// `fallback`.
std::string FlagOrEnv(const Args& args, const char* flag, const char* env, const Io& io,
                      absl::string_view fallback) {
  if (args.Has(flag)) return args.Get(flag);
  if (io.getenv) {
    std::optional<std::string> value = io.getenv(env);
    if (value.has_value() && !value->empty()) return *value;
  }
  return std::string(fallback);
}

absl::StatusOr<ClientOptions> Options(const Args& args, const Io& io) {
  ClientOptions options;
  options.address = FlagOrEnv(args, "node", "PACTO_NODE", io, kDefaultNode);
  if (options.address.empty()) return absl::InvalidArgumentError("--node must not be empty");
  options.token = FlagOrEnv(args, "token", "PACTO_TOKEN", io, "");
  options.ca_file = FlagOrEnv(args, "ca", "PACTO_CA", io, "");
  options.cert_file = FlagOrEnv(args, "cert", "PACTO_CERT", io, "");
  options.key_file = FlagOrEnv(args, "key", "PACTO_KEY", io, "");
  if (args.Has("timeout")) {
    absl::Duration timeout;
    if (!absl::ParseDuration(args.Get("timeout"), &timeout)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--timeout: '", args.Get("timeout"), "' is not a duration (e.g. 30s, 2m)"));
    }
    if (timeout <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--timeout must be positive");
    }
    // Given explicitly, it bounds a whole import, streamed report or export too.
    options.deadline = timeout;
    options.import_deadline = timeout;
    options.stream_deadline = timeout;
  }
  return options;
}

// --wait-for / --wait-for-node (wait_for.h): waits until the node `client` talks to has
// applied what the flag names; OK at once when neither is given.
absl::Status WaitIfAsked(const Args& args, const ClientOptions& options, const Client& client) {
  WantedVector want;
  if (args.Has("wait-for")) {
    PACTO_ASSIGN_OR_RETURN(want, ParseWantedVector(args.Get("wait-for")));
  } else if (args.Has("wait-for-node")) {
    ClientOptions other = options;
    other.address = args.Get("wait-for-node");
    absl::StatusOr<std::unique_ptr<Client>> source = Client::Connect(other);
    if (!source.ok()) return source.status();
    PACTO_ASSIGN_OR_RETURN(want, CurrentVector(**source));
  } else {
    return absl::OkStatus();
  }
  return WaitForVector(client, want, options.deadline);
}

int Fail(const Io& io, const absl::Status& status, int exit_code) {
  *io.err << ErrorLine(status) << std::endl;
  return exit_code;
}

}  // namespace

int Run(const std::vector<std::string>& args_in, const Io& io) {
  std::vector<const char*> argv;
  for (const std::string& arg : args_in) argv.push_back(arg.c_str());
  absl::StatusOr<Args> args = Args::Parse(static_cast<int>(argv.size()), argv.data(), ParseSpec());
  if (!args.ok()) return Fail(io, args.status(), kExitUsage);

  const std::vector<std::string>& positional = args->positional();
  const bool help_verb = !positional.empty() && positional[0] == "help";
  if (help_verb || args->Has("help")) {
    const size_t topic = help_verb ? 1 : 0;
    *io.out << HelpText(topic < positional.size() ? positional[topic] : "") << std::flush;
    return kExitOk;
  }

  absl::StatusOr<Invocation> invocation = Check(*args);
  if (!invocation.ok()) return Fail(io, invocation.status(), kExitUsage);
  // An offline command gets a client that is never used (connecting is lazy).
  absl::StatusOr<ClientOptions> options =
      invocation->spec->offline ? ClientOptions() : Options(*args, io);
  if (!options.ok()) return Fail(io, options.status(), kExitUsage);

  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(*options);
  if (!client.ok()) return Fail(io, client.status(), kExitFailure);

  const OutputFormat format = args->Has("json")  ? OutputFormat::kJson
                              : args->Has("csv") ? OutputFormat::kCsv
                                                 : OutputFormat::kText;
  if (absl::Status waited = WaitIfAsked(*args, *options, **client); !waited.ok()) {
    return Fail(io, waited, kExitFailure);
  }
  Printer printer(format, io.out);
  CommandContext context{.args = *args,
                         .operands = invocation->operands,
                         .client = **client,
                         .printer = printer,
                         .err = *io.err,
                         .err_is_terminal = io.err_is_terminal};
  absl::Status status = invocation->spec->run(context);
  if (!status.ok()) return Fail(io, status, kExitFailure);
  return kExitOk;
}

int Main(int argc, char** argv) {
  Io io{.out = &std::cout,
        .err = &std::cerr,
        .err_is_terminal = isatty(STDERR_FILENO) == 1,
        .getenv = [](const char* name) -> std::optional<std::string> {
          const char* value = std::getenv(name);
          if (value == nullptr) return std::nullopt;
          return std::string(value);
        }};
  return Run(std::vector<std::string>(argv + 1, argv + argc), io);
}

}  // namespace pacto::cli
