// GET of a node's HTTP pages (/metrics, /healthz, /readyz) for tests and benchmarks,
// and a metric's value from a /metrics page.
#ifndef PACTO_TESTS_SUPPORT_HTTP_GET_H_
#define PACTO_TESTS_SUPPORT_HTTP_GET_H_

#include <string>

namespace pacto {

struct HttpResponse {
  int status = 0;  // 0: no answer, or not HTTP
  std::string body;
};

// GET http://127.0.0.1:PORT/PATH over HTTP/1.0 (the server closes after answering),
// waiting at most 10 s for the answer.
HttpResponse HttpGet(int port, const std::string& path);

// The value of the sample `series` (a name, with its labels if it has any, exactly as
// the page spells them) on the /metrics page `page`; 0 when absent.
double MetricValue(const std::string& page, const std::string& series);

}  // namespace pacto

#endif  // PACTO_TESTS_SUPPORT_HTTP_GET_H_
