#include "client/cli/commands.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CommandsTest, EveryContractCommandExists) {
  for (const char* name :
       {"region add",       "region list",      "chapter add",       "chapter update",
        "chapter list",     "chapter show",     "affiliate",         "disaffiliate",
        "member enrol",     "member show",      "member list",       "member transfer",
        "member end",       "member remove",    "member import",     "officer appoint",
        "officer list",     "formation record", "formation list",    "report summary",
        "report regions",   "report tree",      "report formation",  "report vacancies",
        "report freshness", "report conflicts", "report duplicates", "member export",
        "node status"}) {
    std::vector<std::string> words = absl::StrSplit(name, ' ');
    words.push_back("operand");
    const CommandSpec* spec = FindCommand(words);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_EQ(spec->name, name);
  }
}

TEST(CommandsTest, UsageMatchesTheSpec) {
  std::set<std::string> names;
  for (const CommandSpec& spec : AllCommands()) {
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate " << spec.name;
    EXPECT_NE(spec.run, nullptr) << spec.name;
    EXPECT_FALSE(spec.summary.empty()) << spec.name;
    const std::string usage = " " + spec.usage + " ";
    for (const std::string& flag : spec.required_flags) {
      EXPECT_THAT(usage, HasSubstr(" --" + flag + " ")) << spec.name;
      EXPECT_THAT(usage, Not(HasSubstr("[--" + flag + " "))) << spec.name;
      EXPECT_FALSE(BoolFlags().count(flag)) << spec.name;
    }
    for (const std::string& flag : spec.optional_flags) {
      // "[--flag ...]", or "OPERAND|--flag ..." for a flag given instead of an
      // optional last operand.
      EXPECT_THAT(usage, testing::AnyOf(HasSubstr("[--" + flag), HasSubstr("|--" + flag)))
          << spec.name << " --" << flag;
      EXPECT_FALSE(GlobalFlags().count(flag)) << spec.name << " --" << flag;
    }
    for (const std::string& flag : spec.any_of_flags) {
      EXPECT_THAT(spec.optional_flags, testing::Contains(flag)) << spec.name;
    }
    for (size_t i = 0; i < spec.operands.size(); ++i) {
      const bool optional = spec.last_operand_optional && i + 1 == spec.operands.size();
      EXPECT_THAT(usage, HasSubstr(" " + spec.operands[i] + (optional ? "|--" : " "))) << spec.name;
    }
  }
}

TEST(CommandsTest, ParseSpecKnowsEveryFlag) {
  const Args::Spec spec = ParseSpec();
  for (const char* flag :
       {"node",   "token",   "ca",          "cert",        "key",     "timeout", "name",
        "parent", "level",   "region",      "sector",      "founded", "status",  "since",
        "until",  "chapter", "national-id", "birth-date",  "to",      "date",    "member",
        "role",   "from",    "course",      "stale-after", "root",    "depth",   "age-limit"}) {
    EXPECT_TRUE(spec.value_flags.count(flag)) << flag;
  }
  for (const char* flag :
       {"json", "csv", "help", "all", "current", "allow-multiple-confederations"}) {
    EXPECT_TRUE(spec.bool_flags.count(flag)) << flag;
    EXPECT_FALSE(spec.value_flags.count(flag)) << flag;
  }
}

TEST(CommandsTest, FindCommand) {
  EXPECT_EQ(FindCommand({"member", "show", "mb-1"})->name, "member show");
  EXPECT_EQ(FindCommand({"affiliate", "a", "b"})->name, "affiliate");
  EXPECT_EQ(FindCommand({"member"}), nullptr);
  EXPECT_EQ(FindCommand({"member", "frobnicate"}), nullptr);
  EXPECT_EQ(FindCommand({"frobnicate"}), nullptr);
  EXPECT_TRUE(IsCommandGroup("member"));
  EXPECT_FALSE(IsCommandGroup("affiliate"));
}

TEST(CommandsTest, HelpListsCommandsAndTopics) {
  const std::string all = HelpText();
  for (const CommandSpec& spec : AllCommands()) {
    EXPECT_THAT(all, HasSubstr("pacto " + spec.name)) << spec.name;
  }
  EXPECT_THAT(all, HasSubstr("--node ADDR"));
  EXPECT_THAT(all, HasSubstr("PACTO_TOKEN"));
  EXPECT_THAT(all, HasSubstr("Exit status"));

  const std::string member = HelpText("member");
  EXPECT_THAT(member, HasSubstr("pacto member import FILE.csv"));
  EXPECT_THAT(member, HasSubstr("pacto member export --region CODE FILE.csv [--all]"));
  const std::string report = HelpText("report");
  EXPECT_THAT(report, HasSubstr("pacto report tree [--root ID] [--depth N]"));
  EXPECT_THAT(report, HasSubstr("--stale-after"));
  EXPECT_THAT(report, Not(HasSubstr("pacto member")));
  EXPECT_THAT(member, Not(HasSubstr("pacto chapter add")));
  EXPECT_EQ(HelpText("nonsense"), all);
}

}  // namespace
}  // namespace pacto::cli
