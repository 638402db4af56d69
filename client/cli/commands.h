// The catalogue of `pacto` commands (DESIGN §2.1): every CommandSpec, the flags they
// take, how a command line finds its command, and the help text made from them.
#ifndef PACTO_CLIENT_CLI_COMMANDS_H_
#define PACTO_CLIENT_CLI_COMMANDS_H_

#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "client/cli/command.h"
#include "common/args.h"

namespace pacto::cli {

// Every command, in the order the help lists them.
const std::vector<CommandSpec>& AllCommands();

// Flags every command accepts: node, token, ca, cert, key, timeout, json, csv, help,
// wait-for, wait-for-node.
const std::set<std::string>& GlobalFlags();

// The flags taking no value: json, csv, help, all, current,
// allow-multiple-confederations.
const std::set<std::string>& BoolFlags();

// An Args::Spec that accepts every flag of every command, so the line can be parsed
// before the command is known (global flags may come anywhere).
Args::Spec ParseSpec();

// The command whose words start `positional` (e.g. {"member", "show", "mb-1"} finds
// "member show"), or nullptr.
const CommandSpec* FindCommand(const std::vector<std::string>& positional);

// Whether `word` is the first word of some two-word command ("member", "node", ...).
bool IsCommandGroup(absl::string_view word);

// "pacto NAME USAGE", e.g. "pacto chapter show ID".
std::string UsageLine(const CommandSpec& spec);

// The help: usage, the commands (only those whose first word is `topic`, when some
// are), the global flags and the exit codes.
std::string HelpText(absl::string_view topic = "");

// The commands of each group, defined next to the functions that run them.
std::vector<CommandSpec> RegionCommands();
std::vector<CommandSpec> ChapterCommands();
std::vector<CommandSpec> AffiliationCommands();
std::vector<CommandSpec> MemberCommands();
CommandSpec MemberImportCommand();
CommandSpec MemberExportCommand();
std::vector<CommandSpec> OfficerCommands();
std::vector<CommandSpec> FormationCommands();
std::vector<CommandSpec> ReportCommands();
std::vector<CommandSpec> NodeCommands();
std::vector<CommandSpec> AuditCommands();
std::vector<CommandSpec> TokenCommands();

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_COMMANDS_H_
