// A fault-injecting TCP proxy for multi-process tests (DESIGN §8): it listens on
// 127.0.0.1:0 and forwards every connection to a target, and the test can cut it
// (drop every connection and refuse or blackhole new ones), heal it, slow it down
// (a delay per forwarded chunk, a bandwidth cap), refuse only some client processes,
// and count the bytes it forwarded in each direction.
//
// Putting a proxy in front of each node and giving the node `--advertise
// <proxy address>` makes every peer reach the node through the proxy, whatever
// address gossip taught it: the proxy is the only way in. Refusing chosen client
// processes (RefuseClients) then cuts single links of a topology — "A never talks to
// C" — although every peer dials one advertised address. A client is identified by
// the process that owns its socket (/proc/net/tcp and /proc/PID/fd; Linux only).
//
// Thread-safe. One thread accepts; each forwarded connection has two threads, one
// per direction. The destructor drops every connection and joins every thread.
//
// Example:
//   absl::StatusOr<std::unique_ptr<TcpProxy>> proxy = TcpProxy::Start();
//   ... start a node with --advertise (*proxy)->address() ...
//   (*proxy)->SetTarget(node->address());
//   (*proxy)->Cut();   // peers can no longer reach the node
//   (*proxy)->Heal();
#ifndef PACTO_TESTS_SUPPORT_TCP_PROXY_H_
#define PACTO_TESTS_SUPPORT_TCP_PROXY_H_

#include <netinet/in.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pacto {

class TcpProxy {
 public:
  enum class CutMode {
    // New connections are accepted and reset at once: clients fail fast.
    kRefuse,
    // New connections are accepted and then left unanswered: clients hang until
    // their own deadline, as behind a dropped route.
    kBlackhole,
  };

  // Bytes forwarded so far, in each direction.
  struct Counts {
    uint64_t to_target = 0;  // from clients to the target
    uint64_t to_client = 0;  // from the target back to clients
    uint64_t total() const { return to_target + to_client; }
  };

  // Listens on 127.0.0.1:0 and forwards to `target` ("127.0.0.1:PORT"; a numeric
  // IPv4 address). With an empty target every connection is refused until SetTarget.
  static absl::StatusOr<std::unique_ptr<TcpProxy>> Start(const std::string& target = "");
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // "127.0.0.1:PORT", what clients dial.
  std::string address() const;
  int port() const { return port_; }

  // Where new connections go (e.g. a node restarted on a new port). Connections
  // already open keep their target. Returns false when `target` does not parse.
  bool SetTarget(const std::string& target);

  // Drops every open connection (both ends see a reset) and, until Heal, refuses or
  // blackholes new ones. When Cut returns, no byte is forwarded any more.
  void Cut(CutMode mode = CutMode::kRefuse);
  // Forwards new connections again; blackholed ones are reset so clients retry.
  void Heal();
  bool is_cut() const;

  // Connections from these processes are dropped now and refused from now on, cut
  // or not; the set replaces the previous one (empty: refuse no one). A client whose
  // process cannot be identified is refused too while the set is not empty, so that
  // a link the test cut stays cut.
  void RefuseClients(std::set<pid_t> pids);

  // Each chunk read is held for `delay` before it is written on (per direction).
  void SetDelay(absl::Duration delay);
  // Caps each direction of each connection at `bytes_per_second` (0: no cap).
  void SetRateLimit(uint64_t bytes_per_second);

  Counts counts() const;
  // Connections forwarded, and connections refused (for any reason), so far.
  uint64_t connections_forwarded() const { return forwarded_.load(); }
  uint64_t connections_refused() const { return refused_.load(); }
  // Connections refused because they came from process `pid` (RefuseClients).
  uint64_t connections_refused_from(pid_t pid) const;

 private:
  struct Connection;

  TcpProxy() = default;
  void AcceptLoop();
  void Accepted(int client_fd);
  void Pump(Connection* connection, int from, int to, std::atomic<uint64_t>* counter);
  // Stops, joins and closes `doomed` (none of them is in connections_ any more);
  // with `reset`, both ends see a reset rather than an orderly close.
  static void Drop(std::list<std::unique_ptr<Connection>> doomed, bool reset);
  // Moves out of connections_ those that ended, or match `pred`, for Drop.
  template <typename Pred>
  std::list<std::unique_ptr<Connection>> TakeConnections(Pred pred)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // True when the client owning socket `inode` is to be refused; counts it in
  // refused_by_pid_ when `count` and its process is one of refused_pids_.
  bool IsRefusedClient(uint64_t inode, bool count) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Constant after Start.
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // an eventfd: readable once the proxy is being destroyed
  int port_ = 0;
  std::thread acceptor_;

  std::atomic<uint64_t> to_target_{0};
  std::atomic<uint64_t> to_client_{0};
  std::atomic<uint64_t> forwarded_{0};
  std::atomic<uint64_t> refused_{0};
  std::atomic<int64_t> delay_us_{0};
  std::atomic<uint64_t> rate_{0};

  mutable absl::Mutex mu_;
  bool has_target_ ABSL_GUARDED_BY(mu_) = false;
  sockaddr_in target_ ABSL_GUARDED_BY(mu_){};
  bool cut_ ABSL_GUARDED_BY(mu_) = false;
  CutMode cut_mode_ ABSL_GUARDED_BY(mu_) = CutMode::kRefuse;
  std::set<pid_t> refused_pids_ ABSL_GUARDED_BY(mu_);
  std::map<pid_t, uint64_t> refused_by_pid_ ABSL_GUARDED_BY(mu_);
  std::list<std::unique_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
  std::vector<int> blackholed_ ABSL_GUARDED_BY(mu_);  // accepted, never answered
};

}  // namespace pacto

#endif  // PACTO_TESTS_SUPPORT_TCP_PROXY_H_
