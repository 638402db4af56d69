// Durable enrolment throughput of a real pacto-node, 16 concurrent callers, beside a
// do-nothing RPC (grpc.health.v1.Health/Check on the same server) measured in the
// same run: the ratio says how much of the gRPC ceiling a durable write keeps.
//
//   build/tests/bench/enrol_bench [--callers 16] [--seconds 5] [--dir /tmp]
#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "tests/bench/bench_support.h"
#include "tests/support/processes.h"

namespace pacto::bench {
namespace {

struct Result {
  double rate = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  uint64_t errors = 0;
};

// Runs `call(caller, i)` from `callers` threads for `seconds` after a one-second
// warm-up; counts successes and their latencies.
template <typename Call>
Result Measure(int callers, double seconds, const Call& call) {
  std::atomic<bool> measuring{false}, stop{false};
  std::atomic<uint64_t> done{0}, errors{0};
  absl::Mutex mu;
  std::vector<double> latencies;
  std::vector<std::thread> threads;
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double> mine;
      for (uint64_t i = 0; !stop; ++i) {
        double t0 = Now();
        bool ok = call(c, i);
        if (!measuring) continue;
        if (!ok) {
          errors++;
          continue;
        }
        done++;
        mine.push_back(Now() - t0);
      }
      absl::MutexLock lock(&mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  measuring = true;
  double start = Now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  measuring = false;
  double elapsed = Now() - start;
  stop = true;
  for (auto& t : threads) t.join();
  Result r;
  r.rate = done / elapsed;
  r.p50_ms = Percentile(latencies, 0.50) * 1000;
  r.p99_ms = Percentile(latencies, 0.99) * 1000;
  r.errors = errors;
  return r;
}

int Main(int argc, char** argv) {
  const int callers = std::stoi(Flag(argc, argv, "callers", "16"));
  const double seconds = std::stod(Flag(argc, argv, "seconds", "5"));
  setenv("TEST_TMPDIR", Flag(argc, argv, "dir", "/tmp").c_str(), 1);
  ScratchDir dir;
  absl::StatusOr<std::unique_ptr<NodeProcess>> node =
      NodeProcess::Start({.data_dir = dir.Sub("data"), .node_id = "bench", .region = "BO"});
  if (!node.ok()) {
    std::cerr << node.status() << "\n";
    return 1;
  }
  const std::string address = (*node)->address();
  std::unique_ptr<Client> setup = ConnectOwn(address);
  const std::vector<std::string> chapters = BuildFederation(*setup, 100);

  // The ceiling: a do-nothing RPC on the same server, each caller on its own
  // connection as separate programs would be.
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health;
  for (int c = 0; c < callers; ++c) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    health.push_back(grpc::health::v1::Health::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
  }
  Result nothing = Measure(callers, seconds, [&](int c, uint64_t) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    return health[c]->Check(&context, request, &response).ok();
  });

  std::vector<std::unique_ptr<Client>> clients;
  for (int c = 0; c < callers; ++c) clients.push_back(ConnectOwn(address));
  Result enrol = Measure(callers, seconds, [&](int c, uint64_t i) {
    v1::EnrolMemberRequest request;
    request.set_chapter(chapters[(c * 7 + i) % chapters.size()]);
    request.set_name(absl::StrCat("Miembro ", c, "-", i, " Mamani"));
    request.set_national_id(absl::StrCat(10000000 + c * 1000000 + i));
    request.set_birth_date("1988-04-12");
    return clients[c]->EnrolMember(request).ok();
  });

  std::cout << "\nDurable enrolment, " << callers << " callers, " << seconds
            << " s each, client and node on this machine\n\n";
  Row({"measure", "calls/s", "p50 ms", "p99 ms", "ratio"});
  Row({"---", "---", "---", "---", "---"});
  Row({"do-nothing RPC (health check)", absl::StrFormat("%.0f", nothing.rate),
       absl::StrFormat("%.2f", nothing.p50_ms), absl::StrFormat("%.2f", nothing.p99_ms), "1.00"});
  Row({"durable EnrolMember", absl::StrFormat("%.0f", enrol.rate),
       absl::StrFormat("%.2f", enrol.p50_ms), absl::StrFormat("%.2f", enrol.p99_ms),
       absl::StrFormat("%.2f", enrol.rate / nothing.rate)});
  if (enrol.errors + nothing.errors > 0) {
    std::cout << "\nerrors: " << enrol.errors << " enrolments, " << nothing.errors
              << " health checks\n";
  }
  (*node)->Stop();
  return 0;
}

}  // namespace
}  // namespace pacto::bench

int main(int argc, char** argv) { return pacto::bench::Main(argc, argv); }
