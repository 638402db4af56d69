#include "tests/reports/loopback_transport.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace pacto {
namespace {

// Every message of one call, gathered before the first is read.
template <typename Message>
class Buffered : public Incoming<Message> {
 public:
  Buffered(std::vector<Message> messages, absl::Status end)
      : messages_(std::move(messages)), end_(std::move(end)) {}

  absl::StatusOr<bool> Next(Message* out) override {
    if (next_ < messages_.size()) {
      *out = std::move(messages_[next_++]);
      bytes_ += out->ByteSizeLong();
      return true;
    }
    if (!end_.ok()) return end_;
    return false;
  }
  uint64_t bytes_received() const override { return bytes_; }

 private:
  std::vector<Message> messages_;
  size_t next_ = 0;
  absl::Status end_;
  uint64_t bytes_ = 0;
};

template <typename Message, typename Call>
std::unique_ptr<Incoming<Message>> Gather(ReplicationEndpoint* endpoint, const std::string& address,
                                          Call call) {
  std::vector<Message> messages;
  if (endpoint == nullptr) {
    return std::make_unique<Buffered<Message>>(
        std::move(messages), absl::UnavailableError(absl::StrCat("no node at ", address)));
  }
  absl::Status end = call([&](const Message& m) {
    messages.push_back(m);
    return true;
  });
  return std::make_unique<Buffered<Message>>(std::move(messages), std::move(end));
}

}  // namespace

std::unique_ptr<Incoming<v1::PullResponse>> LoopbackTransport::Pull(
    const std::string& address, const v1::PullRequest& request) {
  auto it = endpoints_.find(address);
  ReplicationEndpoint* endpoint = it == endpoints_.end() ? nullptr : it->second;
  return Gather<v1::PullResponse>(endpoint, address,
                                  [&](const auto& emit) { return endpoint->Pull(request, emit); });
}

std::unique_ptr<Incoming<v1::SnapshotChunk>> LoopbackTransport::Snapshot(
    const std::string& address, const v1::SnapshotRequest& request) {
  auto it = endpoints_.find(address);
  ReplicationEndpoint* endpoint = it == endpoints_.end() ? nullptr : it->second;
  return Gather<v1::SnapshotChunk>(
      endpoint, address, [&](const auto& emit) { return endpoint->Snapshot(request, emit); });
}

absl::Status LoopbackTransport::Notify(const std::string& address,
                                       const v1::NotifyRequest& request) {
  auto it = endpoints_.find(address);
  if (it == endpoints_.end()) return absl::UnavailableError(absl::StrCat("no node at ", address));
  it->second->Notify(request);
  return absl::OkStatus();
}

}  // namespace pacto
