// The peers a node knows: seeds from --peers, and every node learned since, from
// the calls peers make to it and from the peer lists they exchange. For each, what
// it last had (its version vector), when a session with it last worked, and how
// often it has failed since (for backoff). Kept in the metadata family, so a restart
// remembers the federation.
//
// Thread-safe.
#ifndef PACTO_NODE_REPLICATION_PEER_DIRECTORY_H_
#define PACTO_NODE_REPLICATION_PEER_DIRECTORY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "node/store/database.h"
#include "node/store/version_vector.h"
#include "pacto/v1/replication.pb.h"

namespace pacto {

class PeerDirectory {
 public:
  // Loads what `db` remembers. `self` is never listed as a peer.
  static absl::StatusOr<std::unique_ptr<PeerDirectory>> Load(Database* db, v1::NodeInfo self);

  void AddSeed(const std::string& address);
  // Learns a node (its address, id and region). Returns true when it is new.
  bool Learn(const v1::NodeInfo& info);
  // The peer at `address` has (at least) `vv`.
  void RecordTheirVector(const std::string& address, const VersionVector& vv, absl::Time now);
  void RecordSuccess(const std::string& address, const v1::NodeInfo& callee, absl::Time now);
  void RecordFailure(const std::string& address, const std::string& error, absl::Time now);

  // Freshness: when this node last heard from each origin node, directly (a session
  // with it) or through others (their own heard-from times, passed along). Max-merged.
  void Heard(const std::string& node_id, int64_t unix_ms);
  void MergeHeard(const google::protobuf::Map<std::string, int64_t>& heard);
  std::map<std::string, int64_t> HeardFrom() const;

  std::vector<v1::PeerRecord> List() const;
  std::optional<v1::PeerRecord> Get(const std::string& address) const;
  // Every peer's identity, for the lists nodes exchange.
  std::vector<v1::NodeInfo> Infos() const;
  // A hash of the (address, node id) pairs of every node known, this one included, so
  // two nodes send lists only when they differ.
  uint64_t Hash() const;

  const v1::NodeInfo& self() const { return self_; }

 private:
  PeerDirectory(Database* db, v1::NodeInfo self) : db_(db), self_(std::move(self)) {}
  bool IsSelf(const v1::NodeInfo& info) const;
  void Save(const v1::PeerRecord& record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Database* const db_;
  const v1::NodeInfo self_;
  mutable absl::Mutex mu_;
  std::map<std::string, v1::PeerRecord> peers_ ABSL_GUARDED_BY(mu_);  // by address
  std::map<std::string, int64_t> heard_ ABSL_GUARDED_BY(mu_);         // by node id
};

}  // namespace pacto

#endif  // PACTO_NODE_REPLICATION_PEER_DIRECTORY_H_
