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
#include "node/server/status_to_grpc.h"

namespace pacto {
namespace {

template <typename Response>
grpc::Status Unary(const absl::StatusOr<Response>& result, Response* out) {
  if (result.ok()) *out = *result;
  return ToGrpc(result.status());
}

// Runs `build` with a sink that writes each chunk to the stream, after checking again
// that the caller's token is neither expired nor revoked (CallGuard::Recheck): a long
// report stops at the first chunk after that, with the status saying why.
template <typename Response, typename Build>
grpc::Status Stream(const CallGuard* guard, const Principal& who, grpc::ServerContext* context,
                    grpc::ServerWriter<Response>* writer, Build build) {
  absl::Status ended;
  absl::Status status = build([&](const Response& chunk) {
    ended = guard->Recheck(who);
    return ended.ok() && !context->IsCancelled() && writer->Write(chunk);
  });
  return ToGrpc(ended.ok() ? status : ended);
}

}  // namespace

absl::StatusOr<Principal> ReportsService::Allowed(grpc::ServerContext* c, absl::string_view name,
                                                  const google::protobuf::Message* q) const {
  return guard_->Check(*c, FullMethodName("pacto.v1.Reports", name), q);
}

#define PACTO_GUARD(name)                              \
  absl::StatusOr<Principal> who = Allowed(c, name, q); \
  if (!who.ok()) return ToGrpc(who.status());

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
  return Stream(guard_, *who, c, w, [&](std::function<bool(const v1::TreeResponse&)> emit) {
    return BuildTree(context_(), *q, std::move(emit));
  });
}

grpc::Status ReportsService::Formation(grpc::ServerContext* c, const v1::FormationRequest* q,
                                       grpc::ServerWriter<v1::FormationResponse>* w) {
  PACTO_GUARD("Formation");
  return Stream(guard_, *who, c, w, [&](std::function<bool(const v1::FormationResponse&)> emit) {
    return BuildFormation(context_(), *q, std::move(emit));
  });
}

grpc::Status ReportsService::Vacancies(grpc::ServerContext* c, const v1::VacanciesRequest* q,
                                       grpc::ServerWriter<v1::VacanciesResponse>* w) {
  PACTO_GUARD("Vacancies");
  return Stream(guard_, *who, c, w, [&](std::function<bool(const v1::VacanciesResponse&)> emit) {
    return BuildVacancies(context_(), *q, std::move(emit));
  });
}

grpc::Status ReportsService::Duplicates(grpc::ServerContext* c, const v1::DuplicatesRequest* q,
                                        grpc::ServerWriter<v1::DuplicatesResponse>* w) {
  PACTO_GUARD("Duplicates");
  return Stream(guard_, *who, c, w, [&](std::function<bool(const v1::DuplicatesResponse&)> emit) {
    return BuildDuplicates(context_(), *q, CallerFor(*who), std::move(emit));
  });
}

#undef PACTO_GUARD

}  // namespace pacto
