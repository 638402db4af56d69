#include "node/server/rpc_metrics.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace pacto {
namespace {

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(RpcMetrics* metrics, const char* method)
      : metrics_(metrics), method_(method != nullptr ? method : "unknown"), start_(absl::Now()) {}

  ~MetricsInterceptor() override {
    if (!recorded_) metrics_->Record(method_, grpc::StatusCode::CANCELLED, absl::Now() - start_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_->Record(method_, methods->GetSendStatus().error_code(), absl::Now() - start_);
      recorded_ = true;
    }
    methods->Proceed();
  }

 private:
  RpcMetrics* const metrics_;
  const std::string method_;
  const absl::Time start_;
  bool recorded_ = false;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(RpcMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info->method());
  }

 private:
  RpcMetrics* const metrics_;
};

std::string Labels(const std::pair<std::string, std::string>& key) {
  return absl::StrCat("method=\"", key.first, "\",code=\"", key.second, "\"");
}

}  // namespace

void RpcMetrics::Record(absl::string_view method, grpc::StatusCode code, absl::Duration latency) {
  const double seconds = absl::ToDoubleSeconds(latency);
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  // gRPC's codes are Abseil's (and Prometheus users know them by these names).
  std::string code_name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  absl::MutexLock lock(&mu_);
  Series& s = series_[{std::string(method), std::move(code_name)}];
  s.buckets[bucket]++;
  s.sum += seconds;
  s.count++;
}

std::string RpcMetrics::Render() const {
  absl::MutexLock lock(&mu_);
  if (series_.empty()) return "";
  std::string out =
      "# HELP pacto_rpc_requests_total RPCs answered, by method and status code.\n"
      "# TYPE pacto_rpc_requests_total counter\n";
  for (const auto& [key, s] : series_) {
    absl::StrAppend(&out, "pacto_rpc_requests_total{", Labels(key), "} ", s.count, "\n");
  }
  absl::StrAppend(&out,
                  "# HELP pacto_rpc_duration_seconds RPC latency from arrival to status, by "
                  "method and status code.\n"
                  "# TYPE pacto_rpc_duration_seconds histogram\n");
  for (const auto& [key, s] : series_) {
    const std::string labels = Labels(key);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s.buckets[i];
      absl::StrAppend(&out, "pacto_rpc_duration_seconds_bucket{", labels, ",le=\"", kBuckets[i],
                      "\"} ", cumulative, "\n");
    }
    absl::StrAppend(&out, "pacto_rpc_duration_seconds_bucket{", labels, ",le=\"+Inf\"} ", s.count,
                    "\n", "pacto_rpc_duration_seconds_sum{", labels, "} ", s.sum, "\n",
                    "pacto_rpc_duration_seconds_count{", labels, "} ", s.count, "\n");
  }
  return out;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewRpcMetricsInterceptorFactory(RpcMetrics* metrics) {
  return std::make_unique<MetricsInterceptorFactory>(metrics);
}

}  // namespace pacto
