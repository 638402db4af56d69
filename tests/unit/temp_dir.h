// A fresh, uniquely named directory for one test, removed with everything in it when
// the object goes away. Tests open real RocksDB databases inside it.
//
//   TempDir dir;
//   DatabaseOptions options;
//   options.path = dir.Sub("db");
#ifndef PACTO_TESTS_UNIT_TEMP_DIR_H_
#define PACTO_TESTS_UNIT_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace pacto {

class TempDir {
 public:
  TempDir() {
    std::string base = testing::TempDir();
    if (base.empty()) base = "/tmp/";
    if (base.back() != '/') base.push_back('/');
    std::string pattern = base + "pacto-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed under " << base;
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the directory (not created).
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace pacto

#endif  // PACTO_TESTS_UNIT_TEMP_DIR_H_
