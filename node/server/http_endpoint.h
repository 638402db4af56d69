// The node's HTTP port: /healthz (200 "ok" while the node serves, 503 otherwise),
// /readyz (200 once it is ready for traffic, 503 with the reason before) and /metrics
// (Prometheus text format). Served by cpp-httplib from Debian on a thread of
// its own.
#ifndef PACTO_NODE_SERVER_HTTP_ENDPOINT_H_
#define PACTO_NODE_SERVER_HTTP_ENDPOINT_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace pacto {

class HttpEndpoint {
 public:
  struct Handlers {
    std::function<bool()> healthy;
    // Why the node is not ready yet; "" when it is.
    std::function<std::string()> not_ready;
    std::function<std::string()> metrics;
  };

  // Binds `address` (host:port; port 0 picks a free one) at once, so a port in use is
  // reported here, then serves until Stop.
  static absl::StatusOr<std::unique_ptr<HttpEndpoint>> Start(const std::string& address,
                                                             Handlers handlers);
  ~HttpEndpoint();

  int port() const { return port_; }
  void Stop();

 private:
  HttpEndpoint() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_HTTP_ENDPOINT_H_
