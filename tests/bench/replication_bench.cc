// Replication between real pacto-node processes on this machine:
//  1. catch-up: a fresh node pulls N missing writes (members imported on another node);
//     entries/s beside the import rate measured in the same run, and bytes on the wire
//     per byte of payload (the records' values);
//  2. a no-op sync on that registry: time and bytes;
//  3. heal: three regions write M enrolments each while cut off from each other, then
//     meet; time until all three digests agree.
//
//   build/tests/bench/replication_bench [--rows 1000000] [--heal-writes 10000] [--dir /tmp]
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pacto/v1/model.pb.h"
#include "tests/bench/bench_support.h"
#include "tests/support/http_get.h"
#include "tests/support/processes.h"
#include "tests/support/tcp_proxy.h"

namespace pacto::bench {
namespace {

std::unique_ptr<NodeProcess> MustStart(NodeProcess::Options options) {
  absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(options);
  if (!node.ok()) {
    std::cerr << node.status() << "\n";
    std::exit(1);
  }
  return *std::move(node);
}

v1::StatusResponse MustStatus(const Client& client) {
  absl::StatusOr<v1::StatusResponse> status = client.Status(v1::StatusRequest());
  if (!status.ok()) {
    std::cerr << status.status() << "\n";
    std::exit(1);
  }
  return *status;
}

// A metric's value from a node's /metrics page (0 when absent).
double Metric(int http_port, const std::string& name) {
  return MetricValue(HttpGet(http_port, "/metrics").body, name);
}

// Waits until every node shows the same digest and version vector total `want` (0:
// any); returns the seconds it took.
double WaitConverged(const std::vector<const Client*>& clients) {
  const double start = Now();
  while (true) {
    std::string digest;
    bool same = true;
    for (const Client* c : clients) {
      v1::StatusResponse s = MustStatus(*c);
      if (digest.empty()) digest = s.digest();
      same &= s.digest() == digest;
    }
    if (same) return Now() - start;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (Now() - start > 1800) {
      std::cerr << "no convergence within 30 minutes\n";
      std::exit(1);
    }
  }
}

v1::ImportRow MakeRow(uint64_t i, const std::vector<std::string>& chapters) {
  v1::ImportRow row;
  row.set_line(i + 2);
  row.set_chapter(chapters[i % chapters.size()]);
  row.set_name(absl::StrCat("Miembro ", i, " Quispe Mamani"));
  row.set_national_id(absl::StrCat(30000000 + i));
  row.set_birth_date(absl::StrFormat("19%02d-%02d-%02d", 50 + i % 50, 1 + i % 12, 1 + i % 28));
  return row;
}

// What one member is worth as records: the serialized person and membership.
size_t PayloadBytes(const v1::ImportRow& row) {
  v1::Person person;
  person.set_id("pr-0123456789abcdef");
  person.set_name(row.name());
  person.set_national_id(row.national_id());
  person.set_birth_date(row.birth_date());
  v1::Membership membership;
  membership.set_id("mb-0123456789abcdef");
  membership.set_person_id(person.id());
  membership.set_chapter_id(row.chapter());
  membership.set_since("2026-11-27");
  membership.set_status("active");
  return person.ByteSizeLong() + membership.ByteSizeLong();
}

int Main(int argc, char** argv) {
  const uint64_t rows = std::stoull(Flag(argc, argv, "rows", "1000000"));
  const int heal_writes = std::stoi(Flag(argc, argv, "heal-writes", "10000"));
  setenv("TEST_TMPDIR", Flag(argc, argv, "dir", "/tmp").c_str(), 1);
  ScratchDir dir;

  // 1. Catch-up.
  // Peers reach a only through a proxy that counts the bytes on the TCP connection:
  // what the network carries (HTTP/2 framing and compression included), not message
  // sizes. a advertises the proxy's address, so b learns no other way to it.
  absl::StatusOr<std::unique_ptr<TcpProxy>> proxy = TcpProxy::Start();
  if (!proxy.ok()) {
    std::cerr << proxy.status() << "\n";
    return 1;
  }
  auto a =
      MustStart({.data_dir = dir.Sub("a"),
                 .node_id = "a",
                 .region = "BO",
                 .extra_args = {"--sync-interval", "200ms", "--advertise", (*proxy)->address()}});
  (*proxy)->SetTarget(a->address());
  std::unique_ptr<Client> ca = ConnectOwn(a->address());
  const std::vector<std::string> chapters = BuildFederation(*ca, 500);
  uint64_t next = 0;
  double t0 = Now();
  absl::StatusOr<v1::ImportMembersResponse> imported = ca->ImportMembers([&](v1::ImportRow* row) {
    if (next == rows) return false;
    *row = MakeRow(next++, chapters);
    return true;
  });
  if (!imported.ok() || imported->accepted() != rows) {
    std::cerr << "import failed\n";
    return 1;
  }
  const double import_rate = rows / (Now() - t0);

  auto b = MustStart({.data_dir = dir.Sub("b"),
                      .node_id = "b",
                      .region = "BO",
                      .extra_args = {"--sync-interval", "200ms", "--peers", (*proxy)->address()}});
  std::unique_ptr<Client> cb = ConnectOwn(b->address());
  const double catch_up = WaitConverged({ca.get(), cb.get()});
  const double catch_up_rate = rows / catch_up;
  const double messages = Metric(a->http_port(), "pacto_sync_bytes_sent_total");
  const double wire = static_cast<double>((*proxy)->counts().total());
  // The payload: the records' values (a person and a membership per member).
  double payload = 0;
  for (uint64_t i = 0; i < rows; ++i) payload += PayloadBytes(MakeRow(i, chapters));

  // 2. No-op sync.
  const uint64_t wire_before = (*proxy)->counts().total();
  t0 = Now();
  absl::StatusOr<v1::SyncResponse> synced = cb->Sync(v1::SyncRequest());
  const double noop_seconds = Now() - t0;
  const double noop_bytes = static_cast<double>((*proxy)->counts().total() - wire_before);
  a->Stop();
  b->Stop();

  // 3. Heal: three regions write while apart, then meet.
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  std::vector<std::unique_ptr<Client>> clients;
  const char* regions[] = {"BO", "LPZ", "SCZ"};
  for (int i = 0; i < 3; ++i) {
    nodes.push_back(MustStart({.data_dir = dir.Sub(absl::StrCat("h", i)),
                               .node_id = absl::StrCat("h", i),
                               .region = regions[i]}));
    clients.push_back(ConnectOwn(nodes.back()->address()));
  }
  // The same starting federation everywhere: built on h0, copied by a first meeting.
  const std::vector<std::string> heal_chapters = BuildFederation(*clients[0], 30);
  std::vector<std::string> addresses;
  for (auto& n : nodes) addresses.push_back(n->address());
  for (int i = 1; i < 3; ++i) {
    nodes[i]->Stop();
    nodes[i] = MustStart({.data_dir = dir.Sub(absl::StrCat("h", i)),
                          .node_id = absl::StrCat("h", i),
                          .region = regions[i],
                          .extra_args = {"--peers", addresses[0], "--sync-interval", "200ms"}});
    clients[i] = ConnectOwn(nodes[i]->address());
  }
  WaitConverged({clients[0].get(), clients[1].get(), clients[2].get()});
  // Apart: every node restarted without peers (and forgetting them).
  for (int i = 0; i < 3; ++i) {
    nodes[i]->Stop();
    std::string fresh = dir.Sub(absl::StrCat("h", i));
    nodes[i] = MustStart({.data_dir = fresh,
                          .node_id = absl::StrCat("h", i),
                          .region = regions[i],
                          .extra_args = {"--sync-interval", "1h"}});
    clients[i] = ConnectOwn(nodes[i]->address());
  }
  for (int i = 0; i < 3; ++i) {
    for (int w = 0; w < heal_writes; ++w) {
      v1::EnrolMemberRequest request;
      request.set_chapter(heal_chapters[w % heal_chapters.size()]);
      request.set_name(absl::StrCat("Persona ", i, "-", w));
      request.set_national_id(absl::StrCat(50000000 + i * 1000000 + w));
      if (!clients[i]->EnrolMember(request).ok()) return 1;
    }
  }
  // Meet: restart with every other node as a peer.
  for (auto& n : nodes) addresses[&n - &nodes[0]] = n->address();
  t0 = Now();
  for (int i = 0; i < 3; ++i) {
    nodes[i]->Stop();
    std::vector<std::string> extra = {
        "--sync-interval", "200ms",
        "--peers",         addresses[(i + 1) % 3] + "," + addresses[(i + 2) % 3],
        "--listen",        addresses[i]};
    nodes[i] = MustStart({.data_dir = dir.Sub(absl::StrCat("h", i)),
                          .node_id = absl::StrCat("h", i),
                          .region = regions[i],
                          .extra_args = extra});
    clients[i] = ConnectOwn(nodes[i]->address());
  }
  const double heal = WaitConverged({clients[0].get(), clients[1].get(), clients[2].get()});
  const double restart = Now() - t0 - heal;

  std::cout << "\nReplication between pacto-node processes on this machine\n\n";
  Row({"measure", "result", "ceiling in the same run", "ratio"});
  Row({"---", "---", "---", "---"});
  Row({absl::StrCat("catch-up of ", rows, " missing members by a fresh node"),
       absl::StrFormat("%.0f members/s (%.1f s)", catch_up_rate, catch_up),
       absl::StrFormat("import on the sender: %.0f members/s", import_rate),
       absl::StrFormat("%.2f", catch_up_rate / import_rate)});
  Row({"bytes on the wire (TCP, both directions) per byte of payload (records' values)",
       absl::StrFormat("%.1f MB on the wire (messages before compression: %.1f MB)", wire / 1e6,
                       messages / 1e6),
       absl::StrFormat("%.1f MB of payload", payload / 1e6),
       absl::StrFormat("%.2f", wire / payload)});
  Row({absl::StrCat("no-op sync on that registry (", synced.ok() ? "ok" : "failed", ")"),
       absl::StrFormat("%.1f ms, %.0f bytes on the wire", noop_seconds * 1000, noop_bytes), "-",
       "-"});
  Row({absl::StrCat("heal after 3 regions wrote ", heal_writes, " times each apart"),
       absl::StrFormat("%.2f s to equal digests", heal),
       absl::StrFormat("(node restarts took %.2f s)", restart), "-"});
  for (auto& n : nodes) n->Stop();
  return 0;
}

}  // namespace
}  // namespace pacto::bench

int main(int argc, char** argv) { return pacto::bench::Main(argc, argv); }
