// Fuzz target: backup names (node/admin/backup_root.h), against a real directory tree.
//
// Input: one mode byte (bit 0: create missing parts, as a backup does; otherwise look
// them up, as a restore does), then the name. "ROOT" at its start stands for the root's
// absolute path, so absolute names below the root are reached too. The tree, made once:
//
//   <tmp>/root/out        → <tmp>/outside   (a symbolic link out)
//   <tmp>/root/real/link  → <tmp>/outside   (a link below a real directory)
//   <tmp>/root/alias      → <tmp>/root/real (a link that stays inside)
//   <tmp>/outside/        (must stay empty)
//
// Whatever the name: nothing appears in <tmp>/outside or beside root; a resolved
// target is below the root and is the directory its path names; a refusal is one of
// the documented codes. Must never crash.
#include <limits.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "node/admin/backup_root.h"

namespace pacto {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "backup_name_fuzzer: %s\n", what.c_str());
  std::abort();
}

struct Tree {
  Tree() {
    char pattern[] = "/tmp/pacto-backup-name-fuzz-XXXXXX";
    if (mkdtemp(pattern) == nullptr) Fail("mkdtemp");
    base = pattern;
    fs::create_directories(base + "/root/real");
    fs::create_directories(base + "/outside");
    fs::create_directory_symlink(base + "/outside", base + "/root/out");
    fs::create_directory_symlink(base + "/outside", base + "/root/real/link");
    fs::create_directory_symlink(base + "/root/real", base + "/root/alias");
    absl::StatusOr<std::unique_ptr<BackupRoot>> opened = BackupRoot::Open(base + "/root");
    if (!opened.ok()) Fail(opened.status().ToString());
    root = *std::move(opened);
  }
  std::string base;
  std::unique_ptr<BackupRoot> root;
};

Tree* TheTree() {
  static Tree* const tree = [] {
    auto* made = new Tree();
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(TheTree()->base, ec);
    });
    return made;
  }();
  return tree;
}

void CheckNothingOutside(const Tree& tree) {
  if (!fs::is_empty(tree.base + "/outside")) Fail("something was written outside the root");
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(tree.base)) {
    (void)entry;
    ++entries;
  }
  if (entries != 2) Fail("something was written beside the root");
}

}  // namespace
}  // namespace pacto

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pacto;
  Tree* const tree = TheTree();
  if (size == 0) return 0;
  const bool create = (data[0] & 1) != 0;
  std::string name(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (absl::StartsWith(name, "ROOT")) name = tree->base + "/root" + name.substr(4);

  absl::StatusOr<BackupTarget> target = tree->root->Resolve(name, create);
  if (target.ok()) {
    if (!absl::StartsWith(target->path(), tree->root->path() + "/")) {
      Fail("a target outside the root: " + target->path());
    }
    char real[PATH_MAX];
    if (realpath(target->io_path().c_str(), real) == nullptr || target->path() != real) {
      Fail("the opened directory is not the one its path names: " + target->path());
    }
  } else {
    const absl::StatusCode code = target.status().code();
    if (code != absl::StatusCode::kInvalidArgument && code != absl::StatusCode::kPermissionDenied &&
        code != absl::StatusCode::kNotFound && code != absl::StatusCode::kFailedPrecondition) {
      Fail("unexpected refusal: " + target.status().ToString());
    }
    if (!absl::StartsWith(target.status().message(), "dir: ")) {
      Fail("a refusal that does not name the field: " + target.status().ToString());
    }
  }
  CheckNothingOutside(*tree);
  return 0;
}
