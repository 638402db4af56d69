#include "client/cli/atomic_file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/atomic_file_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    for (const std::string& name : Names()) ::unlink((dir_ + "/" + name).c_str());
    ::rmdir(dir_.c_str());
  }

  // The directory's entries, sorted.
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return names;
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string Contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string dir_;
};

TEST_F(AtomicFileTest, CommitReplacesTheFileWholeAndOwnerOnly) {
  const std::string path = dir_ + "/out.csv";
  std::ofstream(path) << "old\n";
  absl::StatusOr<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(path);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_TRUE((*file)->Append("a,b\n").ok());
  ASSERT_TRUE((*file)->Append("1,2\n").ok());
  // Until the commit, readers see the old file, and the new one hides beside it.
  EXPECT_EQ(Contents(path), "old\n");
  EXPECT_THAT(Names(), ElementsAre(testing::StartsWith(".out.csv."), "out.csv"));
  ASSERT_TRUE((*file)->Commit().ok());
  EXPECT_EQ(Contents(path), "a,b\n1,2\n");
  EXPECT_THAT(Names(), ElementsAre("out.csv"));
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  file->reset();
  EXPECT_THAT(Names(), ElementsAre("out.csv"));
}

TEST_F(AtomicFileTest, DroppedBeforeCommitLeavesTheOldFile) {
  const std::string path = dir_ + "/out.csv";
  std::ofstream(path) << "old\n";
  {
    absl::StatusOr<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(path);
    ASSERT_TRUE(file.ok()) << file.status();
    ASSERT_TRUE((*file)->Append("half").ok());
  }
  EXPECT_EQ(Contents(path), "old\n");
  EXPECT_THAT(Names(), ElementsAre("out.csv"));
}

TEST_F(AtomicFileTest, BareNameGoesInTheCurrentDirectory) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(::chdir(dir_.c_str()), 0);
  absl::StatusOr<std::unique_ptr<AtomicFile>> file = AtomicFile::Create("bare.csv");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT((*file)->temp_path(), testing::StartsWith("./.bare.csv."));
  ASSERT_TRUE((*file)->Append("x\n").ok());
  ASSERT_TRUE((*file)->Commit().ok());
  ASSERT_EQ(::chdir(cwd), 0);
  EXPECT_EQ(Contents(dir_ + "/bare.csv"), "x\n");
}

TEST_F(AtomicFileTest, MissingDirectoryOrADirectoryFails) {
  absl::Status missing = AtomicFile::Create(dir_ + "/no/such/out.csv").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr(dir_ + "/no/such"));
  EXPECT_EQ(AtomicFile::Create(dir_).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AtomicFile::Create(dir_ + "/").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Names(), testing::IsEmpty());
}

}  // namespace
}  // namespace pacto::cli
