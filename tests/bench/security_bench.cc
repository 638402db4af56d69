// What security costs: durable enrolment throughput of a real pacto-node in
// development mode (plaintext, no tokens, no encryption at rest) beside the same node
// with each protection on and with all of them on — mutual TLS, a bearer token checked
// and authorized on every call, AES-256-CTR encryption at rest — in one run, with a
// do-nothing RPC on the plaintext node as the ceiling. The ratio column is each
// throughput over the plaintext enrolment rate (issue #5's goal: all on >= 0.75).
//
// Then catch-up, in development mode and with everything on (mutual TLS between the
// nodes, every entry signed by its origin and checked by the receiver, encryption at
// rest on both): one node takes --catchup-writes enrolments (one log entry, so one
// signature, each), then a fresh node joins with it as its only peer, and the time
// until both digests agree gives entries/s (goal: all on >= 0.65 of development).
//
//   build/tests/bench/security_bench [--callers 16] [--seconds 5] [--catchup-writes 50000]
//                                    [--dir /tmp]
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

// Starts node `name` (its certificate in `certs`) as `setup` says, data under `dir`.
absl::StatusOr<std::unique_ptr<NodeProcess>> StartNode(const Setup& setup,
                                                       const FederationCerts& certs,
                                                       const std::string& name,
                                                       const ScratchDir& dir,
                                                       std::vector<std::string> flags) {
  if (setup.tls) {
    std::vector<std::string> tls = certs.NodeFlags(name);
    flags.insert(flags.end(), tls.begin(), tls.end());
  }
  if (setup.encryption) {
    WriteFile(dir.Sub(name + ".key"),
              "8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\n");
    flags.insert(flags.end(), {"--encryption-key-file", dir.Sub(name + ".key")});
  }
  return NodeProcess::Start(
      {.data_dir = dir.Sub(name), .node_id = name, .region = "BO", .extra_args = flags});
}

// A client of `address` with its own connection; with `setup.tls`, the client
// certificate and a token of `role`.
std::unique_ptr<Client> Connect(const Setup& setup, const FederationCerts& certs,
                                const std::string& address, const std::string& role) {
  ClientOptions options;
  options.address = address;
  options.own_connection = true;
  if (setup.tls) {
    options.ca_file = certs.File("ca.crt");
    options.cert_file = certs.File("client.crt");
    options.key_file = certs.File("client.key");
    options.token = certs.Token(role, "BO", absl::Hours(1), "bench");
  }
  return *Client::Connect(options);
}

// Starts a node as `setup` says and measures enrolment; `ceiling`, when set, also
// gets the do-nothing RPC of this node.
Result Run(const Setup& setup, const FederationCerts& certs, int callers, double seconds,
           Result* ceiling) {
  ScratchDir dir;
  absl::StatusOr<std::unique_ptr<NodeProcess>> node =
      StartNode(setup, certs, "bench", dir, {"--http", "off"});
  if (!node.ok()) {
    std::cerr << node.status() << "\n";
    return Result();
  }
  const std::string address = (*node)->address();
  auto connect = [&] { return Connect(setup, certs, address, "enroller"); };
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

struct CatchUp {
  double rate = 0;     // entries/s
  double seconds = 0;  // from the fresh node's start to equal digests
  uint64_t entries = 0;
  bool ok = false;
};

// `writes` enrolments (one entry each) from `callers` threads on one node, then a
// fresh node that has it as its only peer: the time until their digests agree.
CatchUp MeasureCatchUp(const Setup& setup, const FederationCerts& certs, int callers,
                       uint64_t writes) {
  CatchUp out;
  ScratchDir dir;
  absl::StatusOr<std::unique_ptr<NodeProcess>> source =
      StartNode(setup, certs, "bench", dir, {"--http", "off"});
  if (!source.ok()) {
    std::cerr << source.status() << "\n";
    return out;
  }
  const std::vector<std::string> chapters =
      BuildFederation(*Connect(setup, certs, (*source)->address(), "enroller"), 100);
  std::atomic<uint64_t> next{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back([&] {
      std::unique_ptr<Client> client = Connect(setup, certs, (*source)->address(), "enroller");
      for (uint64_t i = next++; i < writes; i = next++) {
        v1::EnrolMemberRequest request;
        request.set_chapter(chapters[i % chapters.size()]);
        request.set_name(absl::StrCat("Persona ", i, " Quispe"));
        request.set_national_id(absl::StrCat(40000000 + i));
        request.set_birth_date("1990-01-01");
        if (!client->EnrolMember(request).ok()) std::cerr << "enrolment failed\n";
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::unique_ptr<Client> operator_a = Connect(setup, certs, (*source)->address(), "operator");
  absl::StatusOr<v1::StatusResponse> before = operator_a->Status(v1::StatusRequest());
  if (!before.ok()) {
    std::cerr << before.status() << "\n";
    return out;
  }
  for (const auto& [origin, seq] : before->version_vector()) out.entries += seq;

  const double start = Now();
  absl::StatusOr<std::unique_ptr<NodeProcess>> fresh =
      StartNode(setup, certs, "fresh", dir,
                {"--http", "off", "--sync-interval", "200ms", "--peers", (*source)->address()});
  if (!fresh.ok()) {
    std::cerr << fresh.status() << "\n";
    return out;
  }
  std::unique_ptr<Client> operator_b = Connect(setup, certs, (*fresh)->address(), "operator");
  while (Now() - start < 1800) {
    absl::StatusOr<v1::StatusResponse> b = operator_b->Status(v1::StatusRequest());
    if (b.ok() && b->digest() == before->digest()) {
      out.seconds = Now() - start;
      out.rate = out.entries / out.seconds;
      out.ok = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  (*fresh)->Kill();
  (*source)->Kill();
  return out;
}

int Main(int argc, char** argv) {
  const int callers = std::stoi(Flag(argc, argv, "callers", "16"));
  const double seconds = std::stod(Flag(argc, argv, "seconds", "5"));
  setenv("TEST_TMPDIR", Flag(argc, argv, "dir", "/tmp").c_str(), 1);
  ScratchDir dir;
  const uint64_t catchup_writes = std::stoull(Flag(argc, argv, "catchup-writes", "50000"));
  FederationCerts certs(dir.Sub("certs"), {"bench:BO", "fresh:BO"});
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

  const Setup catchups[] = {setups[0], setups[3]};
  std::vector<CatchUp> caught;
  for (const Setup& setup : catchups) {
    caught.push_back(MeasureCatchUp(setup, certs, callers, catchup_writes));
  }
  std::cout << "\nCatch-up: a fresh node pulls " << catchup_writes
            << " enrolments (one entry each) from its only peer\n\n";
  Row({"measure", "entries", "seconds", "entries/s", "ratio"});
  Row({"---", "---", "---", "---", "---"});
  for (size_t i = 0; i < caught.size(); ++i) {
    const CatchUp& c = caught[i];
    Row({absl::StrCat("catch-up, ", catchups[i].name), absl::StrCat(c.entries),
         absl::StrFormat("%.2f", c.seconds), absl::StrFormat("%.0f", c.rate),
         absl::StrFormat("%.2f", caught[0].rate > 0 ? c.rate / caught[0].rate : 0)});
    if (!c.ok) std::cout << "\ncatch-up failed: " << catchups[i].name << "\n";
  }
  uint64_t errors = nothing.errors;
  for (const Result& r : results) errors += r.errors;
  if (errors > 0) std::cout << "\nerrors: " << errors << "\n";
  return 0;
}

}  // namespace
}  // namespace pacto::bench

int main(int argc, char** argv) { return pacto::bench::Main(argc, argv); }
