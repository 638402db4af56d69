#include "node/server/export_reactor.h"

#include <thread>

#include "node/registry/export.h"
#include "node/server/status_to_grpc.h"

namespace pacto {

ExportReactor::ExportReactor(const Database* db, const CallGuard* guard, Principal who,
                             v1::ExportMembersRequest request, Caller caller)
    : db_(db),
      guard_(guard),
      who_(std::move(who)),
      request_(std::move(request)),
      caller_(std::move(caller)) {
  std::thread([this] { Run(); }).detach();
}

void ExportReactor::Run() {
  uint64_t rows = 0;
  absl::Status status = ExportMembers(
      *db_, request_, caller_,
      [this](const v1::ExportMembersResponse& batch) { return Send(batch); }, &rows);
  if (!ended_.ok()) status = ended_;
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](ExportReactor* r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu_) { return !r->writing_; },
        this));
  }
  // Nothing may touch this object after Finish: OnDone may delete it at once.
  Finish(ToGrpc(status));
}

bool ExportReactor::Send(const v1::ExportMembersResponse& batch) {
  ended_ = guard_->Recheck(who_);
  if (!ended_.ok()) return false;
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](ExportReactor* r)
             ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu_) { return !r->writing_ || r->broken_; },
        this));
    if (broken_) return false;
    writing_ = true;
  }
  current_ = batch;
  StartWrite(&current_);
  return true;
}

void ExportReactor::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  if (!ok) broken_ = true;
}

void ExportReactor::OnCancel() {
  absl::MutexLock lock(&mu_);
  broken_ = true;
}

}  // namespace pacto
