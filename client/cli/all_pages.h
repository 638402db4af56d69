// Following a paginated List RPC to its last page.
#ifndef PACTO_CLIENT_CLI_ALL_PAGES_H_
#define PACTO_CLIENT_CLI_ALL_PAGES_H_

#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace pacto::cli {

// The largest page the node serves; fewer round trips for long lists.
inline constexpr int kListPageSize = 1000;

// Calls `fetch(request)` with each page token in turn until a page comes back with an
// empty next_page_token, and returns one response holding every page's items (merged
// with MergeFrom) and an empty next_page_token. Fails with the first failed page's
// error, or INTERNAL if the node hands back the same token twice.
//
// Request and Response are a List RPC's messages (page_size, page_token,
// next_page_token); Fetch is callable as absl::StatusOr<Response>(const Request&).
//
// Example:
//   absl::StatusOr<v1::ListRegionsResponse> all = FetchAllPages(
//       v1::ListRegionsRequest(),
//       [&](const v1::ListRegionsRequest& r) { return client.ListRegions(r); });
template <
    typename Request, typename Fetch,
    typename Response = typename std::invoke_result_t<const Fetch&, const Request&>::value_type>
absl::StatusOr<Response> FetchAllPages(Request request, const Fetch& fetch) {
  request.set_page_size(kListPageSize);
  Response all;
  while (true) {
    PACTO_ASSIGN_OR_RETURN(Response page, fetch(request));
    std::string next = page.next_page_token();
    all.MergeFrom(page);
    if (next.empty()) break;
    if (next == request.page_token()) {
      return absl::InternalError(absl::StrCat("the node returned page token '", next, "' twice"));
    }
    request.set_page_token(std::move(next));
  }
  all.clear_next_page_token();
  return all;
}

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_ALL_PAGES_H_
