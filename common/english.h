// Small pieces of English grammar for generated messages, so that a message built from
// a variable word reads right ("an operator token", "a reporter token").
#ifndef PACTO_COMMON_ENGLISH_H_
#define PACTO_COMMON_ENGLISH_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pacto {

// "an" before a word that begins with a vowel letter (a, e, i, o, u, either case),
// "a" otherwise. Spelling, not sound: every word Pacto puts after an article (roles,
// chapter and region levels) is pronounced as spelled.
absl::string_view IndefiniteArticle(absl::string_view word);

// `word` after its article: "an enroller", "a central".
std::string WithArticle(absl::string_view word);

}  // namespace pacto

#endif  // PACTO_COMMON_ENGLISH_H_
