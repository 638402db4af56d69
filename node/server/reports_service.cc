#include "node/server/reports_service.h"

#include "node/reports/conflicts.h"
#include "node/reports/duplicates.h"
#include "node/reports/formation.h"
#include "node/reports/freshness.h"
#include "node/reports/regions.h"
#include "node/reports/summary.h"
#include "node/reports/tree.h"
#include "node/reports/vacancies.h"
#include "node/security/method_rules.h"
#include "node/server/grpc_status.h"

namespace pacto {
namespace {

template <typename Response>
grpc::Status Unary(const absl::StatusOr<Response>& result, Response* out) {
  if (result.ok()) *out = *result;
  return ToGrpc(result.status());
}

template <typename Response>
std::function<bool(const Response&)> Writer(grpc::ServerContext* context,
                                            grpc::ServerWriter<Response>* writer) {
  return [context, writer](const Response& chunk) {
    return !context->IsCancelled() && writer->Write(chunk);
  };
}

}  // namespace

absl::Status ReportsService::Allowed(grpc::ServerContext* c, absl::string_view name,
                                     const google::protobuf::Message* q) const {
  return guard_->Check(*c, FullMethodName("pacto.v1.Reports", name), q).status();
}

#define PACTO_GUARD(name)                                          \
  if (absl::Status allowed = Allowed(c, name, q); !allowed.ok()) { \
    return ToGrpc(allowed);                                        \
  }

grpc::Status ReportsService::Summary(grpc::ServerContext* c, const v1::SummaryRequest* q,
                                     v1::SummaryResponse* r) {
  PACTO_GUARD("Summary");
  return Unary(BuildSummary(context_(), *q), r);
}

grpc::Status ReportsService::Conflicts(grpc::ServerContext* c, const v1::ConflictsRequest* q,
                                       v1::ConflictsResponse* r) {
  PACTO_GUARD("Conflicts");
  return Unary(BuildConflicts(context_(), *q), r);
}

grpc::Status ReportsService::Regions(grpc::ServerContext* c, const v1::RegionsRequest* q,
                                     v1::RegionsResponse* r) {
  PACTO_GUARD("Regions");
  return Unary(BuildRegions(context_(), *q), r);
}

grpc::Status ReportsService::Freshness(grpc::ServerContext* c, const v1::FreshnessRequest* q,
                                       v1::FreshnessResponse* r) {
  PACTO_GUARD("Freshness");
  return Unary(BuildFreshness(context_(), *q), r);
}

grpc::Status ReportsService::Tree(grpc::ServerContext* c, const v1::TreeRequest* q,
                                  grpc::ServerWriter<v1::TreeResponse>* w) {
  PACTO_GUARD("Tree");
  return ToGrpc(BuildTree(context_(), *q, Writer(c, w)));
}

grpc::Status ReportsService::Formation(grpc::ServerContext* c, const v1::FormationRequest* q,
                                       grpc::ServerWriter<v1::FormationResponse>* w) {
  PACTO_GUARD("Formation");
  return ToGrpc(BuildFormation(context_(), *q, Writer(c, w)));
}

grpc::Status ReportsService::Vacancies(grpc::ServerContext* c, const v1::VacanciesRequest* q,
                                       grpc::ServerWriter<v1::VacanciesResponse>* w) {
  PACTO_GUARD("Vacancies");
  return ToGrpc(BuildVacancies(context_(), *q, Writer(c, w)));
}

grpc::Status ReportsService::Duplicates(grpc::ServerContext* c, const v1::DuplicatesRequest* q,
                                        grpc::ServerWriter<v1::DuplicatesResponse>* w) {
  absl::StatusOr<Principal> who =
      guard_->Check(*c, FullMethodName("pacto.v1.Reports", "Duplicates"), q);
  if (!who.ok()) return ToGrpc(who.status());
  return ToGrpc(BuildDuplicates(context_(), *q, CallerFor(*who), Writer(c, w)));
}

#undef PACTO_GUARD

}  // namespace pacto
