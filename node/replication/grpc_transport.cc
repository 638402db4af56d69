#include "node/replication/grpc_transport.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"

namespace pacto {
namespace {

absl::Status FromGrpc(const grpc::Status& s, const std::string& address) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(address, ": ", s.error_message()));
}

template <typename Message>
class GrpcIncoming : public Incoming<Message> {
 public:
  GrpcIncoming(std::unique_ptr<grpc::ClientContext> context,
               std::unique_ptr<grpc::ClientReader<Message>> reader, std::string address)
      : context_(std::move(context)), reader_(std::move(reader)), address_(std::move(address)) {}

  ~GrpcIncoming() override {
    if (!finished_) {
      context_->TryCancel();
      reader_->Finish();
    }
  }

  absl::StatusOr<bool> Next(Message* out) override {
    if (finished_) return false;
    if (reader_->Read(out)) {
      bytes_ += out->ByteSizeLong();
      return true;
    }
    finished_ = true;
    absl::Status status = FromGrpc(reader_->Finish(), address_);
    if (!status.ok()) return status;
    return false;
  }

  uint64_t bytes_received() const override { return bytes_; }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<Message>> reader_;
  const std::string address_;
  bool finished_ = false;
  uint64_t bytes_ = 0;
};

std::unique_ptr<grpc::ClientContext> ContextWithDeadline(absl::Duration deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(absl::ToInt64Milliseconds(deadline)));
  return context;
}

}  // namespace

v1::Replication::Stub* GrpcTransport::StubFor(const std::string& address) {
  absl::MutexLock lock(&mu_);
  auto& stub = stubs_[address];
  if (stub == nullptr) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    std::shared_ptr<grpc::Channel> channel =
        grpc::CreateCustomChannel(address, options_.credentials, args);
    channels_[address] = channel;
    stub = v1::Replication::NewStub(channel);
  }
  return stub.get();
}

void GrpcTransport::ResetBackoff(const std::string& address) {
  absl::MutexLock lock(&mu_);
  auto it = channels_.find(address);
  if (it != channels_.end()) grpc::experimental::ChannelResetConnectionBackoff(it->second.get());
}

std::unique_ptr<Incoming<v1::PullResponse>> GrpcTransport::Pull(const std::string& address,
                                                                const v1::PullRequest& request) {
  auto context = ContextWithDeadline(options_.pull_deadline);
  auto reader = StubFor(address)->Pull(context.get(), request);
  return std::make_unique<GrpcIncoming<v1::PullResponse>>(std::move(context), std::move(reader),
                                                          address);
}

std::unique_ptr<Incoming<v1::SnapshotChunk>> GrpcTransport::Snapshot(
    const std::string& address, const v1::SnapshotRequest& request) {
  auto context = ContextWithDeadline(options_.pull_deadline);
  auto reader = StubFor(address)->Snapshot(context.get(), request);
  return std::make_unique<GrpcIncoming<v1::SnapshotChunk>>(std::move(context), std::move(reader),
                                                           address);
}

absl::Status GrpcTransport::Notify(const std::string& address, const v1::NotifyRequest& request) {
  auto context = ContextWithDeadline(options_.notify_deadline);
  v1::NotifyResponse response;
  return FromGrpc(StubFor(address)->Notify(context.get(), request, &response), address);
}

}  // namespace pacto
