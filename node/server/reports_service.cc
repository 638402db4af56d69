#include "node/server/reports_service.h"

#include "node/reports/conflicts.h"
#include "node/reports/summary.h"
#include "node/server/grpc_status.h"

namespace pacto {

grpc::ServerUnaryReactor* ReportsService::Summary(grpc::CallbackServerContext* c,
                                                  const v1::SummaryRequest*,
                                                  v1::SummaryResponse* r) {
  auto* reactor = c->DefaultReactor();
  absl::StatusOr<v1::SummaryResponse> summary = BuildSummary(*db_);
  if (summary.ok()) *r = *std::move(summary);
  reactor->Finish(ToGrpc(summary.status()));
  return reactor;
}

grpc::ServerUnaryReactor* ReportsService::Conflicts(grpc::CallbackServerContext* c,
                                                    const v1::ConflictsRequest* q,
                                                    v1::ConflictsResponse* r) {
  auto* reactor = c->DefaultReactor();
  absl::StatusOr<v1::ConflictsResponse> conflicts = BuildConflicts(*db_, *q);
  if (conflicts.ok()) *r = *std::move(conflicts);
  reactor->Finish(ToGrpc(conflicts.status()));
  return reactor;
}

}  // namespace pacto
