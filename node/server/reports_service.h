// The gRPC Reports service: federation-wide reports from this node's replica. Uses
// gRPC's synchronous API: large reports stream with flow control, and a long report
// occupies a server thread, not a callback thread.
#ifndef PACTO_NODE_SERVER_REPORTS_SERVICE_H_
#define PACTO_NODE_SERVER_REPORTS_SERVICE_H_

#include <functional>

#include "node/reports/report_context.h"
#include "node/security/call_guard.h"
#include "pacto/v1/reports.grpc.pb.h"

namespace pacto {

class ReportsService final : public v1::Reports::Service {
 public:
  // `context` is called for each report (fresh time, current peers). `guard` decides
  // who may read which report, and must outlive the service.
  ReportsService(std::function<ReportContext()> context, const CallGuard* guard)
      : context_(std::move(context)), guard_(guard) {}

  grpc::Status Summary(grpc::ServerContext* c, const v1::SummaryRequest* q,
                       v1::SummaryResponse* r) override;
  grpc::Status Conflicts(grpc::ServerContext* c, const v1::ConflictsRequest* q,
                         v1::ConflictsResponse* r) override;
  grpc::Status Regions(grpc::ServerContext* c, const v1::RegionsRequest* q,
                       v1::RegionsResponse* r) override;
  grpc::Status Freshness(grpc::ServerContext* c, const v1::FreshnessRequest* q,
                         v1::FreshnessResponse* r) override;
  grpc::Status Tree(grpc::ServerContext* c, const v1::TreeRequest* q,
                    grpc::ServerWriter<v1::TreeResponse>* w) override;
  grpc::Status Formation(grpc::ServerContext* c, const v1::FormationRequest* q,
                         grpc::ServerWriter<v1::FormationResponse>* w) override;
  grpc::Status Vacancies(grpc::ServerContext* c, const v1::VacanciesRequest* q,
                         grpc::ServerWriter<v1::VacanciesResponse>* w) override;
  grpc::Status Duplicates(grpc::ServerContext* c, const v1::DuplicatesRequest* q,
                          grpc::ServerWriter<v1::DuplicatesResponse>* w) override;

 private:
  // OK when the caller may read report `name`.
  absl::StatusOr<Principal> Allowed(grpc::ServerContext* c, absl::string_view name,
                                    const google::protobuf::Message* q) const;

  const std::function<ReportContext()> context_;
  const CallGuard* const guard_;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_REPORTS_SERVICE_H_
