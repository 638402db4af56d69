// pacto-node's configuration (node/server/node_config.h): the --config file, flags
// over it, and errors that say where the bad value is: the flag, or the file's line
// and field. Also: the example configs in deploy/config/ are valid.
#include "node/server/node_config.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class NodeConfigTest : public ::testing::Test {
 protected:
  std::string File(const std::string& text) {
    const std::string path = dir_.path() + "/node.conf";
    std::ofstream(path) << text;
    return path;
  }

  absl::StatusOr<NodeCommand> Parse(std::vector<std::string> args) {
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    return ParseNodeCommand(static_cast<int>(argv.size()), argv.data());
  }

  // Parses and validates; the error message, or "" when both pass.
  std::string Error(std::vector<std::string> args) {
    absl::StatusOr<NodeCommand> command = Parse(std::move(args));
    if (!command.ok()) return std::string(command.status().message());
    absl::Status valid = ValidateNodeCommand(*command);
    EXPECT_TRUE(valid.ok() || absl::IsInvalidArgument(valid)) << valid;
    return std::string(valid.message());
  }

  TempDir dir_;
};

TEST_F(NodeConfigTest, SyntaxErrorsNameTheFileLineAndColumn) {
  const std::string path = File("node_id: \"n1\"\n\nlisten: 7400\n");
  EXPECT_THAT(Error({"--config", path}),
              StartsWith(absl::StrCat("--config ", path, ": line 3, column 9")));
  // An unterminated string, and a missing colon.
  EXPECT_THAT(Error({"--config", File("region: \"LPZ\nlisten: \"x\"\n")}), HasSubstr("line 1"));
  EXPECT_THAT(Error({"--config", File("node_id \"n1\"\n")}), HasSubstr("line 1, column 9"));
}

TEST_F(NodeConfigTest, UnknownFieldsAreNamedWithTheirLine) {
  const std::string error = Error({"--config", File("node_id: \"n1\"\nlisten_address: \"x:1\"\n")});
  EXPECT_THAT(error, HasSubstr("line 2, column 1"));
  EXPECT_THAT(error, HasSubstr("listen_address"));
}

TEST_F(NodeConfigTest, MissingFileIsNamed) {
  EXPECT_THAT(Error({"--config", dir_.path() + "/nowhere.conf"}),
              HasSubstr("--config: cannot read " + dir_.path() + "/nowhere.conf"));
}

TEST_F(NodeConfigTest, BadValueFromTheFileNamesItsLineAndField) {
  const std::string path = File("# a node\nregion: \"LPZ\"\nsync_interval: \"often\"\n");
  EXPECT_EQ(Error({"--config", path}),
            absl::StrCat("--config ", path,
                         ", line 3: sync_interval: 'often' is not a positive duration like "
                         "200ms or 5s"));
  // The same value given as a flag is the flag's error...
  EXPECT_THAT(Error({"--sync-interval", "often"}), StartsWith("--sync-interval: 'often'"));
  // ...and a flag that overrides the file's bad value makes it harmless.
  EXPECT_EQ(Error({"--config", path, "--sync-interval", "1s"}), "");
}

TEST_F(NodeConfigTest, EveryKindOfBadValueIsRefusedNamingItsField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"listen: \"localhost\"", "line 1: listen: 'localhost' is not host:port"},
      {"http: \"127.0.0.1:99999\"", "line 1: http:"},
      {"peers: \"a:1\"\npeers: \"b\"", "line 1: peers: 'b' is not host:port"},
      {"advertise: \":7400\"", "line 1: advertise:"},
      {"node_id: \"n 1\"", "line 1: node_id: only letters"},
      {"region: \"La Paz\"", "line 1: region:"},
      {"log_level: \"loud\"", "line 1: log_level:"},
      {"log_retention: \"lots\"", "line 1: log_retention:"},
      {"data_dir: \"\"\nlisten: \"x\"", "line 2: listen:"},
      {"tls_cert: \"a.crt\"", "(tls_cert: --config "},
  };
  for (const auto& [text, want] : cases) {
    EXPECT_THAT(Error({"--config", File(text + "\n")}), HasSubstr(want)) << text;
  }
}

TEST_F(NodeConfigTest, FlagsOverrideTheFileAndRepeatedPeersAreReplaced) {
  const std::string path = File(
      "node_id: \"from-file\"\nregion: \"LPZ\"\npeers: \"a:1\"\npeers: \"b:2\"\n"
      "sync_interval: \"2s\"\n");
  absl::StatusOr<NodeCommand> command =
      Parse({"--config", path, "--region", "SCZ", "--peers", "c:3, d:4"});
  ASSERT_TRUE(command.ok()) << command.status();
  EXPECT_EQ(command->config.node_id(), "from-file");
  EXPECT_EQ(command->config.region(), "SCZ");
  EXPECT_THAT(command->config.peers(), ::testing::ElementsAre("c:3", "d:4"));
  EXPECT_EQ(command->config.sync_interval(), "2s");
  // Defaults the file does not mention stay.
  EXPECT_EQ(command->config.listen(), "127.0.0.1:7400");
  EXPECT_EQ(command->config_path, path);
  EXPECT_EQ(command->file_lines.at("node_id"), 1);
  EXPECT_EQ(command->file_lines.count("region"), 0u);  // overridden
}

TEST_F(NodeConfigTest, DefaultConfigTextIsAValidConfigListingEveryField) {
  const std::string text = DefaultConfigText();
  v1::NodeConfig parsed;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &parsed)) << text;
  EXPECT_EQ(parsed.SerializeAsString(), DefaultNodeConfig().SerializeAsString());
  const auto* descriptor = v1::NodeConfig::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    EXPECT_THAT(text, HasSubstr(descriptor->field(i)->name() + ": ")) << text;
  }
  EXPECT_EQ(Error({"--config", File(text)}), "");
}

TEST_F(NodeConfigTest, ExampleFederationConfigsAreValid) {
  int seen = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(PACTO_SOURCE_DIR) + "/deploy/config")) {
    if (entry.path().extension() != ".conf") continue;
    ++seen;
    absl::StatusOr<NodeCommand> command = Parse({"--config", entry.path().string()});
    ASSERT_TRUE(command.ok()) << command.status();
    EXPECT_TRUE(ValidateNodeCommand(*command).ok())
        << entry.path() << ": " << ValidateNodeCommand(*command);
    EXPECT_FALSE(command->config.region().empty()) << entry.path();
    EXPECT_EQ(command->config.peers_size(), 2) << entry.path();
  }
  EXPECT_EQ(seen, 3);
}

}  // namespace
}  // namespace pacto
