#include "node/domain/text.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace pacto {
namespace {

// The code point starting at s[*i] and advances *i past it. REQUIRES: `s` is valid UTF-8.
char32_t NextCodePoint(absl::string_view s, size_t* i) {
  const unsigned char lead = static_cast<unsigned char>(s[*i]);
  const int length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  char32_t cp = length == 1   ? lead
                : length == 2 ? (lead & 0x1F)
                : length == 3 ? (lead & 0x0F)
                              : (lead & 0x07);
  for (int k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += length;
  return cp;
}

// Unicode's format characters (general category Cf) and the line and paragraph
// separators: they render as nothing, or reorder what is around them (U+202E turns
// "exe.txt" into "txt.exe" on screen), so a name holding one can pass for another one.
// No name in the federation's languages needs them.
bool IsInvisibleFormatting(char32_t cp) {
  return cp == 0x00AD ||                    // soft hyphen
         (cp >= 0x0600 && cp <= 0x0605) ||  // Arabic number signs
         cp == 0x061C ||                    // Arabic letter mark
         cp == 0x06DD || cp == 0x070F || cp == 0x0890 || cp == 0x0891 || cp == 0x08E2 ||
         cp == 0x180E ||                    // Mongolian vowel separator
         (cp >= 0x200B && cp <= 0x200F) ||  // zero widths, LRM, RLM
         (cp >= 0x2028 && cp <= 0x202E) ||  // separators, bidi embeddings, overrides
         (cp >= 0x2060 && cp <= 0x206F) ||  // word joiner, bidi isolates, deprecated
         cp == 0xFEFF ||                    // zero-width no-break space (BOM)
         (cp >= 0xFFF9 && cp <= 0xFFFB) ||  // interlinear annotation
         cp == 0x110BD || cp == 0x110CD || (cp >= 0x13430 && cp <= 0x1343F) ||
         (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) || cp == 0xE0001 ||
         (cp >= 0xE0020 && cp <= 0xE007F);  // tags
}

}  // namespace

absl::StatusOr<std::string> CleanOptionalText(absl::string_view field, absl::string_view value,
                                              size_t max_chars) {
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be valid UTF-8"));
  }
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < value.size()) {
    const size_t start = i;
    const char32_t cp = NextCodePoint(value, &i);
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
      pending_space = !out.empty();
      continue;
    }
    // C0 controls, DEL and the C1 controls (e.g. the 8-bit terminal escape CSI, U+009B).
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must not contain control characters"));
    }
    if (IsInvisibleFormatting(cp)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must not contain invisible formatting characters (found U+",
                       absl::AsciiStrToUpper(
                           absl::StrCat(absl::Hex(static_cast<uint32_t>(cp), absl::kZeroPad4))),
                       ": bidirectional overrides, zero-width characters and the like)"));
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.append(value.data() + start, i - start);
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
