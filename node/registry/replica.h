// One node's replica of the registry: its database, the apply path, the hybrid clock,
// the commit pipeline and the Registry on top, opened and closed together. The
// daemon runs one (node/server/node.h); tests run several in one process.
//
// Thread-safe once open; Close() must not race with calls.
#ifndef PACTO_NODE_REGISTRY_REPLICA_H_
#define PACTO_NODE_REGISTRY_REPLICA_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node/base/clock.h"
#include "node/base/hlc.h"
#include "node/domain/national_id.h"
#include "node/registry/registry.h"
#include "node/store/applier.h"
#include "node/store/commit_pipeline.h"
#include "node/store/database.h"
#include "node/store/entry_authenticator.h"

namespace pacto {

class Replica {
 public:
  struct Options {
    DatabaseOptions database;
    std::string region;  // the node's home region
    const Clock* clock = SystemClock();
    FederationKey federation_key = FederationKey::Development();
    // Remote timestamps further ahead of this node's clock are refused.
    absl::Duration max_clock_offset = absl::Minutes(5);
    // Whether commits sync the WAL. Only benchmarks of the raw apply path turn it off.
    bool sync = true;
    // Secure mode: signs this node's entries and checks replicated ones (region
    // authority); null in development mode. Must outlive the replica.
    EntryAuthenticator* authenticator = nullptr;
  };

  // Opens (or creates) the data dir and starts the commit pipeline.
  static absl::StatusOr<std::unique_ptr<Replica>> Open(Options options);
  ~Replica();

  // Finishes queued writes, stops the pipeline, flushes when `flush`, closes the
  // database. Idempotent.
  void Close(bool flush = true);

  const std::string& node_id() const { return db_->node_id(); }
  const std::string& region() const { return options_.region; }
  Database& db() { return *db_; }
  const Database& db() const { return *db_; }
  Registry& registry() { return *registry_; }
  CommitPipeline& pipeline() { return *pipeline_; }
  HybridClock& hlc() { return *hlc_; }
  // Null in development mode.
  EntryAuthenticator* authenticator() const { return options_.authenticator; }
  const Clock& clock() const { return *options_.clock; }

 private:
  explicit Replica(Options options) : options_(std::move(options)) {}

  Options options_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Applier> applier_;
  std::unique_ptr<HybridClock> hlc_;
  std::unique_ptr<CommitPipeline> pipeline_;
  std::unique_ptr<Registry> registry_;
};

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_REPLICA_H_
