// Shared pieces of the benchmarks: a real pacto-node in a scratch dir, a small
// federation to write into, wall-clock timing, process memory, and the result table.
// Benchmarks are separate from the tests: they print figures, they assert nothing.
#ifndef PACTO_TESTS_BENCH_BENCH_SUPPORT_H_
#define PACTO_TESTS_BENCH_BENCH_SUPPORT_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client/lib/pacto_client.h"

namespace pacto::bench {

// Seconds since an arbitrary start.
inline double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A client with its own connection (no subchannel sharing), like a separate program.
std::unique_ptr<Client> ConnectOwn(const std::string& address);

// Region BO, a pact, and `sindicatos` sindicatos affiliated to it; returns their ids.
std::vector<std::string> BuildFederation(const Client& client, int sindicatos);

// Resident set size of a process, in MiB (from /proc/PID/status).
double RssMiB(pid_t pid);
// Bytes under a directory.
uint64_t DirectoryBytes(const std::string& path);

// Latency percentile (0..1) of `samples` (seconds); sorts them.
double Percentile(std::vector<double>& samples, double p);

// Prints `| a | b | ... |` rows of a Markdown table (the README takes them as is).
void Row(const std::vector<std::string>& cells);

// The value of --name in argv, or `fallback`.
std::string Flag(int argc, char** argv, const std::string& name, const std::string& fallback);

}  // namespace pacto::bench

#endif  // PACTO_TESTS_BENCH_BENCH_SUPPORT_H_
