#include "node/domain/dates.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pacto {
namespace {

bool ParseDigits(absl::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return !s.empty();
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view field, absl::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseDigits(text.substr(0, 4), &y) || !ParseDigits(text.substr(5, 2), &m) ||
      !ParseDigits(text.substr(8, 2), &d)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": not a date in the form YYYY-MM-DD"));
  }
  if (m < 1 || m > 12) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the month must be 01 to 12"));
  }
  if (d < 1 || d > DaysInMonth(y, m)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": not a day of that month"));
  }
  if (y < kEarliestYear) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": before ", kEarliestYear));
  }
  return absl::CivilDay(y, m, d);
}

absl::StatusOr<absl::CivilDay> ParsePastDate(absl::string_view field, absl::string_view text,
                                             absl::CivilDay today) {
  absl::StatusOr<absl::CivilDay> day = ParseDate(field, text);
  if (day.ok() && *day > today) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": in the future"));
  }
  return day;
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::CivilDay Today(const Clock& clock) {
  return absl::ToCivilDay(clock.Now(), absl::UTCTimeZone());
}

}  // namespace pacto
