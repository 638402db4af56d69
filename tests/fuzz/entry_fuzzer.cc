// Fuzz target: replication's receiving side, from arbitrary bytes.
//
// Input: a v1::EntryBatch as a peer's Pull stream carries it. Every entry goes through
// Applier::ValidateOps; then the batch is applied with ApplyBatch (the function the
// pull session uses) on a real replica holding the sample registry
// (sample_registry.h), so replicated ops meet live records, indexes and tallies. After
// it, derived data (tallies, indexes, digest) must match a recount from the records,
// and a second delivery of the same batch must change nothing (entries are skipped).
//
// Must never crash and never leave derived data inconsistent.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"
#include "node/replication/batch_apply.h"
#include "node/store/applier.h"
#include "pacto/v1/replication.pb.h"
#include "tests/fuzz/fuzz_replica.h"
#include "tests/fuzz/sample_registry.h"
#include "tests/unit/recount.h"

namespace pacto {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "entry_fuzzer: %s\n", what.c_str());
  std::abort();
}

struct Derived {
  CountMap counts;
  IndexMap indexes;
  Digest digest;
};

// Reads the derived data and checks it against a recount from the records.
Derived CheckDerivedData(const Database& db) {
  Derived d;
  absl::StatusOr<CountMap> counts = ReadStoredCounts(db), recounted = RecountFromRecords(db);
  CheckOk(counts.status(), "stored tallies");
  CheckOk(recounted.status(), "recount");
  if (*counts != *recounted) Fail("tallies differ from a recount");
  absl::StatusOr<IndexMap> indexes = ReadStoredIndexes(db), rebuilt = RebuildIndexes(db);
  CheckOk(indexes.status(), "stored indexes");
  CheckOk(rebuilt.status(), "rebuilt indexes");
  if (*indexes != *rebuilt) Fail("indexes differ from a rebuild");
  absl::StatusOr<Digest> digest = ReadStoredDigest(db), summed = RecomputeDigest(db);
  CheckOk(digest.status(), "stored digest");
  CheckOk(summed.status(), "recomputed digest");
  if (*digest != *summed) Fail("digest differs from a recount");
  d.counts = *std::move(counts);
  d.indexes = *std::move(indexes);
  d.digest = *digest;
  return d;
}

}  // namespace
}  // namespace pacto

// Protobuf logs every string with bad UTF-8 it meets; the fuzzer feeds it thousands.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pacto;
  v1::EntryBatch batch;
  if (!batch.ParseFromArray(data, static_cast<int>(size))) return 0;
  bool all_valid = true;
  for (const v1::Entry& entry : batch.entries()) {
    absl::Status s = Applier::ValidateOps(entry);
    if (!s.ok() && s.code() != absl::StatusCode::kInvalidArgument) {
      Fail(absl::StrCat("ValidateOps answered ", s.ToString()));
    }
    all_valid = all_valid && s.ok();
  }

  static FuzzReplica* const node =
      new FuzzReplica([](Replica& r) { WriteSampleRegistry(r.registry()); });
  node->Reset();
  Replica& replica = node->replica();
  const std::vector<v1::Entry> entries(batch.entries().begin(), batch.entries().end());
  BatchResult first;
  absl::Status s = ApplyBatch(replica.pipeline(), replica.hlc(), entries, "fuzz-peer", &first);
  if (std::getenv("PACTO_FUZZ_VERBOSE") != nullptr) {
    std::fprintf(stderr, "%d entries: %s; applied %lu, skipped %lu\n", batch.entries_size(),
                 s.ToString().c_str(), static_cast<unsigned long>(first.applied),
                 static_cast<unsigned long>(first.skipped));
  }
  if (s.ok() && !all_valid) Fail("a batch with an invalid entry was applied");
  switch (s.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      Fail(absl::StrCat("ApplyBatch answered ", s.ToString()));
    default:
      break;
  }
  const Derived before = CheckDerivedData(replica.db());
  if (!s.ok()) return 0;

  // Re-delivery: a peer may send the same entries again; they must all be skipped.
  BatchResult again;
  absl::Status second = ApplyBatch(replica.pipeline(), replica.hlc(), entries, "fuzz-peer", &again);
  CheckOk(second, "applying a batch a second time");
  if (again.applied != 0) Fail("a re-delivered entry was applied again");
  const Derived after = CheckDerivedData(replica.db());
  if (after.counts != before.counts || after.indexes != before.indexes ||
      after.digest != before.digest) {
    Fail("a re-delivered batch changed derived data");
  }
  return 0;
}
