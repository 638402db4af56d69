// The server side of the streaming ExportMembers call. The export reads on a thread of
// its own and hands each batch to gRPC one at a time, waiting for each write to
// finish: a slow client slows the export (flow control) and memory stays at one batch.
// Before each batch the caller's token is checked again (CallGuard::Recheck): once it
// has expired or been revoked the export ends with UNAUTHENTICATED.
//
// Owns itself: deleted by gRPC in OnDone.
#ifndef PACTO_NODE_SERVER_EXPORT_REACTOR_H_
#define PACTO_NODE_SERVER_EXPORT_REACTOR_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/server_callback.h"
#include "node/registry/caller.h"
#include "node/security/call_guard.h"
#include "node/store/database.h"
#include "pacto/v1/registry.pb.h"

namespace pacto {

class ExportReactor final : public grpc::ServerWriteReactor<v1::ExportMembersResponse> {
 public:
  // Starts exporting at once for `who`, authorized by `guard`, each row's person as
  // `caller` may see it. `db` and `guard` must outlive the call.
  ExportReactor(const Database* db, const CallGuard* guard, Principal who,
                v1::ExportMembersRequest request, Caller caller);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override { delete this; }

 private:
  void Run();
  // Writes one batch and waits until gRPC is done with it; false once the client
  // has gone.
  bool Send(const v1::ExportMembersResponse& batch);

  const Database* const db_;
  const CallGuard* const guard_;
  const Principal who_;
  const v1::ExportMembersRequest request_;
  absl::Status ended_;                 // export thread only: why the caller may no longer go on
  const Caller caller_;                // whose scope the rows' persons are shown for
  v1::ExportMembersResponse current_;  // the batch being written

  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_EXPORT_REACTOR_H_
