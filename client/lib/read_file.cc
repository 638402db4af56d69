#include "client/lib/read_file.h"

#include <cerrno>
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"

namespace pacto {
namespace {

absl::Status ReadError(absl::string_view path, int error_number) {
  return absl::ErrnoToStatus(error_number, absl::StrCat("cannot read '", path, "'"));
}

}  // namespace

absl::StatusOr<std::string> ReadFileToString(absl::string_view path) {
  const std::string path_string(path);
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path_string.c_str(), "rb"), &std::fclose);
  if (file == nullptr) return ReadError(path, errno);
  std::string contents;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) contents.append(buffer, n);
  if (std::ferror(file.get())) return ReadError(path, errno);
  return contents;
}

}  // namespace pacto
