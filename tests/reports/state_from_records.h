// A node's registry read back as a FederationState (federation_state.h): every
// record's winning value, from a full scan of the records family, with nothing taken
// from the indexes or counters the apply path keeps. Lets the report checks recount
// from any node's data, e.g. after the nemesis (report_checks.h).
//
// Reads one consistent snapshot. Thread-compatible.
#ifndef PACTO_TESTS_REPORTS_STATE_FROM_RECORDS_H_
#define PACTO_TESTS_REPORTS_STATE_FROM_RECORDS_H_

#include "absl/status/statusor.h"
#include "node/store/database.h"
#include "tests/reports/federation_state.h"

namespace pacto {

absl::StatusOr<FederationState> StateFromRecords(const Database& db);

}  // namespace pacto

#endif  // PACTO_TESTS_REPORTS_STATE_FROM_RECORDS_H_
