#include "client/cli/commands.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace pacto::cli {
namespace {

std::vector<std::string> Words(absl::string_view name) { return absl::StrSplit(name, ' '); }

constexpr absl::string_view kGlobalFlagHelp =
    R"help(Global flags (anywhere on the line):
  --node ADDR         the node to talk to (env PACTO_NODE; default 127.0.0.1:7400)
  --token TOKEN       bearer token sent with every call (env PACTO_TOKEN); made by
                      pacto token mint
  --ca FILE           CA certificate (PEM); turns TLS on (env PACTO_CA)
  --cert FILE         client certificate (PEM) for mutual TLS; needs --key and --ca
                      (env PACTO_CERT)
  --key FILE          the client certificate's private key (PEM) (env PACTO_KEY)
  --timeout DURATION  deadline of each call, e.g. 500ms, 30s, 2m (default 30s; 1h for
                      an import, a streamed report or an export)
  --wait-for VECTOR   before the command, wait (up to --timeout) until the node has
                      applied the writes VECTOR names, e.g. bo-1=1552,lpz-1=2 (as
                      node status and a report's "as of" line print it)
  --wait-for-node ADDR  the same with the version vector node ADDR has now: what
                      was written on ADDR so far is seen by the command
  --json              print the node's response as proto3 JSON
  --csv               print lists, records and reports as CSV with a header row
  --help              show this help

Reports are answered by the node asked, from its own replica. Their text ends with
"as of node NODE at TIME (version vector)" and, when some regions' newest data there is
older than --stale-after (default 24h), "stale: CODE, ... (no news for 24h)"; --json
has the same in its "header". --csv prints the rows only (summary: as metric rows too).

member export writes FILE.csv only once complete, readable by its owner alone (it holds
person data), and prints "exported N members of region CODE to FILE.csv" (--json:
{"region":CODE,"file":FILE,"rows":N}); FILE - writes the CSV to stdout, that line to
stderr.

Exit status: 0 on success; 1 when the command failed (one "error: CODE: message" line
on stderr); 2 when the command line is wrong (unknown command or flag, missing argument).
)help";

}  // namespace

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec>* const commands = [] {
    auto* all = new std::vector<CommandSpec>;
    for (auto group :
         {RegionCommands, ChapterCommands, AffiliationCommands, MemberCommands, OfficerCommands,
          FormationCommands, ReportCommands, NodeCommands, AuditCommands, TokenCommands}) {
      for (CommandSpec& spec : group()) all->push_back(std::move(spec));
    }
    return all;
  }();
  return *commands;
}

const std::set<std::string>& GlobalFlags() {
  static const std::set<std::string>* const flags =
      new std::set<std::string>{"node", "token", "ca",   "cert",     "key",          "timeout",
                                "json", "csv",   "help", "wait-for", "wait-for-node"};
  return *flags;
}

const std::set<std::string>& BoolFlags() {
  static const std::set<std::string>* const flags = new std::set<std::string>{
      "json", "csv", "help", "all", "current", "allow-multiple-confederations"};
  return *flags;
}

Args::Spec ParseSpec() {
  std::set<std::string> all = GlobalFlags();
  for (const CommandSpec& spec : AllCommands()) {
    all.insert(spec.required_flags.begin(), spec.required_flags.end());
    all.insert(spec.optional_flags.begin(), spec.optional_flags.end());
  }
  Args::Spec parse_spec;
  for (const std::string& flag : all) {
    if (BoolFlags().count(flag)) {
      parse_spec.bool_flags.insert(flag);
    } else {
      parse_spec.value_flags.insert(flag);
    }
  }
  return parse_spec;
}

const CommandSpec* FindCommand(const std::vector<std::string>& positional) {
  const CommandSpec* found = nullptr;
  size_t found_words = 0;
  for (const CommandSpec& spec : AllCommands()) {
    const std::vector<std::string> words = Words(spec.name);
    if (words.size() > positional.size() || words.size() <= found_words) continue;
    if (std::equal(words.begin(), words.end(), positional.begin())) {
      found = &spec;
      found_words = words.size();
    }
  }
  return found;
}

bool IsCommandGroup(absl::string_view word) {
  for (const CommandSpec& spec : AllCommands()) {
    const std::vector<std::string> words = Words(spec.name);
    if (words.size() > 1 && words[0] == word) return true;
  }
  return false;
}

std::string UsageLine(const CommandSpec& spec) {
  return absl::StrCat("pacto ", spec.name, spec.usage.empty() ? "" : " ", spec.usage);
}

std::string HelpText(absl::string_view topic) {
  bool topic_known = false;
  for (const CommandSpec& spec : AllCommands()) {
    if (Words(spec.name)[0] == topic) topic_known = true;
  }
  std::string text =
      "pacto: the command-line client of a Pacto registry node.\n\n"
      "Usage: pacto [global flags] COMMAND [arguments] [flags]\n\nCommands:\n";
  for (const CommandSpec& spec : AllCommands()) {
    if (topic_known && Words(spec.name)[0] != topic) continue;
    absl::StrAppend(&text, "  ", UsageLine(spec), "\n      ", spec.summary, "\n");
  }
  absl::StrAppend(&text, "  pacto help [COMMAND]\n      Show this help, or only COMMAND's.\n\n",
                  kGlobalFlagHelp);
  return text;
}

}  // namespace pacto::cli
