// Validation of free text that people type: names of people, chapters, courses.
#ifndef PACTO_NODE_DOMAIN_TEXT_H_
#define PACTO_NODE_DOMAIN_TEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/utf8.h"

namespace pacto {

inline constexpr size_t kMaxNameChars = 200;

// Trims `value`, collapses runs of whitespace into one space, and checks it is
// non-empty, valid UTF-8, free of control characters (C0, DEL, C1), free of invisible
// formatting characters (Unicode category Cf: bidirectional embeddings, overrides and
// isolates U+202A..U+202E and U+2066..U+2069, zero widths and marks U+200B..U+200F,
// U+FEFF, soft hyphen, tags, ...; and the separators U+2028/U+2029), and at most
// `max_chars` code points. Errors are INVALID_ARGUMENT, begin with `field` and name the
// rule (and, for a formatting character, its code point), never the value.
//
// Every free-text field of the registry goes through here: person names, region and
// chapter names, sectors, officer roles, formation courses.
absl::StatusOr<std::string> CleanText(absl::string_view field, absl::string_view value,
                                      size_t max_chars = kMaxNameChars);

// Like CleanText but an empty value is allowed and returned as "".
absl::StatusOr<std::string> CleanOptionalText(absl::string_view field, absl::string_view value,
                                              size_t max_chars = kMaxNameChars);

// A name folded for matching people: lower case, the accents of Spanish and the
// common Latin letters removed (á→a, ñ→n, ü→u, ...), punctuation dropped, runs of
// spaces collapsed. "José  MAMANI-Quispe" and "jose mamani quispe" fold alike.
std::string FoldForMatching(absl::string_view name);

}  // namespace pacto

#endif  // PACTO_NODE_DOMAIN_TEXT_H_
