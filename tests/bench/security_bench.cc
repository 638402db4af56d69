// What security costs: durable enrolment throughput of a real pacto-node in
// development mode (plaintext, no tokens, no encryption at rest) beside the same node
// with each protection on and with all of them on — mutual TLS, a bearer token checked
// and authorized on every call, AES-256-CTR encryption at rest — in one run, with a
// do-nothing RPC on the plaintext node as the ceiling. The ratio column is each
// throughput over the plaintext enrolment rate (issue #5's goal: all on >= 0.75).
//
//   build/tests/bench/security_bench [--callers 16] [--seconds 5] [--dir /tmp]
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
#include "tests/security/federation_certs.h"
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

struct Setup {
  const char* name;
  bool tls;         // mutual TLS and a token on every call
  bool encryption;  // data at rest
};

// Starts a node as `setup` says and measures enrolment; `ceiling`, when set, also
// gets the do-nothing RPC of this node.
Result Run(const Setup& setup, const FederationCerts& certs, int callers, double seconds,
           Result* ceiling) {
  ScratchDir dir;
  std::vector<std::string> flags = {"--http", "off"};
  if (setup.tls) {
    std::vector<std::string> tls = certs.NodeFlags("bench");
    flags.insert(flags.end(), tls.begin(), tls.end());
  }
  if (setup.encryption) {
    WriteFile(dir.Sub("key"), "8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\n");
    flags.insert(flags.end(), {"--encryption-key-file", dir.Sub("key")});
  }
  absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
      {.data_dir = dir.Sub("data"), .node_id = "bench", .region = "BO", .extra_args = flags});
  if (!node.ok()) {
    std::cerr << node.status() << "\n";
    return Result();
  }
  const std::string address = (*node)->address();
  auto connect = [&] {
    ClientOptions options;
    options.address = address;
    options.own_connection = true;
    if (setup.tls) {
      options.ca_file = certs.File("ca.crt");
      options.cert_file = certs.File("client.crt");
      options.key_file = certs.File("client.key");
      options.token = certs.Token("enroller", "BO", absl::Hours(1), "bench");
    }
    return *Client::Connect(options);
  };
  const std::vector<std::string> chapters = BuildFederation(*connect(), 100);

  if (ceiling != nullptr) {
    std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health;
    for (int c = 0; c < callers; ++c) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      health.push_back(grpc::health::v1::Health::NewStub(
          grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
    }
    *ceiling = Measure(callers, seconds, [&](int c, uint64_t) {
      grpc::ClientContext context;
      grpc::health::v1::HealthCheckRequest request;
      grpc::health::v1::HealthCheckResponse response;
      return health[c]->Check(&context, request, &response).ok();
    });
  }
  std::vector<std::unique_ptr<Client>> clients;
  for (int c = 0; c < callers; ++c) clients.push_back(connect());
  Result enrol = Measure(callers, seconds, [&](int c, uint64_t i) {
    v1::EnrolMemberRequest request;
    request.set_chapter(chapters[(c * 7 + i) % chapters.size()]);
    request.set_name(absl::StrCat("Miembro ", c, "-", i, " Mamani"));
    request.set_national_id(absl::StrCat(10000000 + c * 1000000 + i));
    request.set_birth_date("1988-04-12");
    return clients[c]->EnrolMember(request).ok();
  });
  clients.clear();
  (*node)->Kill();  // the figures are in; a clean stop would only wait out connections
  return enrol;
}

int Main(int argc, char** argv) {
  const int callers = std::stoi(Flag(argc, argv, "callers", "16"));
  const double seconds = std::stod(Flag(argc, argv, "seconds", "5"));
  setenv("TEST_TMPDIR", Flag(argc, argv, "dir", "/tmp").c_str(), 1);
  ScratchDir dir;
  FederationCerts certs(dir.Sub("certs"), {"bench:BO"});
  if (!certs.ok()) {
    std::cerr << certs.error() << "\n";
    return 1;
  }
  Result nothing;
  const Setup setups[] = {{"development mode (plaintext, no auth, no encryption)", false, false},
                          {"mutual TLS + token on every call", true, false},
                          {"encryption at rest", false, true},
                          {"all on: mutual TLS + token + encryption", true, true}};
  std::vector<Result> results;
  for (const Setup& setup : setups) {
    results.push_back(Run(setup, certs, callers, seconds, results.empty() ? &nothing : nullptr));
  }

  std::cout << "\nDurable enrolment with and without security, " << callers << " callers, "
            << seconds << " s each, client and node on this machine\n\n";
  Row({"measure", "calls/s", "p50 ms", "p99 ms", "ratio"});
  Row({"---", "---", "---", "---", "---"});
  const double base = results[0].rate;
  auto row = [&](const std::string& name, const Result& r) {
    Row({name, absl::StrFormat("%.0f", r.rate), absl::StrFormat("%.2f", r.p50_ms),
         absl::StrFormat("%.2f", r.p99_ms), absl::StrFormat("%.2f", base > 0 ? r.rate / base : 0)});
  };
  row("do-nothing RPC (health check, plaintext)", nothing);
  for (size_t i = 0; i < results.size(); ++i) {
    row(absl::StrCat("EnrolMember, ", setups[i].name), results[i]);
  }
  uint64_t errors = nothing.errors;
  for (const Result& r : results) errors += r.errors;
  if (errors > 0) std::cout << "\nerrors: " << errors << "\n";
  return 0;
}

}  // namespace
}  // namespace pacto::bench

int main(int argc, char** argv) { return pacto::bench::Main(argc, argv); }
