// The replica fuzz targets write to: a real Replica (database, applier, commit
// pipeline, registry) on an in-memory RocksDB environment, with a fixed clock and
// deterministic ids. It is opened once per process and set up once; Reset() puts it
// back to the state right after set-up before every input, so that one input always
// meets the same state and a crash reproduces from that input alone. (Opening a fresh
// replica per input costs ~100 ms; a reset costs well under one.)
//
//   static FuzzReplica* node = new FuzzReplica(WriteSample);   // once
//   node->Reset();                                               // every input
//   node->replica().registry().AddChapter(...);
//
// Not thread-safe. REQUIRES: no write is in flight when Reset() is called (fuzz
// targets await every write they start).
#ifndef PACTO_TESTS_FUZZ_FUZZ_REPLICA_H_
#define PACTO_TESTS_FUZZ_FUZZ_REPLICA_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "node/base/clock.h"
#include "node/registry/replica.h"
#include "rocksdb/env.h"

namespace pacto {

// 2024-06-01T12:00:00Z: every fuzz run sees the same "today".
inline constexpr int64_t kFuzzNowUnixSeconds = 1717243200;

class FuzzReplica {
 public:
  // Opens the replica, resets the id generator (ResetFuzzIds) and runs `setup` on it.
  // Aborts (a broken fuzzer, not a finding) when the replica cannot open.
  explicit FuzzReplica(const std::function<void(Replica&)>& setup);
  ~FuzzReplica();
  FuzzReplica(const FuzzReplica&) = delete;
  FuzzReplica& operator=(const FuzzReplica&) = delete;

  // Returns every column family to its content right after set-up, reloads the apply
  // path's in-memory state from it, and makes ids continue from where set-up left them.
  void Reset();

  Replica& replica() { return *replica_; }

 private:
  using Contents = std::map<std::string, std::string>;
  std::vector<rocksdb::ColumnFamilyHandle*> Families();

  ManualClock clock_;
  std::unique_ptr<rocksdb::Env> env_;  // outlives replica_
  std::unique_ptr<Replica> replica_;
  std::vector<Contents> after_setup_;  // one per Families() entry
  uint64_t ids_after_setup_ = 0;
};

// Makes NewId deterministic for the rest of the process: "<prefix>-fz<n>", n counting
// on from `issued`.
void ResetFuzzIds(uint64_t issued = 0);
// How many ids NewId has made since the last ResetFuzzIds(0).
uint64_t FuzzIdsIssued();

// Aborts with `what` and the status when `s` is not OK: for set-up steps and for
// invariants the targets check.
void CheckOk(const absl::Status& s, const char* what);

}  // namespace pacto

#endif  // PACTO_TESTS_FUZZ_FUZZ_REPLICA_H_
