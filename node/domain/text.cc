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

std::string FoldForMatching(absl::string_view name) {
  // Two-byte UTF-8 sequences (C3 xx) of accented Latin letters → plain letters.
  static constexpr struct {
    unsigned char second;
    char plain;
  } kFolds[] = {{0x80, 'a'}, {0x81, 'a'}, {0x82, 'a'}, {0x83, 'a'}, {0x84, 'a'}, {0x85, 'a'},
                {0x87, 'c'}, {0x88, 'e'}, {0x89, 'e'}, {0x8A, 'e'}, {0x8B, 'e'}, {0x8C, 'i'},
                {0x8D, 'i'}, {0x8E, 'i'}, {0x8F, 'i'}, {0x91, 'n'}, {0x92, 'o'}, {0x93, 'o'},
                {0x94, 'o'}, {0x95, 'o'}, {0x96, 'o'}, {0x99, 'u'}, {0x9A, 'u'}, {0x9B, 'u'},
                {0x9C, 'u'}, {0x9D, 'y'}, {0xA0, 'a'}, {0xA1, 'a'}, {0xA2, 'a'}, {0xA3, 'a'},
                {0xA4, 'a'}, {0xA5, 'a'}, {0xA7, 'c'}, {0xA8, 'e'}, {0xA9, 'e'}, {0xAA, 'e'},
                {0xAB, 'e'}, {0xAC, 'i'}, {0xAD, 'i'}, {0xAE, 'i'}, {0xAF, 'i'}, {0xB1, 'n'},
                {0xB2, 'o'}, {0xB3, 'o'}, {0xB4, 'o'}, {0xB5, 'o'}, {0xB6, 'o'}, {0xB9, 'u'},
                {0xBA, 'u'}, {0xBB, 'u'}, {0xBC, 'u'}, {0xBD, 'y'}, {0xBF, 'y'}};
  std::string out;
  bool space = false;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    char letter = 0;
    if (c == 0xC3 && i + 1 < name.size()) {
      unsigned char next = static_cast<unsigned char>(name[i + 1]);
      for (const auto& fold : kFolds) {
        if (fold.second == next) letter = fold.plain;
      }
      if (letter != 0) ++i;
    } else if (c < 0x80 && absl::ascii_isalnum(c)) {
      letter = absl::ascii_tolower(c);
    } else if (c >= 0x80) {
      letter = static_cast<char>(c);  // other letters are kept as they are
    }
    if (letter == 0) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(letter);
  }
  return out;
}

}  // namespace pacto
