#include "common/english.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pacto {

absl::string_view IndefiniteArticle(absl::string_view word) {
  if (word.empty()) return "a";
  switch (absl::ascii_tolower(static_cast<unsigned char>(word.front()))) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
      return "an";
    default:
      return "a";
  }
}

std::string WithArticle(absl::string_view word) {
  return absl::StrCat(IndefiniteArticle(word), " ", word);
}

}  // namespace pacto
