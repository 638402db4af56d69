// Calendar dates as the registry writes them: "YYYY-MM-DD", always a real day of the
// proleptic Gregorian calendar (1990-13-45 and 2001-02-30 are rejected).
#ifndef PACTO_NODE_DOMAIN_DATES_H_
#define PACTO_NODE_DOMAIN_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "node/base/clock.h"

namespace pacto {

// The earliest date the registry accepts anywhere (founding dates reach far back).
inline constexpr int kEarliestYear = 1800;

// Parses `text` strictly. Errors are INVALID_ARGUMENT and begin with `field`.
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view field, absl::string_view text);

// Like ParseDate, and also refuses a day after `today`.
absl::StatusOr<absl::CivilDay> ParsePastDate(absl::string_view field, absl::string_view text,
                                             absl::CivilDay today);

std::string FormatDate(absl::CivilDay day);

// Today's date in UTC by `clock`.
absl::CivilDay Today(const Clock& clock);

}  // namespace pacto

#endif  // PACTO_NODE_DOMAIN_DATES_H_
