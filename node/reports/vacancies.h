// Vacancies: chapters with no current officer in a role their level requires (the
// node's --required-roles, or the request's). A term is current when it has begun
// and has not ended.
#ifndef PACTO_NODE_REPORTS_VACANCIES_H_
#define PACTO_NODE_REPORTS_VACANCIES_H_

#include <functional>

#include "node/reports/report_context.h"

namespace pacto {

absl::Status BuildVacancies(const ReportContext& ctx, const v1::VacanciesRequest& request,
                            const std::function<bool(const v1::VacanciesResponse&)>& emit,
                            int chunk_rows = 2000);

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_VACANCIES_H_
