#include "tests/nemesis/sim_node.h"

#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "node/store/read_view.h"
#include "tests/nemesis/no_sync_fs.h"

namespace pacto {

SimNode::SimNode(Options options, absl::Time true_now, WantsPull wants_pull)
    : options_(std::move(options)),
      start_(true_now),
      wants_pull_(std::move(wants_pull)),
      clock_(true_now + options_.clock_offset),
      // Power cuts are simulated above the real disk, so real fsyncs are not needed.
      fs_(std::make_shared<DropUnsyncedFileSystem>(
          NewNoSyncFileSystem(rocksdb::FileSystem::Default()))),
      env_(NewEnvOver(fs_)) {}

SimNode::~SimNode() { Close(); }

v1::NodeInfo SimNode::info() const {
  v1::NodeInfo info;
  info.set_node_id(options_.node_id);
  info.set_region(options_.region);
  info.set_address(options_.address);
  return info;
}

absl::Status SimNode::Open() {
  Replica::Options options;
  options.database.path = options_.path;
  options.database.node_id = options_.node_id;
  options.database.env = env_.get();
  // A memtable budget no run reaches, so RocksDB never flushes on its own: flushes
  // happen when the test asks (Flush()), and a seed replays exactly.
  options.database.write_buffer_bytes = 64 << 20;
  options.database.block_cache_bytes = 4 << 20;
  options.region = options_.region;
  options.clock = &clock_;
  options.max_clock_offset = options_.max_clock_offset;
  PACTO_ASSIGN_OR_RETURN(replica_, Replica::Open(options));
  PACTO_ASSIGN_OR_RETURN(peers_, PeerDirectory::Load(&replica_->db(), info()));
  for (const std::string& seed : options_.seeds) peers_->AddSeed(seed);
  endpoint_ =
      std::make_unique<ReplicationEndpoint>(&replica_->db(), peers_.get(), info(), wants_pull_);
  return absl::OkStatus();
}

void SimNode::Crash() {
  fs_->Deactivate();
  endpoint_.reset();
  peers_.reset();
  if (replica_ != nullptr) replica_->Close(/*flush=*/false);
  replica_.reset();
  fs_->DropUnsyncedData();
}

void SimNode::Close() {
  endpoint_.reset();
  peers_.reset();
  replica_.reset();
}

absl::Status SimNode::Flush() { return replica_->db().Flush(); }

void SimNode::SetTrueTime(absl::Time true_now) {
  const absl::Duration elapsed = true_now - start_;
  clock_.Set(true_now + options_.clock_offset + leap_ + elapsed * options_.clock_drift);
}

CommittedState SimNode::State() const {
  ReadView view(&replica_->db());
  absl::StatusOr<CommittedState> state = ReadCommittedState(view);
  if (!state.ok()) {
    ADD_FAILURE() << id() << ": cannot read its committed state: " << state.status();
    return CommittedState();
  }
  return *std::move(state);
}

}  // namespace pacto
