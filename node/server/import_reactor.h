// The server side of the client-streaming ImportMembers call. Each message's rows go
// to the registry as one batch; up to kMaxBatchesInFlight batches are committing while
// the next message is read, and no further message is read until one finishes, so a
// fast client is slowed to the pace of the disk (flow control) instead of filling
// memory. The response merges every batch's result, errors sorted by line. Rows whose
// chapter the caller may not write to are rejected one by one (the call guard), the
// others go on. A message the reactor refuses (more than kMaxRowsPerMessage rows)
// stops the reading, and the call still ends OK with the counts of every row read and
// `stopped` saying why, so the client always learns how many rows landed. Before each
// message's rows the caller's token is checked again (CallGuard::Recheck): once it
// has expired or been revoked no further row is taken, and `stopped` says
// UNAUTHENTICATED with the reason.
//
// Owns itself: deleted by gRPC in OnDone.
#ifndef PACTO_NODE_SERVER_IMPORT_REACTOR_H_
#define PACTO_NODE_SERVER_IMPORT_REACTOR_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/server_callback.h"
#include "node/registry/registry.h"
#include "node/security/call_guard.h"
#include "pacto/v1/registry.pb.h"

namespace pacto {

class ImportReactor final : public grpc::ServerReadReactor<v1::ImportMembersRequest> {
 public:
  // Enough that batches queue up for the next commit group while one group commits:
  // with 4 (one group's worth) applying waited for every commit, and a core idled.
  static constexpr int kMaxBatchesInFlight = 16;
  static constexpr int kMaxRowsPerMessage = 10000;

  // `who` was authorized for the call by `guard`; both pointers must outlive the call.
  ImportReactor(Registry* registry, const CallGuard* guard, Principal who,
                v1::ImportMembersResponse* response);

  void OnReadDone(bool ok) override;
  void OnDone() override { delete this; }
  void OnCancel() override {}

 private:
  void BatchDone(v1::ImportMembersResponse* partial, std::vector<uint64_t> lines,
                 absl::Status status);
  // True, once, when the client is done and no batch is in flight: the caller then
  // calls Finish, outside the lock (OnDone may delete this object).
  bool ReadyToFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves the rows the caller may not write out of `rows`, into the response.
  void RefuseRowsOutOfScope(std::vector<v1::ImportRow>* rows);

  Registry* const registry_;
  const CallGuard* const guard_;
  const Principal who_;
  Authorizer::RowCache scope_cache_;  // used by the reading thread only
  v1::ImportMembersResponse* const response_;
  v1::ImportMembersRequest request_;  // the message being read

  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool read_waiting_ ABSL_GUARDED_BY(mu_) = false;  // a read is due once a batch ends
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_IMPORT_REACTOR_H_
