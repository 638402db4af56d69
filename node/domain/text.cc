#include "node/domain/text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace pacto {
absl::StatusOr<std::string> CleanOptionalText(absl::string_view field, absl::string_view value,
                                              size_t max_chars) {
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be valid UTF-8"));
  }
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (size_t i = 0; i < value.size(); ++i) {
    const char ch = value[i];
    unsigned char c = static_cast<unsigned char>(ch);
    // U+0080..U+009F (C1 controls, e.g. the 8-bit terminal escape CSI) are 0xC2 0x80..0x9F.
    if (c == 0xC2 && i + 1 < value.size() && static_cast<unsigned char>(value[i + 1]) <= 0x9F) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must not contain control characters"));
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (c < 0x20 || c == 0x7F) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must not contain control characters"));
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(ch);
  }
  if (Utf8Length(out) > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": longer than ", max_chars, " characters"));
  }
  return out;
}

absl::StatusOr<std::string> CleanText(absl::string_view field, absl::string_view value,
                                      size_t max_chars) {
  absl::StatusOr<std::string> out = CleanOptionalText(field, value, max_chars);
  if (out.ok() && out->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must not be empty"));
  }
  return out;
}

}  // namespace pacto
