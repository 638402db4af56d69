// A node shut down and destroyed while a backup runs (node/server/admin_service.h):
// Backup and Sync run on threads the Admin service owns and the node joins at
// shutdown, so nothing they touch is freed under them. In process, without the
// `process` label, so the sanitizer build runs it: ASan reports any use of freed
// memory, which a detached thread finishing its call after the node is gone would be.
//
// The data dir carries ballast (incompressible bytes in the metadata family, read by
// nothing) so that the copy outlasts the moment the test sees it begin. Whether the
// backup is stopped or, on a very slow machine, finishes first, the test checks what
// must hold either way: the call gets an answer, the node goes away cleanly, a stopped
// backup leaves no backup behind, and the node starts again and backs up.
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "node/server/node.h"
#include "node/server/node_config.h"
#include "node/store/database.h"
#include "pacto/v1/admin.grpc.pb.h"
#include "tests/support/processes.h"

namespace pacto {
namespace {

constexpr int kBallastMegabytes = 48;

bool HasEntries(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::is_directory(dir, ec) && !std::filesystem::is_empty(dir, ec);
}

class BackupShutdownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = DefaultNodeConfig();
    config_.set_data_dir(dir_.Sub("data"));
    config_.set_node_id("n1");
    config_.set_region("BO");
    config_.set_listen("127.0.0.1:0");
    config_.set_http("off");
    config_.set_backup_dir(dir_.Sub("backups"));
  }

  std::unique_ptr<Node> StartNode() {
    absl::StatusOr<std::unique_ptr<Node>> node = Node::Start(config_);
    EXPECT_TRUE(node.ok()) << node.status();
    return node.ok() ? *std::move(node) : nullptr;
  }

  std::unique_ptr<v1::Admin::Stub> Admin(const Node& node) {
    return v1::Admin::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", node.grpc_port()),
                                                  grpc::InsecureChannelCredentials()));
  }

  // Random bytes the node never reads, written into its data dir while it is down.
  void AddBallast() {
    DatabaseOptions options;
    options.path = config_.data_dir();
    options.node_id = config_.node_id();
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    std::mt19937_64 random(42);
    std::string value(1 << 20, '\0');
    for (int i = 0; i < kBallastMegabytes; ++i) {
      for (size_t j = 0; j + 8 <= value.size(); j += 8) {
        const uint64_t bits = random();
        memcpy(&value[j], &bits, 8);
      }
      ASSERT_TRUE(
          (*db)
              ->db()
              ->Put(rocksdb::WriteOptions(), (*db)->meta(), absl::StrCat("test-ballast/", i), value)
              .ok());
    }
    ASSERT_TRUE((*db)->Flush().ok());
  }

  ScratchDir dir_;
  v1::NodeConfig config_;
};

TEST_F(BackupShutdownTest, NodeStopsMidBackup) {
  // A first start makes the data dir; the ballast goes in while the node is down.
  ASSERT_NE(StartNode(), nullptr);
  AddBallast();
  std::unique_ptr<Node> node = StartNode();
  ASSERT_NE(node, nullptr);
  std::unique_ptr<v1::Admin::Stub> admin = Admin(*node);

  grpc::Status backup_status;
  std::thread backup([&] {
    grpc::ClientContext context;
    v1::BackupRequest request;
    request.set_dir("mid");
    v1::BackupResponse response;
    backup_status = admin->Backup(&context, request, &response);
  });
  grpc::Status sync_status;
  std::thread sync([&] {
    grpc::ClientContext context;
    v1::SyncResponse response;
    sync_status = admin->Sync(&context, v1::SyncRequest(), &response);
  });
  // The copy has begun once BackupEngine has written a file of the new backup.
  const std::string target = dir_.Sub("backups/mid");
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (!HasEntries(target + "/shared_checksum") && !HasEntries(target + "/private/1.tmp")) {
    ASSERT_LT(absl::Now(), deadline) << "the backup never started";
    absl::SleepFor(absl::Milliseconds(1));
  }
  node->Shutdown();
  node.reset();  // every part freed; the task threads were joined before
  backup.join();
  sync.join();
  admin.reset();

  std::cerr << "backup stopped by the shutdown: " << backup_status.error_code() << " "
            << backup_status.error_message() << "\n";
  if (!backup_status.ok()) {
    EXPECT_FALSE(std::filesystem::exists(target + "/meta/1")) << "a stopped backup was kept";
  }

  // The node starts again on its data, and the name takes a backup that verifies.
  node = StartNode();
  ASSERT_NE(node, nullptr);
  admin = Admin(*node);
  grpc::ClientContext context;
  v1::BackupRequest request;
  request.set_dir("mid");
  v1::BackupResponse response;
  grpc::Status again = admin->Backup(&context, request, &response);
  ASSERT_TRUE(again.ok()) << again.error_code() << " " << again.error_message();
  EXPECT_TRUE(response.verified());

  // Both attempts are in the node's events, the interrupted one with its outcome.
  grpc::ClientContext events_context;
  v1::EventsResponse events;
  ASSERT_TRUE(admin->Events(&events_context, v1::EventsRequest(), &events).ok());
  ASSERT_EQ(events.events_size(), 2);
  EXPECT_EQ(events.events(0).outcome(), "ok");
  EXPECT_EQ(events.events(1).outcome(), backup_status.ok() ? "ok" : "UNAVAILABLE");
  node->Shutdown();
}

// Shutting down refuses Admin calls that would start a task, and joins idle threads:
// repeated starts and stops with calls in between leave nothing behind.
TEST_F(BackupShutdownTest, BackupsAndSyncsAcrossRestarts) {
  for (int round = 0; round < 3; ++round) {
    std::unique_ptr<Node> node = StartNode();
    ASSERT_NE(node, nullptr);
    std::unique_ptr<v1::Admin::Stub> admin = Admin(*node);
    for (int i = 0; i < 3; ++i) {
      grpc::ClientContext context;
      v1::SyncResponse response;
      ASSERT_TRUE(admin->Sync(&context, v1::SyncRequest(), &response).ok());
    }
    grpc::ClientContext context;
    v1::BackupRequest request;
    request.set_dir(absl::StrCat("round/", round));
    v1::BackupResponse response;
    grpc::Status status = admin->Backup(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.backup_id(), 1u);
  }
}

}  // namespace
}  // namespace pacto
