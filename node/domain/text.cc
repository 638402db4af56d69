#include "node/domain/text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pacto {
namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is malformed.
size_t SequenceLength(absl::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

size_t Utf8Length(absl::string_view s) {
  size_t count = 0;
  for (char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

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
