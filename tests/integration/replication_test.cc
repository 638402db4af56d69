// Replication between real pacto-node processes (DESIGN §5, §8), with a
// fault-injecting TCP proxy (tests/support/tcp_proxy.h) in front of each node.
//
// Topology. A node is reached only at the address it advertises, and peers learn
// each other's addresses from sessions and exchanged peer lists, so one address per
// node ends up everywhere. Where a topology needs faults, each node therefore
// advertises the address of a proxy in front of it and is seeded with its peers' proxy
// addresses: every node-to-node connection then goes through the proxy in front of
// the callee (AwaitPeersOk checks that no node learns any other address). A proxy cuts
// a single link by refusing one client process (TcpProxy::RefuseClients), which is how
// a partition of {A, B} from {C} and a line A–B–C are made real although A, B and C
// all dial the same advertised addresses.
//
// Everything is driven through the `pacto` CLI, whose --json output is parsed into
// the response's proto message. Waits poll with generous deadlines; no assertion
// depends on how fast anything happens.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "pacto/v1/admin.pb.h"
#include "pacto/v1/model.pb.h"
#include "pacto/v1/registry.pb.h"
#include "pacto/v1/reports.pb.h"
#include "tests/support/http_get.h"
#include "tests/support/processes.h"
#include "tests/support/tcp_proxy.h"

namespace pacto {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// How long a wait may take before the test gives up. Far above what the waits need
// (a few seconds at a 200 ms sync interval); only a hang reaches it.
constexpr absl::Duration kPatience = absl::Seconds(60);
constexpr absl::Duration kPoll = absl::Milliseconds(50);

// --- A small loopback client and echo server, for the proxy's own tests ----------------

int Dial(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends `text` and reads back as many bytes; "" when the connection ends first
// (reset or closed) or nothing comes within `wait`.
std::string RoundTrip(int fd, const std::string& text, int wait_ms = 10000) {
  if (send(fd, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size())) {
    return "";
  }
  std::string got;
  while (got.size() < text.size()) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, wait_ms) <= 0) return "";
    char buf[256];
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return "";
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

// Echoes every connection's bytes back, one thread per connection.
class EchoServer {
 public:
  EchoServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(listen_fd_, 16);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] {
      while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        echoes_.emplace_back([this, fd] {
          char buf[4096];
          while (!stop_) {
            pollfd q{fd, POLLIN, 0};
            if (poll(&q, 1, 50) <= 0) continue;
            const ssize_t n = read(fd, buf, sizeof(buf));
            if (n <= 0 || send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
          }
          close(fd);
        });
      }
    });
  }
  ~EchoServer() {
    stop_ = true;
    acceptor_.join();
    for (std::thread& t : echoes_) t.join();
    close(listen_fd_);
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> echoes_;  // only the acceptor touches it before the join
};

// Polls `done` until it holds or `timeout` passes; returns its last answer.
bool Eventually(const std::function<bool()>& done, absl::Duration timeout = kPatience) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (done()) return true;
    if (absl::Now() > deadline) return false;
    absl::SleepFor(kPoll);
  }
}

TEST(TcpProxyTest, ForwardsCountsCutsHealsAndRefusesChosenProcesses) {
  EchoServer echo;
  absl::StatusOr<std::unique_ptr<TcpProxy>> started = TcpProxy::Start(echo.address());
  ASSERT_TRUE(started.ok()) << started.status();
  TcpProxy& proxy = **started;

  const int a = Dial(proxy.port());
  ASSERT_GE(a, 0);
  EXPECT_EQ(RoundTrip(a, "hello"), "hello");
  EXPECT_EQ(RoundTrip(a, "again!"), "again!");
  // A pump counts a chunk once it has passed it on, so the count may trail the echo.
  EXPECT_TRUE(Eventually([&] { return proxy.counts().total() == 22; }));
  EXPECT_EQ(proxy.counts().to_target, 11u);
  EXPECT_EQ(proxy.counts().to_client, 11u);
  EXPECT_EQ(proxy.connections_forwarded(), 1u);

  // A cut resets the open connection and refuses new ones; nothing more is forwarded.
  proxy.Cut();
  EXPECT_TRUE(proxy.is_cut());
  EXPECT_EQ(RoundTrip(a, "lost"), "");
  close(a);
  const int b = Dial(proxy.port());
  EXPECT_EQ(RoundTrip(b, "refused"), "");
  close(b);
  EXPECT_GE(proxy.connections_refused(), 1u);
  EXPECT_EQ(proxy.counts().to_target, 11u);

  // Blackholed, a connection is accepted and left unanswered until the heal resets it.
  proxy.Cut(TcpProxy::CutMode::kBlackhole);
  const int hole = Dial(proxy.port());
  EXPECT_EQ(RoundTrip(hole, "anyone?", /*wait_ms=*/300), "");
  pollfd still_open{hole, POLLIN, 0};
  EXPECT_EQ(poll(&still_open, 1, 0), 0) << "a blackholed connection was answered or closed";

  proxy.Heal();
  char byte;
  EXPECT_LE(read(hole, &byte, 1), 0) << "the heal did not reset the blackholed connection";
  close(hole);
  const int c = Dial(proxy.port());
  EXPECT_EQ(RoundTrip(c, "back"), "back");

  // Refusing this process drops its connection and refuses the next; refusing some
  // other process does not touch it (the client is told apart by its process).
  proxy.RefuseClients({getpid()});
  EXPECT_EQ(RoundTrip(c, "dropped"), "");
  close(c);
  const int d = Dial(proxy.port());
  EXPECT_EQ(RoundTrip(d, "refused"), "");
  close(d);
  EXPECT_EQ(proxy.connections_refused_from(getpid()), 1u);
  proxy.RefuseClients({1});
  const int e = Dial(proxy.port());
  EXPECT_EQ(RoundTrip(e, "admitted"), "admitted");

  // The added delay holds each chunk in each direction: a lower bound on the round
  // trip that no slowness of the machine can break.
  proxy.SetDelay(absl::Milliseconds(100));
  const absl::Time before = absl::Now();
  EXPECT_EQ(RoundTrip(e, "slow"), "slow");
  EXPECT_GE(absl::Now() - before, absl::Milliseconds(200));
  close(e);

  // A new target takes new connections.
  EchoServer other;
  proxy.SetDelay(absl::ZeroDuration());
  EXPECT_TRUE(proxy.SetTarget(other.address()));
  EXPECT_FALSE(proxy.SetTarget("not an address"));
  const int f = Dial(proxy.port());
  EXPECT_EQ(RoundTrip(f, "elsewhere"), "elsewhere");
  close(f);
}

// --- Nodes ------------------------------------------------------------------------------

std::string Describe(const std::vector<std::string>& args, const CommandResult& r) {
  return absl::StrCat("pacto ", absl::StrJoin(args, " "), "\nexit ", r.exit_code,
                      "\nstdout: ", r.out.substr(0, 2000), "\nstderr: ", r.err);
}

template <typename M>
bool Parse(const std::string& json, M* out) {
  return google::protobuf::util::JsonStringToMessage(json, out).ok();
}

std::string DescribeStatus(const v1::StatusResponse& s) {
  std::string vv;
  std::map<std::string, uint64_t> sorted(s.version_vector().begin(), s.version_vector().end());
  for (const auto& [origin, seq] : sorted) absl::StrAppend(&vv, origin, ":", seq, " ");
  return absl::StrCat(s.node_id(), " digest=", s.digest(), " vv={", vv,
                      "} log_entries=", s.log_entries(), " log_retained=", s.log_retained(),
                      " peers_known=", s.peers_known(), " peers_failing=", s.peers_failing());
}

// "" when `a` equals `b`, else what differs. Maps compare as maps, and repeated
// fields as sets: nodes need not list things in one order.
std::string Differences(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  google::protobuf::util::MessageDifferencer differ;
  std::string report;
  differ.ReportDifferencesToString(&report);
  differ.set_repeated_field_comparison(google::protobuf::util::MessageDifferencer::AS_SET);
  differ.Compare(a, b);
  return report;
}

uint64_t Seq(const v1::StatusResponse& s, const std::string& origin) {
  auto it = s.version_vector().find(origin);
  return it == s.version_vector().end() ? 0 : it->second;
}

uint64_t TotalSeq(const v1::StatusResponse& s) {
  uint64_t total = 0;
  for (const auto& [origin, seq] : s.version_vector()) total += seq;
  return total;
}

// A CSV of `rows` members of `chapter` for `pacto member import`, with national ids
// `first`, `first + 1`, ... (distinct people).
std::string MembersCsv(const std::string& chapter, int rows, int first) {
  std::string csv = "chapter,name,national_id,birth_date\n";
  for (int i = 0; i < rows; ++i) {
    absl::StrAppend(&csv, chapter, ",Persona ", first + i, ",", first + i, ",1985-06-0", 1 + i % 9,
                    "\n");
  }
  return csv;
}

// One node and, unless it is reached directly, the proxy in front of it.
struct Site {
  std::string id;
  std::string region;
  std::string data_dir;
  std::vector<std::string> args;  // the node's flags, kept for restarts
  std::unique_ptr<TcpProxy> proxy;
  std::unique_ptr<NodeProcess> node;

  // What peers dial: the proxy when there is one.
  std::string advertised() const { return proxy ? proxy->address() : node ? node->address() : ""; }
  pid_t pid() const { return node ? node->pid() : -1; }
};

class ReplicationTest : public ::testing::Test {
 protected:
  struct SiteOptions {
    bool proxied = true;
    // Sites whose advertised addresses are this node's --peers.
    std::vector<Site*> seeds;
    std::vector<std::string> extra_args;
    // Start the node now (otherwise call Launch).
    bool launch = true;
  };

  void TearDown() override {
    if (HasFailure()) {
      for (const std::unique_ptr<Site>& s : sites_) {
        if (!s->node) continue;
        const std::string log = s->node->Log();
        std::cerr << "---- log of " << s->id << " (last 3000 bytes) ----\n"
                  << log.substr(log.size() > 3000 ? log.size() - 3000 : 0) << "\n";
      }
    }
  }

  // A node with id `id` homed in `region`, its own data dir, --sync-interval 200ms,
  // and a proxy in front of it that it advertises (when `proxied`).
  Site* AddSite(const std::string& id, const std::string& region, SiteOptions options) {
    auto site = std::make_unique<Site>();
    site->id = id;
    site->region = region;
    site->data_dir = dir_.Sub(id);
    if (options.proxied) {
      // No target until the node listens: until then every connection is refused.
      absl::StatusOr<std::unique_ptr<TcpProxy>> proxy = TcpProxy::Start();
      EXPECT_TRUE(proxy.ok()) << proxy.status();
      if (proxy.ok()) site->proxy = *std::move(proxy);
    }
    site->args = {"--sync-interval", "200ms"};
    if (site->proxy) site->args.insert(site->args.end(), {"--advertise", site->proxy->address()});
    std::vector<std::string> seeds;
    for (Site* seed : options.seeds) seeds.push_back(seed->advertised());
    if (!seeds.empty()) site->args.insert(site->args.end(), {"--peers", absl::StrJoin(seeds, ",")});
    // Later flags win, so a test may override the interval.
    site->args.insert(site->args.end(), options.extra_args.begin(), options.extra_args.end());
    sites_.push_back(std::move(site));
    Site* s = sites_.back().get();
    if (options.launch) Launch(s);
    return s;
  }

  // Starts (or restarts, after a crash) the site's node on its data dir, and points
  // its proxy at it.
  void Launch(Site* s, bool set_target = true) {
    if (s->node) s->node->Kill();
    absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
        {.data_dir = s->data_dir, .node_id = s->id, .region = s->region, .extra_args = s->args});
    ASSERT_TRUE(node.ok()) << node.status();
    s->node = *std::move(node);
    if (s->proxy && set_target) {
      ASSERT_TRUE(s->proxy->SetTarget(s->node->address()));
    }
  }

  // --- the CLI ---

  CommandResult Cli(Site* s, std::vector<std::string> args) {
    if (!s->node) {  // it failed to start, and the test has failed already
      CommandResult none;
      none.err = s->id + " is not running";
      return none;
    }
    args.insert(args.begin(), {"--node", s->node->address()});
    return RunCli(args);
  }

  // A command that must succeed; its stdout without the final newline.
  std::string Ok(Site* s, const std::vector<std::string>& args) {
    CommandResult r = Cli(s, args);
    EXPECT_EQ(r.exit_code, 0) << s->id << ": " << Describe(args, r);
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  // A command with --json that must succeed, parsed as `M`.
  template <typename M>
  M Json(Site* s, std::vector<std::string> args) {
    args.push_back("--json");
    M message;
    const std::string out = Ok(s, args);
    EXPECT_TRUE(Parse(out, &message)) << s->id << ": " << out.substr(0, 2000);
    return message;
  }

  // The same, for polling: false instead of a failure.
  template <typename M>
  bool TryJson(Site* s, std::vector<std::string> args, M* out) {
    args.push_back("--json");
    CommandResult r = Cli(s, args);
    return r.exit_code == 0 && Parse(r.out, out);
  }

  v1::StatusResponse Status(Site* s) { return Json<v1::StatusResponse>(s, {"node", "status"}); }
  v1::PeersResponse Peers(Site* s) { return Json<v1::PeersResponse>(s, {"node", "peers"}); }

  v1::SummaryResponse Summary(Site* s) {
    v1::SummaryResponse summary = Json<v1::SummaryResponse>(s, {"report", "summary"});
    // What says which node answered, and when, differs from node to node.
    summary.clear_as_of_node();
    summary.mutable_header()->clear_as_of_node();
    summary.mutable_header()->clear_as_of();
    return summary;
  }

  std::string AddChapter(Site* s, const std::string& name, const std::string& region,
                         const std::string& level, const std::string& parent = "") {
    std::vector<std::string> args = {"chapter",  "add",  "--name",  name,
                                     "--region", region, "--level", level};
    if (!parent.empty()) args.insert(args.end(), {"--parent", parent});
    const std::string id = Ok(s, args);
    EXPECT_TRUE(absl::StartsWith(id, "ch-")) << id;
    return id;
  }

  std::string Enrol(Site* s, const std::string& chapter, const std::string& name) {
    const std::string id = Ok(s, {"member", "enrol", "--chapter", chapter, "--name", name});
    EXPECT_TRUE(absl::StartsWith(id, "mb-")) << id;
    return id;
  }

  void Import(Site* s, const std::string& chapter, int rows, int first) {
    const std::string path = dir_.Sub(absl::StrCat("import-", ++imports_, ".csv"));
    ASSERT_TRUE(WriteFile(path, MembersCsv(chapter, rows, first)));
    Ok(s, {"member", "import", path});
  }

  // The federation's regions, written by the national node: BO, and LPZ and CBB in it.
  void AddRegions(Site* national) {
    Ok(national, {"region", "add", "BO", "--name", "Bolivia"});
    Ok(national, {"region", "add", "LPZ", "--name", "La Paz", "--parent", "BO"});
    Ok(national, {"region", "add", "CBB", "--name", "Cochabamba", "--parent", "BO"});
  }

  // --- waiting for replication ---

  // Polls until every site has one digest and one version vector. On timeout it
  // fails the test with every site's status, and returns false.
  bool AwaitConverged(const std::vector<Site*>& sites) {
    std::vector<v1::StatusResponse> last(sites.size());
    auto converged = [&] {
      for (size_t i = 0; i < sites.size(); ++i) {
        if (!TryJson(sites[i], {"node", "status"}, &last[i])) return false;
      }
      for (size_t i = 1; i < sites.size(); ++i) {
        if (last[i].digest() != last[0].digest()) return false;
        std::map<std::string, uint64_t> a(last[0].version_vector().begin(),
                                          last[0].version_vector().end());
        std::map<std::string, uint64_t> b(last[i].version_vector().begin(),
                                          last[i].version_vector().end());
        if (a != b) return false;
      }
      return true;
    };
    if (Eventually(converged)) return true;
    std::string report;
    for (const v1::StatusResponse& s : last) absl::StrAppend(&report, DescribeStatus(s), "\n");
    ADD_FAILURE() << "no convergence within " << kPatience << ":\n" << report;
    return false;
  }

  // Polls until `s` lists each of `ok` at its advertised address, with its node id,
  // in state ok and 0 entries behind either way, and lists no address but the
  // advertised ones of this test's sites (a direct address would bypass the proxies).
  bool AwaitPeersOk(Site* s, const std::vector<Site*>& ok) {
    std::set<std::string> known;
    for (const std::unique_ptr<Site>& site : sites_) known.insert(site->advertised());
    v1::PeersResponse peers;
    std::string why;
    // What is still wrong with `peers`; "" when nothing.
    auto unsettled = [&]() -> std::string {
      for (const v1::PeerStatus& p : peers.peers()) {
        if (!known.count(p.address())) return "an address no site advertises: " + p.address();
      }
      for (Site* want : ok) {
        auto it = std::find_if(
            peers.peers().begin(), peers.peers().end(),
            [&](const v1::PeerStatus& p) { return p.address() == want->advertised(); });
        if (it == peers.peers().end()) return want->id + " is not listed";
        if (it->node_id() != want->id || it->state() != "ok" || it->peer_behind() != 0 ||
            it->we_are_behind() != 0) {
          return want->id + " is not ok with 0 behind";
        }
      }
      return "";
    };
    if (Eventually([&] {
          why = TryJson(s, {"node", "peers"}, &peers) ? unsettled() : "no answer";
          return why.empty();
        })) {
      return true;
    }
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(peers, &json);
    ADD_FAILURE() << s->id << "'s peers did not settle (" << why << "): " << json;
    return false;
  }

  // --- faults ---

  // Cuts every link between sites of different sides: each proxy refuses the node
  // processes of the other sides. Links within a side still work.
  void Partition(const std::vector<std::vector<Site*>>& sides) {
    for (size_t i = 0; i < sides.size(); ++i) {
      std::set<pid_t> others;
      for (size_t j = 0; j < sides.size(); ++j) {
        if (j == i) continue;
        for (Site* s : sides[j]) others.insert(s->pid());
      }
      for (Site* s : sides[i]) s->proxy->RefuseClients(others);
    }
  }

  void HealAll() {
    for (const std::unique_ptr<Site>& s : sites_) {
      if (!s->proxy) continue;
      s->proxy->RefuseClients({});
      s->proxy->Heal();
    }
  }

  // Waits until `receiver` holds some but not all of `origin`'s entries up to
  // `target` (at least one batch of a stream has landed, not the last), and returns
  // how many it holds; 0 when that moment never came (the stream ended first).
  uint64_t AwaitPartial(Site* receiver, const std::string& origin, uint64_t from, uint64_t target) {
    uint64_t seen = 0;
    Eventually([&] {
      v1::StatusResponse s;
      if (!TryJson(receiver, {"node", "status"}, &s)) return false;
      seen = Seq(s, origin);

      return seen > from;
    });
    return seen > from && seen < target ? seen : 0;
  }

  // `pacto node sync --json` on `s`: each peer's address → whether its round worked.
  std::map<std::string, bool> SyncNow(Site* s) {
    CommandResult r = Cli(s, {"node", "sync", "--json"});
    v1::SyncResponse sync;
    EXPECT_TRUE(Parse(r.out, &sync)) << Describe({"node", "sync", "--json"}, r);
    std::map<std::string, bool> results;
    bool all_ok = true;
    for (const v1::SyncResult& result : sync.results()) {
      results[result.address()] = result.ok();
      all_ok &= result.ok();
    }
    EXPECT_EQ(r.exit_code, all_ok ? 0 : 1) << Describe({"node", "sync"}, r);
    return results;
  }

  ScratchDir dir_;
  std::vector<std::unique_ptr<Site>> sites_;
  int imports_ = 0;
};

// Three regions cut apart ({national, La Paz} | {Cochabamba}) each write their own
// region's records; after the heal every node has every write.
TEST_F(ReplicationTest, CutWriteOnBothSidesHealConverge) {
  Site* bo = AddSite("bo", "BO", {});
  Site* lpz = AddSite("lpz", "LPZ", {.seeds = {bo}});
  Site* cbb = AddSite("cbb", "CBB", {.seeds = {bo}});
  const std::vector<Site*> all = {bo, lpz, cbb};

  AddRegions(bo);
  const std::string pact = AddChapter(bo, "Pacto de Unidad", "BO", "pact");
  const std::string csutcb = AddChapter(bo, "CSUTCB", "BO", "confederation", pact);
  ASSERT_TRUE(AwaitConverged(all));
  // One seed sufficed: La Paz and Cochabamba found each other through the national node.
  ASSERT_TRUE(AwaitPeersOk(bo, {lpz, cbb}));
  ASSERT_TRUE(AwaitPeersOk(lpz, {bo, cbb}));
  ASSERT_TRUE(AwaitPeersOk(cbb, {bo, lpz}));

  Partition({{bo, lpz}, {cbb}});
  // The cut is real: Cochabamba reaches no one, La Paz reaches only the national node.
  const std::map<std::string, bool> from_cbb = SyncNow(cbb);
  EXPECT_EQ(from_cbb,
            (std::map<std::string, bool>{{bo->advertised(), false}, {lpz->advertised(), false}}));
  const std::map<std::string, bool> from_lpz = SyncNow(lpz);
  EXPECT_EQ(from_lpz,
            (std::map<std::string, bool>{{bo->advertised(), true}, {cbb->advertised(), false}}));

  // Each side writes records of its own region while cut off.
  const std::string bartolinas =
      AddChapter(bo, "CNMCIOB Bartolina Sisa", "BO", "confederation", pact);
  const std::string bo_member = Enrol(bo, bartolinas, "Juana Quispe");
  const std::string tupac = AddChapter(lpz, "Federación Túpac Katari", "LPZ", "federation", csutcb);
  const std::string achacachi = AddChapter(lpz, "Sindicato Achacachi", "LPZ", "sindicato", tupac);
  std::vector<std::string> lpz_members;
  for (const char* name : {"Felipe Mamani", "Rosa Choque", "Luis Apaza"}) {
    lpz_members.push_back(Enrol(lpz, achacachi, name));
  }
  const std::string fsutcc = AddChapter(cbb, "FSUTCC", "CBB", "federation", csutcb);
  const std::string chapare = AddChapter(cbb, "Sindicato Chapare", "CBB", "sindicato", fsutcc);
  std::vector<std::string> cbb_members;
  for (const char* name : {"Evo Condori", "Ana Rojas", "Pedro Vargas"}) {
    cbb_members.push_back(Enrol(cbb, chapare, name));
  }

  // The national node and La Paz converge with each other, and nothing crosses the cut.
  ASSERT_TRUE(AwaitConverged({bo, lpz}));
  EXPECT_THAT(Cli(cbb, {"chapter", "show", achacachi}).err, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(Cli(cbb, {"chapter", "show", bartolinas}).err, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(Cli(lpz, {"chapter", "show", chapare}).err, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(Cli(bo, {"member", "show", cbb_members[0]}).err, HasSubstr("NOT_FOUND"));

  HealAll();
  ASSERT_TRUE(AwaitConverged(all));

  // Every side's writes are everywhere, and every node reports the same federation:
  // 7 chapters; 7 people, each a federation member (every chain reaches the pact).
  const v1::SummaryResponse summary = Summary(bo);
  EXPECT_EQ(summary.chapters(), 7u);
  EXPECT_EQ(summary.active_members(), 7u);
  EXPECT_EQ(summary.federation_members(), 7u);
  for (Site* s : all) {
    EXPECT_EQ(Differences(Summary(s), summary), "") << s->id;
    for (const std::string& id : {bartolinas, tupac, achacachi, fsutcc, chapare}) {
      const v1::Chapter chapter = Json<v1::Chapter>(s, {"chapter", "show", id});
      EXPECT_EQ(chapter.id(), id) << s->id;
    }
    EXPECT_EQ(Json<v1::Chapter>(s, {"chapter", "show", chapare}).region(), "CBB");
    EXPECT_EQ(Json<v1::Chapter>(s, {"chapter", "show", achacachi}).parent(), tupac);
    std::vector<std::string> members = lpz_members;
    members.insert(members.end(), cbb_members.begin(), cbb_members.end());
    members.push_back(bo_member);
    for (const std::string& id : members) {
      EXPECT_EQ(Json<v1::Membership>(s, {"member", "show", id}).id(), id) << s->id;
    }
  }
  EXPECT_EQ(Json<v1::Membership>(lpz, {"member", "show", cbb_members[0]}).person().name(),
            "Evo Condori");

  // Every node sees its peers healthy again, nobody behind anybody.
  EXPECT_TRUE(AwaitPeersOk(bo, {lpz, cbb}));
  EXPECT_TRUE(AwaitPeersOk(lpz, {bo, cbb}));
  EXPECT_TRUE(AwaitPeersOk(cbb, {bo, lpz}));
}

// kill -9 of the receiver while a big batch streams to it, then of the sender:
// after each restart on the same data dir the two converge, and nothing that was
// applied before the crash is lost.
TEST_F(ReplicationTest, KillNineMidStreamThenConverge) {
  Site* sender = AddSite("sender", "BO", {});
  Site* receiver = AddSite("receiver", "LPZ", {.seeds = {sender}});
  AddRegions(sender);
  const std::string pact = AddChapter(sender, "Pacto de Unidad", "BO", "pact");
  ASSERT_TRUE(AwaitConverged({sender, receiver}));

  // Thousands of members land on the sender while the receiver cannot reach it; then
  // they stream through a proxy capped at 2 MiB/s. They make about 2.5 MiB, so the
  // stream (in batches of up to 1 MiB) lasts over a second after its first batch.
  constexpr int kRows = 12000;
  constexpr uint64_t kRate = 2 << 20;
  sender->proxy->Cut();
  Import(sender, pact, kRows, 1000000);
  const uint64_t target = Seq(Status(sender), "sender");
  const uint64_t base = Seq(Status(receiver), "sender");
  ASSERT_LT(base, target);
  sender->proxy->SetRateLimit(kRate);
  sender->proxy->Heal();

  // The receiver dies with part of the stream applied.
  const uint64_t applied = AwaitPartial(receiver, "sender", base, target);

  ASSERT_GT(applied, 0u) << "the stream was never caught mid-way (base " << base << ", target "
                         << target << "); lower the rate";
  receiver->node->Kill();

  // It restarts where it stopped: what it had applied survived, the rest is missing
  // (the sender is out of reach until the heal below).
  sender->proxy->Cut();
  Launch(receiver);
  const v1::StatusResponse restarted = Status(receiver);
  EXPECT_GE(Seq(restarted, "sender"), applied);
  EXPECT_LT(Seq(restarted, "sender"), target);
  sender->proxy->Heal();
  ASSERT_TRUE(AwaitConverged({sender, receiver}));

  // Now the sender dies mid-stream.
  sender->proxy->Cut();
  Import(sender, pact, kRows, 2000000);
  const uint64_t target2 = Seq(Status(sender), "sender");
  const uint64_t base2 = Seq(Status(receiver), "sender");
  sender->proxy->Heal();
  const uint64_t applied2 = AwaitPartial(receiver, "sender", base2, target2);
  ASSERT_GT(applied2, 0u) << "the second stream was never caught mid-way";
  sender->node->Kill();
  EXPECT_LT(Seq(Status(receiver), "sender"), target2);

  // Its acknowledged import survived the crash, and the two converge again.
  Launch(sender);
  EXPECT_EQ(Seq(Status(sender), "sender"), target2);
  sender->proxy->SetRateLimit(0);
  ASSERT_TRUE(AwaitConverged({sender, receiver}));
  const v1::SummaryResponse summary = Summary(sender);
  EXPECT_EQ(summary.active_members(), 2u * kRows);
  EXPECT_EQ(Differences(Summary(receiver), summary), "");
  EXPECT_TRUE(AwaitPeersOk(sender, {receiver}));
  EXPECT_TRUE(AwaitPeersOk(receiver, {sender}));
}

// A line A–B–C: A and C can never reach each other (each one's proxy refuses the
// other's process, whatever address gossip taught it), yet each one's writes reach
// the other through B.
TEST_F(ReplicationTest, LineTopologyCarriesWritesThroughTheMiddle) {
  // The nodes start with their proxies refusing everyone, so no connection can pass
  // before the links are cut.
  Site* b = AddSite("b", "LPZ", {.launch = false});
  Site* a = AddSite("a", "BO", {.seeds = {b}, .launch = false});
  Site* c = AddSite("c", "CBB", {.seeds = {b}, .launch = false});
  for (Site* s : {a, b, c}) Launch(s, /*set_target=*/false);
  a->proxy->RefuseClients({c->pid()});
  c->proxy->RefuseClients({a->pid()});
  for (Site* s : {a, b, c}) ASSERT_TRUE(s->proxy->SetTarget(s->node->address()));

  // A's writes reach C (C needs A's regions and pact to write its own).
  AddRegions(a);
  const std::string pact = AddChapter(a, "Pacto de Unidad", "BO", "pact");
  ASSERT_TRUE(AwaitConverged({a, b, c}));
  EXPECT_EQ(Json<v1::Chapter>(c, {"chapter", "show", pact}).name(), "Pacto de Unidad");

  // C's writes reach A.
  const std::string fsutcc = AddChapter(c, "FSUTCC", "CBB", "federation", pact);
  const std::string member = Enrol(c, fsutcc, "Evo Condori");
  ASSERT_TRUE(AwaitConverged({a, b, c}));
  EXPECT_EQ(Json<v1::Chapter>(a, {"chapter", "show", fsutcc}).parent(), pact);
  EXPECT_EQ(Json<v1::Membership>(a, {"member", "show", member}).person().name(), "Evo Condori");
  EXPECT_EQ(Summary(a).federation_members(), 1u);

  // And both at once.
  const std::string from_a = AddChapter(a, "CSUTCB", "BO", "confederation", pact);
  const std::string from_c = AddChapter(c, "Sindicato Chapare", "CBB", "sindicato", fsutcc);
  ASSERT_TRUE(AwaitConverged({a, b, c}));
  EXPECT_EQ(Json<v1::Chapter>(a, {"chapter", "show", from_c}).id(), from_c);
  EXPECT_EQ(Json<v1::Chapter>(c, {"chapter", "show", from_a}).id(), from_a);

  // A and C did learn each other's address from B, tried it, and were refused:
  // the line held because of the cut, not for want of trying.
  EXPECT_TRUE(Eventually([&] { return a->proxy->connections_refused_from(c->pid()) > 0; }))
      << "C never tried to reach A";
  EXPECT_TRUE(Eventually([&] { return c->proxy->connections_refused_from(a->pid()) > 0; }))
      << "A never tried to reach C";
  EXPECT_TRUE(AwaitPeersOk(a, {b}));
  EXPECT_TRUE(AwaitPeersOk(c, {b}));
  EXPECT_TRUE(AwaitPeersOk(b, {a, c}));
  const v1::PeersResponse peers_of_a = Peers(a);
  auto c_seen_by_a =
      std::find_if(peers_of_a.peers().begin(), peers_of_a.peers().end(),
                   [&](const v1::PeerStatus& p) { return p.address() == c->advertised(); });
  ASSERT_NE(c_seen_by_a, peers_of_a.peers().end()) << "A never learned C's address";
  EXPECT_EQ(c_seen_by_a->state(), "failing");
}

// An empty node joins through one seed and learns the others; later, once every
// node has truncated its log (a small --log-retention, more writes than that), a
// second empty node joins and catches up by snapshot — and an erased member stays
// erased.
TEST_F(ReplicationTest, EmptyNodeJoinsThroughOneSeedAlsoAfterLogTruncation) {
  constexpr int kRetention = 20;
  const std::vector<std::string> retention = {"--log-retention", absl::StrCat(kRetention)};
  Site* a = AddSite("a", "BO", {.proxied = false, .extra_args = retention});
  Site* b = AddSite("b", "LPZ", {.proxied = false, .seeds = {a}, .extra_args = retention});
  Site* c = AddSite("c", "CBB", {.proxied = false, .seeds = {a}, .extra_args = retention});

  AddRegions(a);
  const std::string pact = AddChapter(a, "Pacto de Unidad", "BO", "pact");
  ASSERT_TRUE(AwaitConverged({a, b, c}));
  // Many more entries than the retention: each write is one entry.
  const std::string tupac = AddChapter(b, "Federación Túpac Katari", "LPZ", "federation", pact);
  std::vector<std::string> members;
  for (int i = 0; i < 2 * kRetention; ++i) {
    members.push_back(Enrol(b, tupac, absl::StrCat("Afiliada ", i)));
  }
  const std::string fsutcc = AddChapter(c, "FSUTCC", "CBB", "federation", pact);
  Import(c, fsutcc, 500, 3000000);
  Ok(b, {"member", "remove", members[0]});
  ASSERT_TRUE(AwaitConverged({a, b, c}));

  // A fresh node given only `a` learns `b` and `c` and converges.
  Site* d1 = AddSite("d1", "LPZ", {.proxied = false, .seeds = {a}, .extra_args = retention});
  ASSERT_TRUE(AwaitConverged({a, b, c, d1}));
  EXPECT_TRUE(AwaitPeersOk(d1, {a, b, c}));
  EXPECT_TRUE(AwaitPeersOk(b, {a, c, d1}));

  // Every node truncates its log (every 10 s) down to the retention or less, so no
  // log anywhere still holds the early entries.
  auto truncated = [&] {
    for (Site* s : {a, b, c, d1}) {
      v1::StatusResponse st;
      if (!TryJson(s, {"node", "status"}, &st) || st.log_retained() > kRetention) return false;
    }
    return true;
  };
  ASSERT_TRUE(Eventually(truncated)) << DescribeStatus(Status(a));
  const v1::StatusResponse before = Status(a);
  ASSERT_GT(TotalSeq(before), 2u * kRetention);

  // A second fresh node, given only `b`, cannot get the early entries from any log,
  // so it must take a snapshot; it converges with everyone all the same.
  Site* d2 = AddSite("d2", "CBB", {.proxied = false, .seeds = {b}});
  ASSERT_TRUE(AwaitConverged({a, b, c, d1, d2}));
  const v1::StatusResponse joined = Status(d2);
  EXPECT_LT(joined.log_entries(), TotalSeq(joined))
      << "every entry reached d2 through a log, none by snapshot: " << DescribeStatus(joined);
  EXPECT_EQ(Differences(Summary(d2), Summary(a)), "");
  EXPECT_THAT(Cli(d2, {"member", "show", members[0]}).err, HasSubstr("NOT_FOUND"));
  EXPECT_EQ(Json<v1::Membership>(d2, {"member", "show", members[1]}).id(), members[1]);
  EXPECT_TRUE(AwaitPeersOk(d2, {a, b, c, d1}));
}

// A node known at two addresses (the one its peer was given, here a proxy, and the one
// it advertises) is pulled from at one at a time: its entries travel once. Each
// address ran its own session before, and the whole log crossed the network twice.
TEST_F(ReplicationTest, ANodeKnownAtTwoAddressesShipsItsEntriesOnce) {
  Site* a = AddSite("a", "BO", {.proxied = false});
  absl::StatusOr<std::unique_ptr<TcpProxy>> proxy = TcpProxy::Start(a->node->address());
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  Site* b = AddSite("b", "LPZ", {.proxied = false, .extra_args = {"--peers", (*proxy)->address()}});
  AddRegions(a);
  const std::string pact = AddChapter(a, "Pacto de Unidad", "BO", "pact");
  ASSERT_TRUE(AwaitConverged({a, b}));
  ASSERT_TRUE(Eventually([&] { return Peers(b).peers_size() == 2; }))
      << "b did not learn a's own address: " << Peers(b).DebugString();

  const std::string federation =
      AddChapter(a, "Federación Bartolina Sisa", "BO", "federation", pact);
  Import(a, federation, 3000, 7000000);
  ASSERT_TRUE(AwaitConverged({a, b}));
  const uint64_t entries = TotalSeq(Status(a));
  const std::string metrics = HttpGet(a->node->http_port(), "/metrics").body;
  EXPECT_EQ(MetricValue(metrics, "pacto_entries_sent_total"), static_cast<double>(entries))
      << "a holds " << entries << " entries; b pulled from " << Peers(b).DebugString();
}

// One chapter renamed on both sides of a cut: after the heal every node shows the
// same winner and lists the conflict with both versions; a later write resolves it.
TEST_F(ReplicationTest, ConcurrentUpdatesConvergeToOneWinner) {
  Site* bo = AddSite("bo", "BO", {});
  Site* lpz = AddSite("lpz", "LPZ", {.seeds = {bo}});
  Site* cbb = AddSite("cbb", "CBB", {.seeds = {bo}});
  const std::vector<Site*> all = {bo, lpz, cbb};
  AddRegions(bo);
  ASSERT_TRUE(AwaitConverged(all));
  const std::string central = AddChapter(lpz, "Central Agraria Achacachi", "LPZ", "central");
  ASSERT_TRUE(AwaitConverged(all));

  // The national node (whose region contains La Paz) and La Paz both rename it.
  Partition({{bo}, {lpz, cbb}});
  const std::string national_name = "Central Agraria Achacachi (nacional)";
  const std::string local_name = "Central Agraria Omasuyos";
  Ok(bo, {"chapter", "update", central, "--name", national_name});
  Ok(lpz, {"chapter", "update", central, "--name", local_name});
  ASSERT_TRUE(AwaitConverged({lpz, cbb}));
  EXPECT_EQ(Json<v1::Chapter>(bo, {"chapter", "show", central}).name(), national_name);
  EXPECT_EQ(Json<v1::Chapter>(cbb, {"chapter", "show", central}).name(), local_name);

  HealAll();
  ASSERT_TRUE(AwaitConverged(all));
  const std::string winner = Json<v1::Chapter>(bo, {"chapter", "show", central}).name();
  EXPECT_THAT(winner, AnyOf(national_name, local_name));
  v1::Conflict conflict_on_bo;
  for (Site* s : all) {
    EXPECT_EQ(Json<v1::Chapter>(s, {"chapter", "show", central}).name(), winner) << s->id;
    const v1::ConflictsResponse conflicts = Json<v1::ConflictsResponse>(s, {"report", "conflicts"});
    ASSERT_THAT(conflicts.conflicts(), SizeIs(1)) << s->id;
    const v1::Conflict& conflict = conflicts.conflicts(0);
    EXPECT_EQ(conflict.record_id(), central);
    ASSERT_THAT(conflict.versions(), SizeIs(2)) << s->id;
    int winners = 0;
    std::set<std::string> origins;
    for (const v1::ConflictVersion& v : conflict.versions()) {
      origins.insert(v.origin());
      if (!v.winner()) continue;
      ++winners;
      EXPECT_THAT(v.value_json(), HasSubstr(winner)) << s->id;
    }
    EXPECT_EQ(winners, 1) << s->id;
    EXPECT_EQ(origins, (std::set<std::string>{"bo", "lpz"})) << s->id;
    if (s == bo) conflict_on_bo = conflict;
    EXPECT_EQ(Differences(conflict, conflict_on_bo), "") << s->id;
  }

  // A write made after seeing both versions supersedes them, everywhere.
  Ok(cbb, {"chapter", "update", central, "--name", "Central Agraria Achacachi"});
  ASSERT_TRUE(AwaitConverged(all));
  for (Site* s : all) {
    EXPECT_EQ(Json<v1::Chapter>(s, {"chapter", "show", central}).name(),
              "Central Agraria Achacachi");
    EXPECT_THAT(Json<v1::ConflictsResponse>(s, {"report", "conflicts"}).conflicts(), SizeIs(0));
  }
}

// The bytes of explicit no-op sync rounds, both directions, as a proxy counts them.
struct RoundBytes {
  uint64_t least = 0;  // what a round costs
  uint64_t most = 0;   // the same, plus whatever HTTP/2 housekeeping (a ping and its
                       // ack, a window update) happened to fall into a round
};

// The caller of the no-op sync tests: its peers are synced only when told to (or
// notified), so that `proxy` sees nothing but the rounds measured.
const std::vector<std::string> kOnlyWhenTold = {"--sync-interval", "1h"};

class NoOpSyncTest : public ReplicationTest {
 protected:
  // Runs a warm-up round (which may open the connection), then kRounds rounds of
  // `pacto node sync` on `caller`, each of which must succeed with `callee`.
  RoundBytes MeasureRounds(Site* caller, Site* callee) {
    constexpr int kRounds = 8;
    auto round = [&] {
      const std::map<std::string, bool> results = SyncNow(caller);
      auto it = results.find(callee->advertised());
      EXPECT_TRUE(it != results.end() && it->second) << "the round with the callee failed";
    };
    round();
    RoundBytes bytes;
    bytes.least = UINT64_MAX;
    for (int i = 0; i < kRounds; ++i) {
      const uint64_t before = callee->proxy->counts().total();
      round();
      const uint64_t spent = callee->proxy->counts().total() - before;
      bytes.least = std::min(bytes.least, spent);
      bytes.most = std::max(bytes.most, spent);
    }
    return bytes;
  }

  // A handful: the ceiling for a no-op sync.
  static constexpr uint64_t kMaxNoOpBytes = 1024;
  // What the least of a few rounds may still vary by for reasons that do not scale:
  // a longer sequence number, the HTTP/2 housekeeping gRPC sends on its own schedule
  // (seen: one or two WINDOW_UPDATEs of 13 B; a PING and its ack are 17 B each).
  // For scale: a peer's identity in a peer list is ~40 B, a member's record more.
  static constexpr uint64_t kSlack = 48;
};

// One explicit sync round between two nodes that have nothing to send each other
// costs a handful of bytes on the wire, and no more for a registry ten times larger
// (DESIGN §5.7). `callee` is reached only through its proxy; `caller`'s only peer is
// the callee, which reaches the caller directly (not through the proxy).
TEST_F(NoOpSyncTest, CostsAFewBytesWhateverTheRegistrySize) {
  Site* callee = AddSite("callee", "LPZ", {});
  Site* caller =
      AddSite("caller", "BO", {.proxied = false, .seeds = {callee}, .extra_args = kOnlyWhenTold});
  AddRegions(caller);
  const std::string pact = AddChapter(caller, "Pacto de Unidad", "BO", "pact");
  ASSERT_TRUE(AwaitConverged({caller, callee}));
  const std::string tupac =
      AddChapter(callee, "Federación Túpac Katari", "LPZ", "federation", pact);
  Import(callee, tupac, 300, 4000000);
  ASSERT_TRUE(AwaitConverged({caller, callee}));
  ASSERT_THAT(Peers(caller).peers(), SizeIs(1));

  const uint64_t small_records = Status(callee).records();
  const RoundBytes small = MeasureRounds(caller, callee);
  EXPECT_GT(small.least, 0u) << "the rounds did not go through the proxy";
  EXPECT_LE(small.most, kMaxNoOpBytes);

  // Ten times the registry.
  Import(callee, tupac, 2700, 5000000);
  ASSERT_TRUE(AwaitConverged({caller, callee}));
  const uint64_t large_records = Status(callee).records();
  ASSERT_GE(large_records, 9 * small_records);
  const RoundBytes large = MeasureRounds(caller, callee);
  EXPECT_LE(large.most, kMaxNoOpBytes);
  EXPECT_LE(large.least, small.least + kSlack)
      << small.least << " B at " << small_records << " records, " << large.least << " B at "
      << large_records << " records";
  std::cout << "no-op sync round: " << small.least << "-" << small.most << " B at " << small_records
            << " records; " << large.least << "-" << large.most << " B at " << large_records
            << " records\n";
}

// Nor does a no-op round grow with the federation: once both nodes know the same
// peers, they have no peer list to send each other (PullRequest.peers_hash: "the
// callee sends its own list only when it differs").
TEST_F(NoOpSyncTest, CostsAFewBytesWhateverTheFederationSize) {
  Site* callee = AddSite("callee", "LPZ", {});
  Site* caller =
      AddSite("caller", "BO", {.proxied = false, .seeds = {callee}, .extra_args = kOnlyWhenTold});
  AddRegions(caller);
  ASSERT_TRUE(AwaitConverged({caller, callee}));
  ASSERT_TRUE(AwaitPeersOk(caller, {callee}));
  ASSERT_TRUE(AwaitPeersOk(callee, {caller}));
  const RoundBytes two = MeasureRounds(caller, callee);

  // Four more nodes join through the callee. They too sync only when told to, and
  // the callee reaches them directly, so once they have joined the proxy again sees
  // only the caller's rounds.
  std::vector<Site*> everyone = {caller, callee};
  for (int i = 1; i <= 4; ++i) {
    everyone.push_back(AddSite(absl::StrCat("n", i), "CBB",
                               {.proxied = false, .seeds = {callee}, .extra_args = kOnlyWhenTold}));
  }
  ASSERT_TRUE(AwaitConverged(everyone));
  for (Site* s : everyone) {
    std::vector<Site*> others;
    for (Site* o : everyone) {
      if (o != s) others.push_back(o);
    }
    ASSERT_TRUE(AwaitPeersOk(s, others));
  }
  const RoundBytes six = MeasureRounds(caller, callee);
  EXPECT_LE(six.least, two.least + kSlack)
      << "a no-op round costs " << two.least << " B with 2 nodes, " << six.least
      << " B with 6 that both sides know";
}

// A peer back from an outage is reached at once when an operator asks for a sync, and
// shows as ok, instead of after the backoff its failed attempts built up (gRPC's
// reconnection backoff made every attempt fail at once meanwhile: the quickstart
// showed La Paz's Santa Cruz peer failing for ~30 s after its partition healed).
TEST_F(ReplicationTest, APeerBackFromAnOutageIsSyncedAtOnceWhenAsked) {
  Site* bo = AddSite("bo", "BO", {});
  Site* lpz = AddSite("lpz", "LPZ", {.seeds = {bo}});
  AddRegions(bo);
  ASSERT_TRUE(AwaitConverged({bo, lpz}));
  ASSERT_TRUE(AwaitPeersOk(bo, {lpz}));

  // La Paz goes away long enough for the national node to fail to reach it four
  // times in a row (its retries back off: 1 s, 2 s, 4 s).
  lpz->node->Kill();
  ASSERT_TRUE(Eventually([&] {
    v1::PeersResponse peers;
    if (!TryJson(bo, {"node", "peers"}, &peers)) return false;
    for (const v1::PeerStatus& p : peers.peers()) {
      if (p.address() == lpz->advertised()) return p.failures() >= 4;
    }
    return false;
  }));

  Launch(lpz);
  ASSERT_TRUE(Eventually([&] { return Cli(lpz, {"node", "status"}).exit_code == 0; }));
  const std::map<std::string, bool> synced = SyncNow(bo);
  EXPECT_EQ(synced, (std::map<std::string, bool>{{lpz->advertised(), true}}));
  v1::PeersResponse peers = Json<v1::PeersResponse>(bo, {"node", "peers"});
  ASSERT_EQ(peers.peers_size(), 1);
  EXPECT_EQ(peers.peers(0).state(), "ok");
  EXPECT_EQ(peers.peers(0).failures(), 0u);
}

}  // namespace
}  // namespace pacto
