#include "node/domain/levels.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pacto {
namespace {

int RankIn(const std::vector<std::string>& words, absl::string_view word) {
  auto it = std::find(words.begin(), words.end(), word);
  return it == words.end() ? 0 : static_cast<int>(it - words.begin()) + 1;
}

}  // namespace

const std::vector<std::string>& ChapterLevels() {
  static const auto* levels = new std::vector<std::string>{"sindicato",  "subcentral",    "central",
                                                           "federation", "confederation", "pact"};
  return *levels;
}

const std::vector<std::string>& RegionLevels() {
  static const auto* levels = new std::vector<std::string>{"country", "department", "province",
                                                           "municipality", "community"};
  return *levels;
}

int ChapterLevelRank(absl::string_view level) { return RankIn(ChapterLevels(), level); }
int RegionLevelRank(absl::string_view level) { return RankIn(RegionLevels(), level); }

bool IsChapterStatus(absl::string_view status) {
  return status == "active" || status == "inactive" || status == "dissolved";
}

absl::StatusOr<std::string> ParseWord(absl::string_view field, absl::string_view value,
                                      const std::vector<std::string>& words) {
  std::string word = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  if (word.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be one of ", absl::StrJoin(words, ", ")));
  }
  if (RankIn(words, word) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", value, "' is not one of ", absl::StrJoin(words, ", ")));
  }
  return word;
}

}  // namespace pacto
