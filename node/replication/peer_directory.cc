#include "node/replication/peer_directory.h"

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "node/base/log.h"
#include "node/store/keys.h"

namespace pacto {
namespace {

constexpr char kPeerPrefix[] = "peer/";
constexpr char kHeardPrefix[] = "heard/";

}  // namespace

absl::StatusOr<std::unique_ptr<PeerDirectory>> PeerDirectory::Load(Database* db,
                                                                   v1::NodeInfo self) {
  std::unique_ptr<PeerDirectory> directory(new PeerDirectory(db, std::move(self)));
  std::unique_ptr<rocksdb::Iterator> it(db->db()->NewIterator(rocksdb::ReadOptions(), db->meta()));
  absl::MutexLock lock(&directory->mu_);
  for (it->Seek(kPeerPrefix); it->Valid() && it->key().starts_with(kPeerPrefix); it->Next()) {
    v1::PeerRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("malformed peer record in the data dir");
    }
    if (directory->IsSelf(record.info())) continue;
    directory->peers_[record.info().address()] = std::move(record);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading peers");
  for (it->Seek(kHeardPrefix); it->Valid() && it->key().starts_with(kHeardPrefix); it->Next()) {
    if (it->value().size() != 8) continue;
    directory->heard_[std::string(ToView(it->key()).substr(sizeof(kHeardPrefix) - 1))] =
        static_cast<int64_t>(GetBigEndian64(ToView(it->value())));
  }
  return directory;
}

bool PeerDirectory::IsSelf(const v1::NodeInfo& info) const {
  return (!info.node_id().empty() && info.node_id() == self_.node_id()) ||
         (!info.address().empty() && info.address() == self_.address());
}

void PeerDirectory::Save(const v1::PeerRecord& record) {
  rocksdb::Status s = db_->db()->Put(rocksdb::WriteOptions(), db_->meta(),
                                     absl::StrCat(kPeerPrefix, record.info().address()),
                                     record.SerializeAsString());
  if (!s.ok()) LogWarning("cannot save a peer", {{"error", s.ToString()}});
}

void PeerDirectory::AddSeed(const std::string& address) {
  v1::NodeInfo info;
  info.set_address(address);
  if (IsSelf(info)) return;
  absl::MutexLock lock(&mu_);
  v1::PeerRecord& record = peers_[address];
  record.mutable_info()->set_address(address);
  if (!record.seed()) {
    record.set_seed(true);
    Save(record);
  }
}

bool PeerDirectory::Learn(const v1::NodeInfo& info) {
  if (info.address().empty() || IsSelf(info)) return false;
  absl::MutexLock lock(&mu_);
  auto [it, added] = peers_.try_emplace(info.address());
  v1::PeerRecord& record = it->second;
  bool changed = added;
  if (!info.node_id().empty() && record.info().node_id() != info.node_id()) {
    record.mutable_info()->set_node_id(info.node_id());
    changed = true;
  }
  if (!info.region().empty() && record.info().region() != info.region()) {
    record.mutable_info()->set_region(info.region());
    changed = true;
  }
  record.mutable_info()->set_address(info.address());
  if (changed) Save(record);
  return added;
}

void PeerDirectory::RecordTheirVector(const std::string& address, const VersionVector& vv,
                                      absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = peers_.find(address);
  if (it == peers_.end()) return;
  VersionVector known = VersionVector::FromProto(it->second.their_vector());
  known.MergeFrom(vv);
  known.ToProto(it->second.mutable_their_vector());
  it->second.set_their_vector_ms(absl::ToUnixMillis(now));
  Save(it->second);
}

void PeerDirectory::Heard(const std::string& node_id, int64_t unix_ms) {
  if (node_id.empty()) return;
  absl::MutexLock lock(&mu_);
  int64_t& known = heard_[node_id];
  if (unix_ms <= known) return;
  known = unix_ms;
  std::string value;
  PutBigEndian64(&value, static_cast<uint64_t>(unix_ms));
  db_->db()->Put(rocksdb::WriteOptions(), db_->meta(), absl::StrCat(kHeardPrefix, node_id), value);
}

void PeerDirectory::MergeHeard(const google::protobuf::Map<std::string, int64_t>& heard) {
  for (const auto& [node_id, ms] : heard) {
    if (node_id != self_.node_id()) Heard(node_id, ms);
  }
}

std::map<std::string, int64_t> PeerDirectory::HeardFrom() const {
  absl::MutexLock lock(&mu_);
  return heard_;
}

void PeerDirectory::RecordSuccess(const std::string& address, const v1::NodeInfo& callee,
                                  absl::Time now) {
  Learn(callee);
  Heard(callee.node_id(), absl::ToUnixMillis(now));
  absl::MutexLock lock(&mu_);
  auto it = peers_.find(address);
  if (it == peers_.end()) return;
  // The node answering at this address (a configured seed, say) is now known by id,
  // so the syncer sees when two addresses reach the same node.
  if (!callee.node_id().empty()) it->second.mutable_info()->set_node_id(callee.node_id());
  it->second.set_last_success_ms(absl::ToUnixMillis(now));
  it->second.set_last_attempt_ms(absl::ToUnixMillis(now));
  it->second.set_failures(0);
  it->second.clear_last_error();
  Save(it->second);
}

void PeerDirectory::RecordFailure(const std::string& address, const std::string& error,
                                  absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = peers_.find(address);
  if (it == peers_.end()) return;
  it->second.set_last_attempt_ms(absl::ToUnixMillis(now));
  it->second.set_failures(it->second.failures() + 1);
  it->second.set_last_error(error);
  Save(it->second);
}

std::vector<v1::PeerRecord> PeerDirectory::List() const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::PeerRecord> out;
  for (const auto& [address, record] : peers_) out.push_back(record);
  return out;
}

std::optional<v1::PeerRecord> PeerDirectory::Get(const std::string& address) const {
  absl::MutexLock lock(&mu_);
  auto it = peers_.find(address);
  if (it == peers_.end()) return std::nullopt;
  return it->second;
}

std::vector<v1::NodeInfo> PeerDirectory::Infos() const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::NodeInfo> out;
  for (const auto& [address, record] : peers_) out.push_back(record.info());
  return out;
}

uint64_t PeerDirectory::Hash() const {
  // The whole federation as this node knows it, itself included, so two nodes that
  // know the same nodes have equal hashes and exchange no lists.
  std::map<std::string, std::string> everyone;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [address, record] : peers_) everyone[address] = record.info().node_id();
  }
  everyone[self_.address()] = self_.node_id();
  std::string text;
  for (const auto& [address, node_id] : everyone)
    absl::StrAppend(&text, address, "=", node_id, ";");
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), hash, &len, EVP_sha256(), nullptr);
  uint64_t out = 0;
  for (int i = 0; i < 8; ++i) out = (out << 8) | hash[i];
  return out;
}

}  // namespace pacto
