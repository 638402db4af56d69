// The command line up to the point where a node would be called: help, unknown
// commands, usage errors and exit codes. Nothing here reaches the network (a line that
// passes every check would; the integration tests cover those).
#include "client/cli/app.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

Result RunPacto(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
  std::ostringstream out, err;
  Io io{.out = &out,
        .err = &err,
        .err_is_terminal = false,
        .getenv = [env](const char* name) -> std::optional<std::string> {
          auto it = env.find(name);
          if (it == env.end()) return std::nullopt;
          return it->second;
        }};
  const int code = Run(args, io);
  return {code, out.str(), err.str()};
}

void ExpectUsageError(const std::vector<std::string>& args, const std::string& line) {
  Result r = RunPacto(args);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, line + "\n");
}

TEST(AppTest, HelpGoesToStdout) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"help"}, {"--help"}, {"member", "enrol", "--help"}}) {
    Result r = RunPacto(args);
    EXPECT_EQ(r.exit_code, kExitOk);
    EXPECT_THAT(r.out, StartsWith("pacto: "));
    EXPECT_THAT(r.out, HasSubstr("pacto member enrol --chapter ID --name NAME"));
    EXPECT_EQ(r.err, "");
  }
  Result r = RunPacto({"help", "chapter"});
  EXPECT_THAT(r.out, HasSubstr("pacto chapter show ID"));
  EXPECT_THAT(r.out, testing::Not(HasSubstr("pacto member enrol")));
}

TEST(AppTest, UnknownCommand) {
  ExpectUsageError({"frobnicate"},
                   "error: INVALID_ARGUMENT: unknown command 'frobnicate'; run pacto help");
  ExpectUsageError({"member", "frobnicate", "x"},
                   "error: INVALID_ARGUMENT: unknown command 'member frobnicate'; run pacto help");
  ExpectUsageError({"--json"}, "error: INVALID_ARGUMENT: no command given; run pacto help");
  Result r = RunPacto({"officer"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err,
            "error: INVALID_ARGUMENT: 'officer' needs a command (appoint, list); run pacto help\n");
}

TEST(AppTest, MissingRequiredFlagIsNamed) {
  ExpectUsageError({"chapter", "add", "--region", "LPZ", "--level", "sindicato"},
                   "error: INVALID_ARGUMENT: --name is required");
  ExpectUsageError({"member", "enrol", "--name", "Ana"},
                   "error: INVALID_ARGUMENT: --chapter is required");
  ExpectUsageError({"member", "transfer", "mb-1"}, "error: INVALID_ARGUMENT: --to is required");
  ExpectUsageError({"formation", "record", "--member", "mb-1", "--course", "x"},
                   "error: INVALID_ARGUMENT: --date is required");
}

TEST(AppTest, UnknownAndMisplacedFlags) {
  ExpectUsageError({"region", "list", "--bogus"}, "error: INVALID_ARGUMENT: unknown flag --bogus");
  ExpectUsageError({"region", "list", "--chapter", "x"},
                   "error: INVALID_ARGUMENT: flag --chapter does not apply to 'region list'");
  ExpectUsageError({"member", "enrol", "--chapter", "c", "--name"},
                   "error: INVALID_ARGUMENT: flag --name needs a value");
  ExpectUsageError({"member", "list", "--chapter", "c", "--all=yes"},
                   "error: INVALID_ARGUMENT: flag --all takes no value");
}

TEST(AppTest, WrongNumberOfOperands) {
  ExpectUsageError(
      {"chapter", "show"},
      "error: INVALID_ARGUMENT: chapter show: missing ID; usage: pacto chapter show ID");
  ExpectUsageError({"chapter", "show", "a", "b"},
                   "error: INVALID_ARGUMENT: chapter show: unexpected argument 'b'; usage: pacto "
                   "chapter show ID");
  ExpectUsageError({"affiliate", "ch-1"},
                   "error: INVALID_ARGUMENT: affiliate: missing PARENT_ID; usage: pacto affiliate "
                   "CHILD_ID PARENT_ID [--since DATE]");
  ExpectUsageError({"region", "list", "extra"},
                   "error: INVALID_ARGUMENT: region list: unexpected argument 'extra'; usage: "
                   "pacto region list");
}

TEST(AppTest, ReportAndExportFlags) {
  ExpectUsageError({"member", "export", "out.csv"},
                   "error: INVALID_ARGUMENT: --region is required");
  ExpectUsageError({"member", "export", "--region", "LPZ"},
                   "error: INVALID_ARGUMENT: member export: missing FILE.csv; usage: pacto member "
                   "export --region CODE FILE.csv [--all]");
  ExpectUsageError({"report", "conflicts", "--root", "ch-1"},
                   "error: INVALID_ARGUMENT: flag --root does not apply to 'report conflicts'");
  ExpectUsageError({"report", "regions", "--depth", "2"},
                   "error: INVALID_ARGUMENT: flag --depth does not apply to 'report regions'");
  ExpectUsageError({"report", "duplicates", "--allow-multiple-confederations=yes"},
                   "error: INVALID_ARGUMENT: flag --allow-multiple-confederations takes no value");
}

// These fail in the command, before it calls the node (none listens on port 1).
TEST(AppTest, BadNumbersAndStdoutJsonFailBeforeAnyCall) {
  Result r = RunPacto({"--node", "127.0.0.1:1", "report", "tree", "--depth", "two"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.err, "error: INVALID_ARGUMENT: --depth: 'two' is not a whole number\n");
  r = RunPacto({"--node", "127.0.0.1:1", "report", "formation", "--age-limit", "30y"});
  EXPECT_EQ(r.err, "error: INVALID_ARGUMENT: --age-limit: '30y' is not a whole number\n");
  r = RunPacto({"--node", "127.0.0.1:1", "--json", "member", "export", "--region", "LPZ", "-"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: INVALID_ARGUMENT: member export: --json cannot be used"));
  EXPECT_EQ(r.out, "");
}

TEST(AppTest, ExportIntoAMissingDirectoryFailsBeforeAnyCall) {
  Result r = RunPacto(
      {"--node", "127.0.0.1:1", "member", "export", "--region", "LPZ", "/nonexistent/out.csv"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.err,
            "error: NOT_FOUND: cannot create a file in '/nonexistent': No such file or "
            "directory\n");
}

TEST(AppTest, ChapterUpdateNeedsSomethingToChange) {
  ExpectUsageError({"chapter", "update", "ch-1"},
                   "error: INVALID_ARGUMENT: chapter update: give at least one of --name, "
                   "--status, --sector");
}

TEST(AppTest, GlobalFlagProblems) {
  ExpectUsageError({"node", "status", "--json", "--csv"},
                   "error: INVALID_ARGUMENT: --json and --csv cannot be used together");
  ExpectUsageError({"node", "status", "--timeout", "soon"},
                   "error: INVALID_ARGUMENT: --timeout: 'soon' is not a duration (e.g. 30s, 2m)");
  ExpectUsageError({"node", "status", "--timeout=0s"},
                   "error: INVALID_ARGUMENT: --timeout must be positive");
  ExpectUsageError({"--node", "", "node", "status"},
                   "error: INVALID_ARGUMENT: --node must not be empty");
}

TEST(AppTest, TlsFileProblemsFailBeforeAnyCall) {
  Result r = RunPacto({"node", "status", "--ca", "/nonexistent/ca.crt"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: NOT_FOUND: cannot read '/nonexistent/ca.crt'"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);

  r = RunPacto({"node", "status", "--cert", "c.pem", "--key", "k.pem"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: INVALID_ARGUMENT: "));
}

TEST(AppTest, ImportOfAMissingFileFailsBeforeAnyCall) {
  Result r = RunPacto({"member", "import", "/nonexistent/members.csv"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: NOT_FOUND: cannot read '/nonexistent/members.csv'"));
}

std::string WriteTempFile(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST(AppTest, ImportWithoutRequiredColumnFailsBeforeAnyCall) {
  const std::string path = WriteTempFile("no_name.csv", "chapter,nombre\nch-1,Ana\n");
  Result r = RunPacto({"member", "import", path});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "error: INVALID_ARGUMENT: " + path +
                       ": the header has no 'name' column (it has: chapter, nombre)\n");
  std::remove(path.c_str());
}

// When every row is malformed nothing is sent, so the whole report can be checked here.
TEST(AppTest, ImportReportsLocallyRejectedRows) {
  const std::string path =
      WriteTempFile("bad_rows.csv", "chapter,name\nch-1,Ju\"an\nch-1,\"Ana\"x\n");
  Result r = RunPacto({"member", "import", path});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.out,
            "line 2: INVALID_ARGUMENT: csv: quote inside an unquoted field (field 2)\n"
            "line 3: INVALID_ARGUMENT: csv: unexpected text after a closing quote (field 2)\n"
            "imported 0 of 2 rows; 2 rejected\n");
  EXPECT_EQ(r.err, "error: INVALID_ARGUMENT: 2 of 2 rows rejected; the other 0 were imported\n");

  r = RunPacto({"member", "import", path, "--json"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.out,
            "{\"accepted\":\"0\",\"rejected\":\"2\",\"errors\":["
            "{\"line\":\"2\",\"code\":\"INVALID_ARGUMENT\","
            "\"message\":\"csv: quote inside an unquoted field (field 2)\"},"
            "{\"line\":\"3\",\"code\":\"INVALID_ARGUMENT\","
            "\"message\":\"csv: unexpected text after a closing quote (field 2)\"}]}\n");
  std::remove(path.c_str());
}

TEST(AppTest, ImportOfAHeaderOnlyFileSendsNothing) {
  const std::string path = WriteTempFile("empty.csv", "chapter,name\n");
  Result r = RunPacto({"member", "import", path});
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.out, "imported 0 of 0 rows; 0 rejected\n");
  EXPECT_EQ(r.err, "");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace pacto::cli
