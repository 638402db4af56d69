// A `pacto` command: what it is called, what it takes, and the function that runs it.
//
// The app (app.h) checks the command line against the spec before `run` is called, so
// `run` may assume its operands and required flags are present. `run` builds the
// request, calls the node through the Client and prints the result through the
// Printer; it returns the error to report, if any.
#ifndef PACTO_CLIENT_CLI_COMMAND_H_
#define PACTO_CLIENT_CLI_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/cli/printer.h"
#include "client/lib/pacto_client.h"
#include "common/args.h"

namespace pacto::cli {

struct CommandContext {
  const Args& args;
  // The positional arguments after the command's own words.
  const std::vector<std::string>& operands;
  const Client& client;
  Printer& printer;
  std::ostream& err;
  // Whether `err` is a terminal (a progress bar may be drawn on it).
  bool err_is_terminal;
};

struct CommandSpec {
  // The command's words, e.g. "member enrol" or "affiliate".
  std::string name;
  // What follows the name in the help, e.g. "ID --to CHAPTER_ID [--date DATE]".
  std::string usage;
  // One sentence for the help.
  std::string summary;
  // Names of the positional arguments, in order, as the usage shows them.
  std::vector<std::string> operands;
  // Whether the last of `operands` may be left out (the command then needs a flag
  // in its place, which `run` checks).
  bool last_operand_optional = false;
  // Flags (without "--") the command needs, in the order they are checked.
  std::vector<std::string> required_flags;
  // Other flags it accepts, besides the global ones.
  std::vector<std::string> optional_flags;
  // When not empty, at least one of these (optional) flags must be given.
  std::vector<std::string> any_of_flags;
  // Runs without a node: no connection is made and the connection flags are ignored.
  bool offline = false;
  absl::Status (*run)(CommandContext& context);
};

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_COMMAND_H_
