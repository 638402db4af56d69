// Counts and latency histograms of the node's RPCs by method and status code, for
// /metrics. A gRPC server interceptor (NewRpcMetricsInterceptorFactory) feeds them, so
// every service is measured without its handlers knowing:
//
//   pacto_rpc_requests_total{method="/pacto.v1.Registry/EnrolMember",code="OK"} 12
//   pacto_rpc_duration_seconds_bucket{method="...",code="OK",le="0.005"} 9
//
// The latency runs from the call's arrival to its status being sent. A call that ends
// without a status (the client went away) counts as CANCELLED.
//
// Thread-safe.
#ifndef PACTO_NODE_SERVER_RPC_METRICS_H_
#define PACTO_NODE_SERVER_RPC_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"

namespace pacto {

class RpcMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  void Record(absl::string_view method, grpc::StatusCode code, absl::Duration latency)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Both families in Prometheus text format (nothing before the first call).
  std::string Render() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Series {
    std::array<uint64_t, kBuckets.size() + 1> buckets{};  // not cumulative; last: +Inf
    double sum = 0;
    uint64_t count = 0;
  };

  mutable absl::Mutex mu_;
  // (method, code name) → series.
  std::map<std::pair<std::string, std::string>, Series> series_ ABSL_GUARDED_BY(mu_);
};

// Interceptors that record every call of the server into `metrics`, which must outlive
// the server. For grpc::ServerBuilder::experimental().SetInterceptorCreators.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewRpcMetricsInterceptorFactory(RpcMetrics* metrics);

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_RPC_METRICS_H_
