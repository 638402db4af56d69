#include "node/registry/replica.h"

#include "common/status_macros.h"
#include "node/base/log.h"
#include "node/store/keys.h"
#include "node/store/origin_certificates.h"

namespace pacto {
namespace {

// The newest hybrid-clock timestamp in the log, so a clock set back across a restart
// cannot reuse one.
uint64_t LastLoggedHlc(const Database& db, uint64_t log_next) {
  if (log_next == 0) return 0;
  std::string value;
  if (!db.db()->Get(rocksdb::ReadOptions(), db.log(), LogKey(log_next - 1), &value).ok()) return 0;
  v1::Entry entry;
  return entry.ParseFromString(value) ? entry.hlc() : 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Replica>> Replica::Open(Options options) {
  std::unique_ptr<Replica> replica(new Replica(std::move(options)));
  Replica& r = *replica;
  PACTO_ASSIGN_OR_RETURN(r.db_, Database::Open(r.options_.database));
  if (r.options_.authenticator != nullptr) {
    PACTO_RETURN_IF_ERROR(LoadOriginCertificates(*r.db_, *r.options_.authenticator));
    // This node's own certificate travels with its entries too.
    if (std::optional<std::string> own = r.options_.authenticator->Certificate(r.db_->node_id())) {
      PACTO_RETURN_IF_ERROR(
          LearnOriginCertificate(*r.db_, *r.options_.authenticator, *own).status());
    }
  }
  r.applier_ = std::make_unique<Applier>(r.db_.get(), r.options_.clock, r.options_.authenticator);
  PACTO_RETURN_IF_ERROR(r.applier_->Reload());
  r.hlc_ = std::make_unique<HybridClock>(r.options_.clock, r.options_.max_clock_offset);
  r.hlc_->Restore(LastLoggedHlc(*r.db_, r.applier_->log_next()));
  CommitPipeline::Options pipeline_options;
  pipeline_options.node_id = r.db_->node_id();
  pipeline_options.node_region = r.options_.region;
  pipeline_options.sync = r.options_.sync;
  r.pipeline_ = std::make_unique<CommitPipeline>(r.db_.get(), r.applier_.get(), r.hlc_.get(),
                                                 r.options_.clock, pipeline_options);
  r.registry_ = std::make_unique<Registry>(r.db_.get(), r.pipeline_.get(),
                                           r.options_.federation_key, r.options_.clock);
  return replica;
}

Replica::~Replica() { Close(); }

void Replica::Close(bool flush) {
  if (db_ == nullptr) return;
  if (pipeline_) pipeline_->Stop();
  registry_.reset();
  pipeline_.reset();
  if (flush) {
    absl::Status flushed = db_->Flush();
    if (!flushed.ok())
      LogError("flush at close failed", {{"error", std::string(flushed.message())}});
  }
  applier_.reset();
  hlc_.reset();
  db_.reset();
}

}  // namespace pacto
