// Encryption at rest (DESIGN §6) with a real pacto-node: after enrolling people, no
// file of the data dir — WAL, SST, MANIFEST, OPTIONS, the info LOG — holds their names
// or national ids, whether the node was stopped cleanly or killed with its writes still
// in the WAL; the same flow without a key does leave them on disk (so the search would
// find them). A wrong key, or none, is refused at start-up without touching a byte.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/lib/pacto_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/processes.h"

namespace pacto {
namespace {

using ::testing::HasSubstr;

constexpr char kKeyHex[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr char kOtherKeyHex[] = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

// Distinctive enough that a match cannot be chance.
std::string NameOf(int i) { return absl::StrCat("Wankawari Quispetupac ", 1000 + i); }
std::string NationalIdOf(int i) { return absl::StrCat("ZX", 7700000 + i); }

class EncryptionTest : public ::testing::Test {
 protected:
  std::string KeyFile(const std::string& name, const std::string& hex) {
    const std::string path = dir_.Sub(name);
    EXPECT_TRUE(WriteFile(path, hex + "\n"));
    return path;
  }

  std::unique_ptr<NodeProcess> Start(const std::vector<std::string>& extra) {
    absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
        {.data_dir = data_, .node_id = "n1", .region = "BO", .extra_args = extra});
    EXPECT_TRUE(node.ok()) << node.status();
    return node.ok() ? *std::move(node) : nullptr;
  }

  std::unique_ptr<Client> Connect(const NodeProcess& node) {
    ClientOptions options;
    options.address = node.address();
    options.own_connection = true;
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return *std::move(client);
  }

  // A region and a chapter; returns the chapter id.
  std::string Structure(const Client& client) {
    v1::AddRegionRequest region;
    region.mutable_region()->set_code("BO");
    region.mutable_region()->set_name("Bolivia");
    EXPECT_TRUE(client.AddRegion(region).ok());
    v1::AddChapterRequest chapter;
    chapter.set_name("Sindicato Agrario");
    chapter.set_region("BO");
    chapter.set_level("sindicato");
    absl::StatusOr<v1::Chapter> made = client.AddChapter(chapter);
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? made->id() : "";
  }

  // Enrols people [from, to) in `chapter`, one write each.
  void Enrol(const Client& client, const std::string& chapter, int from, int to) {
    for (int i = from; i < to; ++i) {
      v1::EnrolMemberRequest q;
      q.set_chapter(chapter);
      q.set_name(NameOf(i));
      q.set_national_id(NationalIdOf(i));
      q.set_birth_date("1987-03-14");
      absl::StatusOr<v1::Membership> m = client.EnrolMember(q);
      ASSERT_TRUE(m.ok()) << m.status();
    }
  }

  // The files of the data dir that contain any of the people's names or ids.
  std::vector<std::string> FilesWithPersonData(int people) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_)) {
      if (!entry.is_regular_file()) continue;
      const std::string content = ReadFile(entry.path().string());
      for (int i = 0; i < people; ++i) {
        if (absl::StrContains(content, NameOf(i)) || absl::StrContains(content, NationalIdOf(i)) ||
            absl::StrContains(content, "Wankawari")) {
          found.push_back(entry.path().filename().string());
          break;
        }
      }
    }
    return found;
  }

  // Every file's content, by name.
  std::map<std::string, std::string> Snapshot() {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_)) {
      if (entry.is_regular_file()) files[entry.path().string()] = ReadFile(entry.path().string());
    }
    return files;
  }

  // Half the people written and then the node killed (their writes only in the WAL),
  // the other half after a restart that replays it, then a clean stop (SSTs). Returns
  // the files that held person data right after the kill.
  std::vector<std::string> EnrolAcrossACrash(const std::vector<std::string>& flags, int people) {
    std::unique_ptr<NodeProcess> node = Start(flags);
    if (node == nullptr) return {};
    std::string chapter;
    {
      std::unique_ptr<Client> client = Connect(*node);
      chapter = Structure(*client);
      Enrol(*client, chapter, 0, people / 2);
    }
    node->Kill();
    std::vector<std::string> after_crash = FilesWithPersonData(people / 2);
    bool wal = false;
    for (const auto& entry : std::filesystem::directory_iterator(data_)) {
      wal |= absl::EndsWith(entry.path().string(), ".log") && entry.file_size() > 0;
    }
    EXPECT_TRUE(wal) << "no WAL after the kill";
    node = Start(flags);
    if (node == nullptr) return after_crash;
    {
      std::unique_ptr<Client> client = Connect(*node);
      Enrol(*client, chapter, people / 2, people);
      absl::StatusOr<v1::SummaryResponse> summary = client->Summary(v1::SummaryRequest());
      EXPECT_TRUE(summary.ok()) << summary.status();
      if (summary.ok()) {
        EXPECT_EQ(summary->active_members(), static_cast<uint32_t>(people));
      }
    }
    EXPECT_EQ(node->Stop(), 0) << node->Log();
    return after_crash;
  }

  ScratchDir dir_;
  const std::string data_ = dir_.Sub("data");
};

TEST_F(EncryptionTest, NoPersonDataOnDisk) {
  constexpr int kPeople = 40;
  EXPECT_THAT(EnrolAcrossACrash({"--encryption-key-file", KeyFile("key", kKeyHex), "--http", "off"},
                                kPeople),
              ::testing::IsEmpty());
  // WAL, SST, MANIFEST and the rest are there, and none holds a name.
  bool has_sst = false, has_wal = false, has_log = false;
  for (const auto& entry : std::filesystem::directory_iterator(data_)) {
    const std::string name = entry.path().filename().string();
    has_sst |= absl::EndsWith(name, ".sst");
    has_wal |= absl::EndsWith(name, ".log");
    has_log |= name == "LOG";
  }
  EXPECT_TRUE(has_sst && has_wal && has_log);
  EXPECT_THAT(FilesWithPersonData(kPeople), ::testing::IsEmpty());
}

TEST_F(EncryptionTest, WithoutAKeyTheSearchFindsThem) {
  constexpr int kPeople = 10;
  // Right after the kill the names are in the WAL; after the restart, in SSTs.
  EXPECT_THAT(EnrolAcrossACrash({"--http", "off"}, kPeople),
              ::testing::Contains(HasSubstr(".log")));
  EXPECT_THAT(FilesWithPersonData(kPeople), ::testing::Contains(HasSubstr(".sst")));
}

TEST_F(EncryptionTest, WrongOrMissingKeyIsRefusedWithoutTouchingData) {
  const std::vector<std::string> right = {"--encryption-key-file", KeyFile("key", kKeyHex),
                                          "--http", "off"};
  EnrolAcrossACrash(right, 4);
  const std::map<std::string, std::string> before = Snapshot();

  auto refused = [&](std::vector<std::string> flags) {
    flags.insert(flags.begin(), {"--data-dir", data_, "--listen", "127.0.0.1:0", "--http", "off"});
    CommandResult r = RunCommand(NodeBinary(), flags, "", absl::Seconds(20));
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_EQ(Snapshot(), before) << "a refused start changed the data dir";
    return r.err;
  };
  EXPECT_THAT(refused({"--encryption-key-file", KeyFile("other", kOtherKeyHex)}),
              HasSubstr("encryption key does not match"));
  EXPECT_THAT(refused({}), HasSubstr("is encrypted"));
  EXPECT_THAT(refused({"--encryption-key-file", KeyFile("short", "abcd")}),
              HasSubstr("32 raw bytes or 64 hex digits"));
  EXPECT_THAT(refused({"--encryption-key-file", dir_.Sub("absent")}), HasSubstr("cannot read"));

  // The right key still opens it, with everyone there.
  std::unique_ptr<NodeProcess> node = Start(right);
  ASSERT_NE(node, nullptr);
  absl::StatusOr<v1::SummaryResponse> summary = Connect(*node)->Summary(v1::SummaryRequest());
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->active_members(), 4u);
  EXPECT_EQ(node->Stop(), 0);
}

}  // namespace
}  // namespace pacto
