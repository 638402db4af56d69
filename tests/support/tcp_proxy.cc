#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pacto {
namespace {

constexpr size_t kMaxChunk = 64 << 10;

// Closes `fd` so that the other end sees a reset rather than an orderly end.
void ResetClose(int fd) {
  if (fd < 0) return;
  linger abort_on_close{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
  close(fd);
}

void Signal(int event_fd) {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t ignored = write(event_fd, &one, sizeof(one));
}

// Waits up to `timeout` (forever when negative) for `fd` to have `events`, or for
// `wake_fd` to be readable. Returns false when woken (or on a poll error).
bool WaitFor(int fd, short events, int wake_fd, absl::Duration timeout) {
  pollfd fds[2] = {{wake_fd, POLLIN, 0}, {fd, events, 0}};
  timespec ts = absl::ToTimespec(timeout);
  while (true) {
    const int n =
        ppoll(fds, fd < 0 ? 1 : 2, timeout < absl::ZeroDuration() ? nullptr : &ts, nullptr);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    return (fds[0].revents & POLLIN) == 0;
  }
}

// Parses "HOST:PORT" with a numeric IPv4 host (or "localhost").
bool ParseAddress(const std::string& address, sockaddr_in* out) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = address.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port <= 0 || port > 65535) {
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return false;
  *out = addr;
  return true;
}

// "0100007F:1F90" (/proc/net/tcp) or "0000000000000000FFFF00000100007F:1F90"
// (/proc/net/tcp6, an IPv4-mapped address) → the IPv4 address and the port.
bool ParseProcAddress(const std::string& text, uint32_t* ip, uint16_t* port) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  if (host.size() == 32) {
    if (host.compare(0, 24, "0000000000000000FFFF0000") != 0) return false;
    host = host.substr(24);
  }
  if (host.size() != 8) return false;
  *ip = static_cast<uint32_t>(strtoul(host.c_str(), nullptr, 16));
  *port = static_cast<uint16_t>(strtoul(text.substr(colon + 1).c_str(), nullptr, 16));
  return true;
}

// The inode of the socket in `table` (a /proc/net/tcp file) connected from `local`
// to `remote`; 0 when there is none.
uint64_t FindSocketInode(const char* table_path, const sockaddr_in& local,
                         const sockaddr_in& remote) {
  std::ifstream table(table_path);
  std::string line;
  std::getline(table, line);  // the header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local_text, remote_text, state, queues, timer, retransmits, uid, timeout;
    uint64_t inode = 0;
    if (!(fields >> slot >> local_text >> remote_text >> state >> queues >> timer >> retransmits >>
          uid >> timeout >> inode)) {
      continue;
    }
    uint32_t local_ip = 0, remote_ip = 0;
    uint16_t local_port = 0, remote_port = 0;
    if (!ParseProcAddress(local_text, &local_ip, &local_port) ||
        !ParseProcAddress(remote_text, &remote_ip, &remote_port)) {
      continue;
    }
    // The kernel prints the address as the raw 32-bit value, the port in host order.
    if (local_ip == local.sin_addr.s_addr && local_port == ntohs(local.sin_port) &&
        remote_ip == remote.sin_addr.s_addr && remote_port == ntohs(remote.sin_port)) {
      return inode;
    }
  }
  return 0;
}

// The inode of the client's end of the accepted loopback connection `fd`: the
// socket whose local address is our peer and whose remote address is us, an IPv4
// socket or a dual-stack IPv6 one (as gRPC opens). 0 when it cannot be found.
uint64_t ClientSocketInode(int fd) {
  sockaddr_in peer{}, self{};
  socklen_t len = sizeof(peer);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return 0;
  len = sizeof(self);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&self), &len) != 0) return 0;
  const uint64_t inode = FindSocketInode("/proc/net/tcp", peer, self);
  return inode != 0 ? inode : FindSocketInode("/proc/net/tcp6", peer, self);
}

// True when process `pid` holds the socket with `inode` open.
bool ProcessOwnsSocket(pid_t pid, uint64_t inode) {
  const std::string dir = absl::StrCat("/proc/", pid, "/fd");
  DIR* fds = opendir(dir.c_str());
  if (fds == nullptr) return false;
  const std::string want = absl::StrCat("socket:[", inode, "]");
  bool found = false;
  char target[64];
  while (dirent* entry = readdir(fds)) {
    if (entry->d_name[0] == '.') continue;
    const std::string path = absl::StrCat(dir, "/", entry->d_name);
    const ssize_t n = readlink(path.c_str(), target, sizeof(target));
    if (n > 0 && std::string(target, static_cast<size_t>(n)) == want) {
      found = true;
      break;
    }
  }
  closedir(fds);
  return found;
}

void SetNonBlockingNoDelay(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

struct TcpProxy::Connection {
  int client_fd = -1;
  int target_fd = -1;
  int wake_fd = -1;  // an eventfd: readable once both pumps must stop
  uint64_t client_inode = 0;
  std::atomic<int> pumps_running{2};
  std::thread up;    // client → target
  std::thread down;  // target → client
};

absl::StatusOr<std::unique_ptr<TcpProxy>> TcpProxy::Start(const std::string& target) {
  std::unique_ptr<TcpProxy> proxy(new TcpProxy());
  if (!target.empty() && !proxy->SetTarget(target)) {
    return absl::InvalidArgumentError(absl::StrCat("proxy target: not an IPv4 address: ", target));
  }
  proxy->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  proxy->stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (proxy->listen_fd_ < 0 || proxy->stop_fd_ < 0) {
    return absl::InternalError(absl::StrCat("proxy: socket: ", strerror(errno)));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(proxy->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(proxy->listen_fd_, 128) != 0 ||
      getsockname(proxy->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return absl::InternalError(absl::StrCat("proxy: cannot listen: ", strerror(errno)));
  }
  proxy->port_ = ntohs(addr.sin_port);
  TcpProxy* raw = proxy.get();
  proxy->acceptor_ = std::thread([raw] { raw->AcceptLoop(); });
  return proxy;
}

TcpProxy::~TcpProxy() {
  if (acceptor_.joinable()) {
    Signal(stop_fd_);
    acceptor_.join();
  }
  std::list<std::unique_ptr<Connection>> doomed;
  std::vector<int> blackholed;
  {
    absl::MutexLock lock(&mu_);
    doomed = TakeConnections([](const Connection&) { return true; });
    blackholed.swap(blackholed_);
  }
  Drop(std::move(doomed), /*reset=*/true);
  for (int fd : blackholed) ResetClose(fd);
  if (listen_fd_ >= 0) close(listen_fd_);
  if (stop_fd_ >= 0) close(stop_fd_);
}

std::string TcpProxy::address() const { return absl::StrCat("127.0.0.1:", port_); }

bool TcpProxy::SetTarget(const std::string& target) {
  sockaddr_in addr{};
  if (!ParseAddress(target, &addr)) return false;
  absl::MutexLock lock(&mu_);
  target_ = addr;
  has_target_ = true;
  return true;
}

void TcpProxy::Cut(CutMode mode) {
  std::list<std::unique_ptr<Connection>> doomed;
  {
    absl::MutexLock lock(&mu_);
    cut_ = true;
    cut_mode_ = mode;
    doomed = TakeConnections([](const Connection&) { return true; });
  }
  Drop(std::move(doomed), /*reset=*/true);
}

void TcpProxy::Heal() {
  std::vector<int> blackholed;
  {
    absl::MutexLock lock(&mu_);
    cut_ = false;
    blackholed.swap(blackholed_);
  }
  for (int fd : blackholed) ResetClose(fd);
}

bool TcpProxy::is_cut() const {
  absl::MutexLock lock(&mu_);
  return cut_;
}

void TcpProxy::RefuseClients(std::set<pid_t> pids) {
  std::list<std::unique_ptr<Connection>> doomed;
  {
    absl::MutexLock lock(&mu_);
    refused_pids_ = std::move(pids);
    if (!refused_pids_.empty()) {
      doomed = TakeConnections([this](const Connection& c)
                                   ABSL_NO_THREAD_SAFETY_ANALYSIS {  // mu_ is held
                                     return IsRefusedClient(c.client_inode, /*count=*/false);
                                   });
    }
  }
  Drop(std::move(doomed), /*reset=*/true);
}

void TcpProxy::SetDelay(absl::Duration delay) {
  delay_us_ = absl::ToInt64Microseconds(std::max(delay, absl::ZeroDuration()));
}

void TcpProxy::SetRateLimit(uint64_t bytes_per_second) { rate_ = bytes_per_second; }

TcpProxy::Counts TcpProxy::counts() const {
  Counts counts;
  counts.to_target = to_target_.load();
  counts.to_client = to_client_.load();
  return counts;
}

uint64_t TcpProxy::connections_refused_from(pid_t pid) const {
  absl::MutexLock lock(&mu_);
  auto it = refused_by_pid_.find(pid);
  return it == refused_by_pid_.end() ? 0 : it->second;
}

bool TcpProxy::IsRefusedClient(uint64_t inode, bool count) {
  if (refused_pids_.empty()) return false;
  if (inode == 0) return true;  // unknown: keep a cut link cut
  for (pid_t pid : refused_pids_) {
    if (ProcessOwnsSocket(pid, inode)) {
      if (count) ++refused_by_pid_[pid];
      return true;
    }
  }
  return false;
}

template <typename Pred>
std::list<std::unique_ptr<TcpProxy::Connection>> TcpProxy::TakeConnections(Pred pred) {
  std::list<std::unique_ptr<Connection>> taken;
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (pred(**it)) {
      taken.push_back(std::move(*it));
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

void TcpProxy::Drop(std::list<std::unique_ptr<Connection>> doomed, bool reset) {
  for (const std::unique_ptr<Connection>& c : doomed) Signal(c->wake_fd);
  for (const std::unique_ptr<Connection>& c : doomed) {
    c->up.join();
    c->down.join();
    if (reset) {
      ResetClose(c->client_fd);
      ResetClose(c->target_fd);
    } else {
      close(c->client_fd);
      close(c->target_fd);
    }
    close(c->wake_fd);
  }
}

void TcpProxy::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    const int n = poll(fds, 2, 100);
    if (n < 0 && errno != EINTR) return;
    if (fds[0].revents & POLLIN) return;
    if (fds[1].revents & POLLIN) {
      while (true) {
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) break;
        Accepted(fd);
      }
    }
    // Connections whose both directions ended are joined and closed here.
    std::list<std::unique_ptr<Connection>> ended;
    {
      absl::MutexLock lock(&mu_);
      ended = TakeConnections([](const Connection& c) { return c.pumps_running.load() == 0; });
    }
    Drop(std::move(ended), /*reset=*/false);
  }
}

void TcpProxy::Accepted(int client_fd) {
  const uint64_t inode = ClientSocketInode(client_fd);
  sockaddr_in target{};
  {
    absl::MutexLock lock(&mu_);
    if (cut_ && cut_mode_ == CutMode::kBlackhole) {
      blackholed_.push_back(client_fd);
      ++refused_;
      return;
    }
    if (cut_ || !has_target_ || IsRefusedClient(inode, /*count=*/true)) {
      ++refused_;
      ResetClose(client_fd);
      return;
    }
    target = target_;
  }
  const int target_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (target_fd < 0 ||
      connect(target_fd, reinterpret_cast<const sockaddr*>(&target), sizeof(target)) != 0) {
    // Nothing listens there (the node is down): the client sees its connection reset.
    ResetClose(target_fd);
    ResetClose(client_fd);
    return;
  }
  SetNonBlockingNoDelay(client_fd);
  SetNonBlockingNoDelay(target_fd);
  auto connection = std::make_unique<Connection>();
  connection->client_fd = client_fd;
  connection->target_fd = target_fd;
  connection->client_inode = inode;
  connection->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  absl::MutexLock lock(&mu_);
  // Cut or RefuseClients may have run while connecting: they win.
  if (connection->wake_fd < 0 || cut_ || IsRefusedClient(inode, /*count=*/true)) {
    ++refused_;
    ResetClose(client_fd);
    ResetClose(target_fd);
    if (connection->wake_fd >= 0) close(connection->wake_fd);
    return;
  }
  // The pumps start under the lock, so a Cut that follows finds them listed.
  Connection* c = connection.get();
  c->up = std::thread([this, c] { Pump(c, c->client_fd, c->target_fd, &to_target_); });
  c->down = std::thread([this, c] { Pump(c, c->target_fd, c->client_fd, &to_client_); });
  connections_.push_back(std::move(connection));
  ++forwarded_;
}

void TcpProxy::Pump(Connection* connection, int from, int to, std::atomic<uint64_t>* counter) {
  std::vector<char> buffer(kMaxChunk);
  const int wake = connection->wake_fd;
  bool broken = false;  // an error, as opposed to an orderly end or a stop
  bool running = true;
  while (running && !broken) {
    if (!WaitFor(from, POLLIN, wake, absl::InfiniteDuration())) break;
    const uint64_t rate = rate_.load();
    // With a cap, chunks of about 1/20 s of traffic keep the flow smooth.
    const size_t chunk = rate == 0 ? kMaxChunk : std::clamp<size_t>(rate / 20, 1024, kMaxChunk);
    const ssize_t n = read(from, buffer.data(), chunk);
    if (n == 0) {
      shutdown(to, SHUT_WR);  // an orderly end in this direction only
      break;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      broken = true;
      break;
    }
    absl::Duration hold = absl::Microseconds(delay_us_.load());
    if (rate > 0) hold += absl::Seconds(static_cast<double>(n) / static_cast<double>(rate));
    if (hold > absl::ZeroDuration() && !WaitFor(-1, 0, wake, hold)) break;
    size_t done = 0;
    while (done < static_cast<size_t>(n)) {
      const ssize_t w = send(to, buffer.data() + done, static_cast<size_t>(n) - done, MSG_NOSIGNAL);
      if (w > 0) {
        done += static_cast<size_t>(w);
        counter->fetch_add(static_cast<uint64_t>(w));
      } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!WaitFor(to, POLLOUT, wake, absl::InfiniteDuration())) {
          running = false;
          break;
        }
      } else {
        broken = true;
        break;
      }
    }
  }
  // A broken direction ends the other one too; the acceptor then closes both ends.
  if (broken) Signal(wake);
  --connection->pumps_running;
}

}  // namespace pacto
