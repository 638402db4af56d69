// The vocabularies of the domain model: chapter levels (ranked: a parent's level is
// strictly higher than its child's), region levels, and record statuses.
#ifndef PACTO_NODE_DOMAIN_LEVELS_H_
#define PACTO_NODE_DOMAIN_LEVELS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pacto {

// sindicato=1 < subcentral < central < federation < confederation < pact=6;
// 0 for an unknown word.
int ChapterLevelRank(absl::string_view level);
const std::vector<std::string>& ChapterLevels();  // in rank order
inline constexpr absl::string_view kPactLevel = "pact";

// country=1 < department < province < municipality < community=5; 0 when unknown.
int RegionLevelRank(absl::string_view level);
const std::vector<std::string>& RegionLevels();

bool IsChapterStatus(absl::string_view status);  // active | inactive | dissolved

// Lower-cases and checks `value` against `words`; INVALID_ARGUMENT naming `field`
// and listing the words otherwise.
absl::StatusOr<std::string> ParseWord(absl::string_view field, absl::string_view value,
                                      const std::vector<std::string>& words);

}  // namespace pacto

#endif  // PACTO_NODE_DOMAIN_LEVELS_H_
