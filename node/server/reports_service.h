// The gRPC Reports service: federation-wide reports from this node's replica.
#ifndef PACTO_NODE_SERVER_REPORTS_SERVICE_H_
#define PACTO_NODE_SERVER_REPORTS_SERVICE_H_

#include "node/store/database.h"
#include "pacto/v1/reports.grpc.pb.h"

namespace pacto {

class ReportsService final : public v1::Reports::CallbackService {
 public:
  // `db` must outlive the service.
  explicit ReportsService(const Database* db) : db_(db) {}

  grpc::ServerUnaryReactor* Summary(grpc::CallbackServerContext* c, const v1::SummaryRequest* q,
                                    v1::SummaryResponse* r) override;
  grpc::ServerUnaryReactor* Conflicts(grpc::CallbackServerContext* c, const v1::ConflictsRequest* q,
                                      v1::ConflictsResponse* r) override;

 private:
  const Database* const db_;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_REPORTS_SERVICE_H_
