// The global flags --wait-for VECTOR and --wait-for-node ADDR: before a command runs,
// wait until the node it talks to has applied at least the writes a version vector
// names. Reports and reads are answered by the node asked, from its own replica, so a
// write made on another node shows there only once replication has brought it (within
// about a second between connected nodes). These flags make that wait explicit:
//
//   pacto --node B:7400 affiliate CHILD PARENT
//   pacto --node L:7401 --wait-for-node B:7400 report summary   # sees the affiliation
//
// A version vector maps each origin node id to the highest contiguous sequence applied
// (`pacto node status`, and every report's "as of" line, print one). --wait-for-node
// takes the vector of node ADDR at the moment the command starts (read from its summary
// report, which every role may ask for, with the same token and TLS files).
//
// Stateless functions; thread-compatible.
#ifndef PACTO_CLIENT_CLI_WAIT_FOR_H_
#define PACTO_CLIENT_CLI_WAIT_FOR_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/lib/pacto_client.h"

namespace pacto::cli {

using WantedVector = std::map<std::string, uint64_t>;

// Parses "ORIGIN=SEQUENCE" pairs separated by commas and/or spaces, e.g.
// "bo-1=1552,lpz-1=2" or "bo-1=1552 lpz-1=2" (as an "as of" line prints it).
// INVALID_ARGUMENT naming --wait-for when empty, malformed, or an origin repeats.
absl::StatusOr<WantedVector> ParseWantedVector(absl::string_view text);

// Whether `have` has applied everything `want` names: for each origin in `want`, its
// sequence in `have` (0 when absent) is at least want's.
template <typename Map>
bool Reaches(const Map& have, const WantedVector& want) {
  for (const auto& [origin, sequence] : want) {
    auto it = have.find(origin);
    if (sequence > 0 && (it == have.end() || it->second < sequence)) return false;
  }
  return true;
}

// The version vector of the node `client` talks to, from its summary report.
absl::StatusOr<WantedVector> CurrentVector(const Client& client);

// Asks the node `client` talks to for its version vector every `poll` until it reaches
// `want`. DEADLINE_EXCEEDED after `timeout`; an error of the node is returned as is.
absl::Status WaitForVector(const Client& client, const WantedVector& want, absl::Duration timeout,
                           absl::Duration poll = absl::Milliseconds(50));

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_WAIT_FOR_H_
