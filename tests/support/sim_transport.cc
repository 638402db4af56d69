#include "tests/support/sim_transport.h"

#include <deque>
#include <functional>

#include "absl/strings/str_cat.h"

namespace pacto {
namespace {

const v1::EntryBatch* BatchOf(const v1::PullResponse& m) {
  return m.has_batch() ? &m.batch() : nullptr;
}
const v1::EntryBatch* BatchOf(const v1::SnapshotChunk&) { return nullptr; }

// Whether delivering `later` before `earlier` must be refused by the receiver: the
// first entry of `later` has an origin whose earlier entries `earlier` carries.
bool SwapIsDetectable(const v1::EntryBatch& earlier, const v1::EntryBatch& later) {
  if (later.entries_size() == 0) return false;
  const std::string& origin = later.entries(0).origin();
  for (const v1::Entry& e : earlier.entries()) {
    if (e.origin() == origin && e.seq() < later.entries(0).seq()) return true;
  }
  return false;
}

// One server stream, run by calling the endpoint synchronously (see the header for
// the window and the faults).
template <typename Message>
class SimStream : public Incoming<Message> {
 public:
  using Emit = std::function<bool(const Message&)>;
  using Serve = std::function<absl::Status(const Emit&)>;

  // A stream whose call was refused.
  explicit SimStream(absl::Status refused) : error_(std::move(refused)) {}

  SimStream(SimTransport* transport, std::string callee, std::string caller, Serve serve)
      : transport_(transport),
        callee_(std::move(callee)),
        caller_(std::move(caller)),
        serve_(std::move(serve)) {
    const SimTransport::Faults faults = transport_->faults();
    break_after_ = transport_->TakeForcedBreak();
    if (!break_after_.has_value() && faults.break_probability > 0 &&
        transport_->Draw() < faults.break_probability) {
      break_after_ = transport_->DrawBelow(3);
    }
  }

  absl::StatusOr<bool> Next(Message* out) override {
    if (!error_.ok()) return error_;
    if (finished_) return false;
    if (break_after_.has_value() && delivered_ == *break_after_) {
      transport_->CountFault(&SimTransport::Stats::breaks);
      error_ = absl::UnavailableError(absl::StrCat("sim: the link ", callee_, " -> ", caller_,
                                                   " broke after ", delivered_, " messages"));
      return error_;
    }
    if (duplicate_.has_value()) {
      *out = *std::move(duplicate_);
      duplicate_.reset();
      Deliver(*out);
      return true;
    }
    if (!Ensure(1)) {
      finished_ = true;
      if (!end_.ok()) {
        error_ = end_;
        return error_;
      }
      return false;
    }
    Message message = std::move(buffer_.front());
    buffer_.pop_front();
    const SimTransport::Faults faults = transport_->faults();
    if (const v1::EntryBatch* batch = BatchOf(message); batch != nullptr) {
      const bool may_swap = !held_back_ && faults.swap_probability > 0;
      held_back_ = false;
      if (may_swap && Ensure(1) && BatchOf(buffer_.front()) != nullptr &&
          SwapIsDetectable(*batch, *BatchOf(buffer_.front())) &&
          transport_->Draw() < faults.swap_probability) {
        std::swap(message, buffer_.front());
        held_back_ = true;  // the held-back batch is not swapped again
        transport_->CountFault(&SimTransport::Stats::swaps);
      }
      if (faults.duplicate_probability > 0 && transport_->Draw() < faults.duplicate_probability) {
        duplicate_ = message;
        transport_->CountFault(&SimTransport::Stats::duplicates);
      }
    }
    *out = std::move(message);
    Deliver(*out);
    return true;
  }

  uint64_t bytes_received() const override { return bytes_; }

 private:
  void Deliver(const Message& m) {
    const uint64_t size = m.ByteSizeLong();
    bytes_ += size;
    ++delivered_;
    transport_->CountBytes(callee_, caller_, size);
  }

  // Makes `n` messages available when the stream has that many left.
  bool Ensure(size_t n) {
    while (buffer_.size() < n && !served_all_) RunWindow();
    return buffer_.size() >= n;
  }

  // Runs the endpoint from the start, skipping what it produced before, until the
  // buffer holds kWindow messages or the stream ends.
  void RunWindow() {
    uint64_t index = 0;
    bool stopped = false;
    absl::Status s = serve_([&](const Message& m) {
      if (index++ < produced_) return true;
      buffer_.push_back(m);
      ++produced_;
      if (buffer_.size() < SimTransport::kWindow) return true;
      stopped = true;
      return false;
    });
    if (!stopped) {
      served_all_ = true;
      end_ = s;
    }
  }

  SimTransport* const transport_ = nullptr;
  const std::string callee_, caller_;
  const Serve serve_;
  std::optional<uint64_t> break_after_;

  std::deque<Message> buffer_;
  uint64_t produced_ = 0;  // messages taken from the endpoint so far
  bool served_all_ = false;
  absl::Status end_;  // what the endpoint returned at the end

  std::optional<Message> duplicate_;
  bool held_back_ = false;
  uint64_t delivered_ = 0;
  uint64_t bytes_ = 0;
  bool finished_ = false;
  absl::Status error_;
};

}  // namespace

void SimTransport::Attach(const std::string& address, ReplicationEndpoint* endpoint) {
  absl::MutexLock lock(&mu_);
  endpoints_[address] = endpoint;
}

void SimTransport::Detach(const std::string& address) {
  absl::MutexLock lock(&mu_);
  endpoints_.erase(address);
}

std::pair<std::string, std::string> SimTransport::LinkKey(const std::string& a,
                                                          const std::string& b) {
  return a < b ? std::make_pair(a, b) : std::make_pair(b, a);
}

void SimTransport::Cut(const std::string& a, const std::string& b) {
  absl::MutexLock lock(&mu_);
  cut_.insert(LinkKey(a, b));
}

void SimTransport::Heal(const std::string& a, const std::string& b) {
  absl::MutexLock lock(&mu_);
  cut_.erase(LinkKey(a, b));
}

void SimTransport::HealAll() {
  absl::MutexLock lock(&mu_);
  cut_.clear();
}

bool SimTransport::IsCut(const std::string& a, const std::string& b) const {
  absl::MutexLock lock(&mu_);
  return cut_.count(LinkKey(a, b)) > 0;
}

void SimTransport::SetFaults(const Faults& faults) {
  absl::MutexLock lock(&mu_);
  faults_ = faults;
}

void SimTransport::BreakNextStreamAfter(uint64_t messages) {
  absl::MutexLock lock(&mu_);
  forced_break_ = messages;
}

std::optional<uint64_t> SimTransport::TakeForcedBreak() {
  absl::MutexLock lock(&mu_);
  std::optional<uint64_t> out = forced_break_;
  forced_break_.reset();
  return out;
}

SimTransport::Faults SimTransport::faults() const {
  absl::MutexLock lock(&mu_);
  return faults_;
}

uint64_t SimTransport::BytesSent(const std::string& from, const std::string& to) const {
  absl::MutexLock lock(&mu_);
  auto it = bytes_.find({from, to});
  return it == bytes_.end() ? 0 : it->second;
}

uint64_t SimTransport::BytesBetween(const std::string& a, const std::string& b) const {
  return BytesSent(a, b) + BytesSent(b, a);
}

uint64_t SimTransport::TotalBytes() const {
  absl::MutexLock lock(&mu_);
  uint64_t total = 0;
  for (const auto& [link, bytes] : bytes_) total += bytes;
  return total;
}

void SimTransport::ResetBytes() {
  absl::MutexLock lock(&mu_);
  bytes_.clear();
}

SimTransport::Stats SimTransport::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

double SimTransport::Draw() {
  absl::MutexLock lock(&mu_);
  return static_cast<double>((*rng_)() >> 11) * 0x1.0p-53;
}

uint64_t SimTransport::DrawBelow(uint64_t n) {
  absl::MutexLock lock(&mu_);
  return (*rng_)() % n;
}

void SimTransport::CountBytes(const std::string& from, const std::string& to, uint64_t bytes) {
  absl::MutexLock lock(&mu_);
  bytes_[{from, to}] += bytes;
  ++stats_.messages;
}

void SimTransport::CountFault(uint64_t Stats::*counter) {
  absl::MutexLock lock(&mu_);
  ++(stats_.*counter);
}

ReplicationEndpoint* SimTransport::Route(const std::string& caller, const std::string& address,
                                         uint64_t request_bytes, absl::Status* refused) {
  absl::MutexLock lock(&mu_);
  ++stats_.calls;
  auto it = endpoints_.find(address);
  if (it == endpoints_.end()) {
    ++stats_.refused;
    *refused = absl::UnavailableError(absl::StrCat("sim: ", address, " is down"));
    return nullptr;
  }
  if (cut_.count(LinkKey(caller, address)) > 0) {
    ++stats_.refused;
    *refused =
        absl::UnavailableError(absl::StrCat("sim: the link ", caller, " - ", address, " is cut"));
    return nullptr;
  }
  bytes_[{caller, address}] += request_bytes;
  ++stats_.messages;
  return it->second;
}

std::unique_ptr<Incoming<v1::PullResponse>> SimTransport::Pull(const std::string& address,
                                                               const v1::PullRequest& request) {
  const std::string& caller = request.caller().address();
  absl::Status refused;
  ReplicationEndpoint* endpoint = Route(caller, address, request.ByteSizeLong(), &refused);
  if (endpoint == nullptr) return std::make_unique<SimStream<v1::PullResponse>>(refused);
  return std::make_unique<SimStream<v1::PullResponse>>(
      this, address, caller,
      [endpoint, request](const std::function<bool(const v1::PullResponse&)>& emit) {
        return endpoint->Pull(request, emit);
      });
}

std::unique_ptr<Incoming<v1::SnapshotChunk>> SimTransport::Snapshot(
    const std::string& address, const v1::SnapshotRequest& request) {
  const std::string& caller = request.caller().address();
  absl::Status refused;
  ReplicationEndpoint* endpoint = Route(caller, address, request.ByteSizeLong(), &refused);
  if (endpoint == nullptr) return std::make_unique<SimStream<v1::SnapshotChunk>>(refused);
  return std::make_unique<SimStream<v1::SnapshotChunk>>(
      this, address, caller,
      [endpoint, request](const std::function<bool(const v1::SnapshotChunk&)>& emit) {
        return endpoint->Snapshot(request, emit);
      });
}

absl::Status SimTransport::Notify(const std::string& address, const v1::NotifyRequest& request) {
  absl::Status refused;
  ReplicationEndpoint* endpoint =
      Route(request.caller().address(), address, request.ByteSizeLong(), &refused);
  if (endpoint == nullptr) return refused;
  endpoint->Notify(request);
  return absl::OkStatus();
}

}  // namespace pacto
