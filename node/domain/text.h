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
// non-empty, valid UTF-8, free of control characters and at most `max_chars` code
// points. Errors are INVALID_ARGUMENT and begin with `field`.
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
