#include "node/store/applier.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/security/revocation.h"
#include "node/store/entry_chain.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"
#include "node/store/record_kinds.h"
#include "node/store/record_state.h"
#include "node/store/rejection.h"
#include "node/store/sha256.h"
#include "pacto/v1/model.pb.h"

namespace pacto {

Applier::Applier(Database* db, const Clock* clock, const EntryAuthenticator* authenticator)
    : db_(db),
      tallies_(db),
      derived_(db, &tallies_, &structure_),
      clock_(clock),
      authenticator_(authenticator) {}

absl::Status Applier::Reload() {
  tallies_.Reset();
  structure_.Reset();
  open_.reset();
  dirty_origins_.clear();
  vv_ = VersionVector();
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->meta()));
  for (it->Seek(kVersionVectorPrefix); it->Valid() && it->key().starts_with(kVersionVectorPrefix);
       it->Next()) {
    if (it->value().size() != 8) return absl::DataLossError("malformed version vector entry");
    vv_.Set(ToView(it->key()).substr(sizeof(kVersionVectorPrefix) - 1),
            GetBigEndian64(ToView(it->value())));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the version vector");
  origins_.clear();
  for (it->Seek(kOriginStatePrefix); it->Valid() && it->key().starts_with(kOriginStatePrefix);
       it->Next()) {
    v1::OriginState origin;
    if (!origin.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("malformed origin state");
    }
    origins_[std::string(ToView(it->key()).substr(sizeof(kOriginStatePrefix) - 1))] = origin;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading origin states");
  std::string value;
  rocksdb::Status s = db_->db()->Get(rocksdb::ReadOptions(), db_->meta(), kDigestKey, &value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the digest");
  digest_ = s.ok() ? Digest::Decode(value) : Digest();
  s = db_->db()->Get(rocksdb::ReadOptions(), db_->meta(), kLogNextKey, &value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the log cursor");
  log_next_ = s.ok() && value.size() == 8 ? GetBigEndian64(value) : 0;
  dirty_ = false;
  return absl::OkStatus();
}

absl::StatusOr<bool> Applier::BeginEntry(WriteTxn& txn, const v1::Entry& header) {
  (void)txn;
  if (open_) return absl::InternalError("an entry is already open");
  if (header.origin().empty() || header.seq() == 0) {
    return absl::InvalidArgumentError("entry: origin and seq are required");
  }
  uint64_t have = vv_.Get(header.origin());
  if (header.seq() <= have) return false;
  if (header.seq() != have + 1) {
    return absl::FailedPreconditionError(absl::StrCat("entry ", header.origin(), ":", header.seq(),
                                                      " arrived before ", header.origin(), ":",
                                                      have + 1));
  }
  open_.emplace(header);
  open_->clear_ops();
  return true;
}

absl::Status Applier::ApplyOp(WriteTxn& txn, v1::Op op, Origin origin) {
  if (!open_) return absl::InternalError("ApplyOp without an open entry");
  if (op.type() == v1::RECORD_TYPE_UNSPECIFIED || !v1::RecordType_IsValid(op.type()) ||
      op.id().empty()) {
    return absl::InvalidArgumentError("op: a record type and id are required");
  }
  v1::Dot dot;
  dot.set_origin(open_->origin());
  dot.set_seq(open_->seq());

  v1::RecordState state;
  PACTO_ASSIGN_OR_RETURN(bool existed, ReadState(txn, op.type(), op.id(), &state));
  if (existed && origin == Origin::kLocal) {
    op.clear_supersedes();
    for (const v1::Version& v : state.versions()) *op.add_supersedes() = v.dot();
  }
  v1::RecordState merged = state;
  MergeOp(&merged, op, dot, open_->hlc(), open_->principal());
  PACTO_RETURN_IF_ERROR(Replace(txn, op.type(), op.id(), state, merged));

  // The log keeps the op without its value: values live only in the record's
  // versions (and are filled in when the entry is shipped), so erasing a record's
  // versions erases its data everywhere on this node, the log included.
  if (origin == Origin::kLocal && op.kind() == v1::Op::PUT) op.set_value_hash(Sha256(op.value()));
  op.clear_value();
  *open_->add_ops() = std::move(op);
  return absl::OkStatus();
}

absl::Status Applier::Replace(WriteTxn& txn, v1::RecordType type, const std::string& id,
                              const v1::RecordState& before, const v1::RecordState& after) {
  const std::string key = RecordKey(type, id);
  txn.Put(db_->records(), key, after.SerializeAsString());
  digest_.Subtract(RecordDigest(key, before));
  digest_.Add(RecordDigest(key, after));
  dirty_ = true;

  std::optional<std::string> old_winner, new_winner;
  if (IsLive(before)) old_winner = Winner(before)->value();
  if (IsLive(after)) new_winner = Winner(after)->value();
  if (old_winner != new_winner) {
    PACTO_RETURN_IF_ERROR(derived_.OnWinnerChange(
        txn, type, id, old_winner ? &*old_winner : nullptr, new_winner ? &*new_winner : nullptr));
  }
  // Records holding concurrent versions are listed for `pacto report conflicts`.
  if (HasConflict(after) != HasConflict(before)) {
    const std::string index_key = IndexKey(IndexKind::kConflicts, "", key);
    if (HasConflict(after)) {
      txn.Put(db_->indexes(), index_key, "");
    } else {
      txn.Delete(db_->indexes(), index_key);
    }
  }
  return absl::OkStatus();
}

absl::Status Applier::MergeRecord(WriteTxn& txn, v1::RecordType type, const std::string& id,
                                  const v1::RecordState& remote, const VersionVector& remote_vv) {
  if (open_) return absl::InternalError("MergeRecord with an entry open");
  v1::RecordState local;
  PACTO_ASSIGN_OR_RETURN(bool existed, ReadState(txn, type, id, &local));
  (void)existed;
  v1::RecordState merged = MergeStates(local, remote, vv_, remote_vv, type);
  if (merged.SerializeAsString() == local.SerializeAsString()) return absl::OkStatus();
  return Replace(txn, type, id, local, merged);
}

void Applier::MergeVersionVector(const VersionVector& remote_vv) {
  for (const auto& [origin, seq] : remote_vv.entries()) {
    if (seq > vv_.Get(origin)) {
      vv_.Set(origin, seq);
      v1::OriginState& state = origins_[origin];
      state.set_seq(seq);
      // Entries up to `seq` arrived in the snapshot and are not in this log, nor is
      // the signature the origin's next entry chains to.
      state.set_log_floor(seq + 1);
      state.clear_last_entry_hash();
      state.set_received_ms(absl::ToUnixMillis(clock_->Now()));
      dirty_origins_.push_back(origin);
      dirty_ = true;
    }
  }
}

absl::Status Applier::EndEntry(WriteTxn& txn) {
  if (!open_) return absl::InternalError("EndEntry without an open entry");
  v1::Entry entry = std::move(*open_);
  open_.reset();
  if (entry.ops_size() == 0) return absl::OkStatus();
  v1::OriginState& chain = origins_[entry.origin()];
  if (authenticator_ != nullptr && entry.signature().empty() && entry.origin() == db_->node_id()) {
    // This node's own write: chained to its previous entry and signed.
    entry.set_prev_hash(chain.last_entry_hash());
    PACTO_RETURN_IF_ERROR(authenticator_->Sign(&entry));
  }
  if (!entry.signature().empty()) chain.set_last_entry_hash(EntryChainHash(entry));
  const uint64_t position = log_next_++;
  txn.Put(db_->log(), LogKey(position), entry.SerializeAsString());
  std::string encoded;
  PutBigEndian64(&encoded, position);
  txn.Put(db_->log(), DotKey(entry.origin(), entry.seq()), encoded);
  vv_.Set(entry.origin(), entry.seq());
  v1::OriginState& origin = origins_[entry.origin()];
  origin.set_seq(entry.seq());
  origin.set_newest_hlc(std::max(origin.newest_hlc(), entry.hlc()));
  if (!entry.origin_region().empty()) origin.set_region(entry.origin_region());
  origin.set_received_ms(absl::ToUnixMillis(clock_->Now()));
  dirty_origins_.push_back(entry.origin());
  dirty_ = true;
  return absl::OkStatus();
}

absl::Status Applier::ValidateOps(const v1::Entry& entry) {
  if (entry.ops_size() == 0) return absl::InvalidArgumentError("entry: has no ops");
  for (const v1::Op& op : entry.ops()) {
    auto message = NewRecordMessage(op.type());
    if (message == nullptr || op.id().empty()) {
      return absl::InvalidArgumentError("entry: op without a known record type and id");
    }
    switch (op.kind()) {
      case v1::Op::PUT:
        if (!op.redacted() && !message->ParseFromString(op.value())) {
          return absl::InvalidArgumentError(
              absl::StrCat("entry: op value does not decode as ", v1::RecordType_Name(op.type())));
        }
        if (!op.redacted() && op.type() == v1::RECORD_TYPE_TOKEN_REVOCATION) {
          // A revocation's id is derived from what it revokes (revocation.h).
          absl::StatusOr<v1::TokenRevocation> revocation = ParseRevocation(op.value());
          if (!revocation.ok() || revocation->id() != op.id()) {
            return absl::InvalidArgumentError("entry: malformed token revocation");
          }
        }
        break;
      case v1::Op::DELETE:
      case v1::Op::ERASE:
        break;
      default:
        return absl::InvalidArgumentError("entry: op of unknown kind");
    }
  }
  return absl::OkStatus();
}

absl::Status Applier::ApplyEntry(WriteTxn& txn, const v1::Entry& entry, bool* applied,
                                 const std::string* verified_region) {
  PACTO_RETURN_IF_ERROR(ValidateOps(entry));
  PACTO_ASSIGN_OR_RETURN(*applied, BeginEntry(txn, entry));
  if (!*applied) return absl::OkStatus();
  if (authenticator_ != nullptr) {
    absl::Status authority;
    if (verified_region != nullptr) {
      authority = CheckRegions(txn, entry, *verified_region);
    } else {
      const std::optional<std::string> link = ChainLink(entry.origin(), entry.seq());
      absl::StatusOr<std::string> region = VerifyOrigin(entry, link ? &*link : nullptr);
      authority = region.ok() ? CheckRegions(txn, entry, *region) : region.status();
    }
    if (!authority.ok()) {
      open_.reset();
      return authority;
    }
  }
  for (const v1::Op& op : entry.ops()) {
    absl::Status s = ApplyOp(txn, op);
    if (!s.ok()) return s;
  }
  return EndEntry(txn);
}

void Applier::FlushTo(WriteTxn& txn) {
  tallies_.Flush(txn);
  if (!dirty_) return;
  txn.Put(db_->meta(), kDigestKey, digest_.Encode());
  std::string cursor;
  PutBigEndian64(&cursor, log_next_);
  txn.Put(db_->meta(), kLogNextKey, cursor);
  for (const std::string& origin : dirty_origins_) {
    std::string value;
    PutBigEndian64(&value, vv_.Get(origin));
    txn.Put(db_->meta(), VersionVectorKey(origin), value);
    txn.Put(db_->meta(), absl::StrCat(kOriginStatePrefix, origin),
            origins_[origin].SerializeAsString());
  }
  dirty_origins_.clear();
  dirty_ = false;
}

}  // namespace pacto

namespace pacto {

std::optional<std::string> Applier::ChainLink(const std::string& origin, uint64_t seq) const {
  const v1::OriginState* state = origin_state(origin);
  if (state == nullptr) return std::string();
  if (state->log_floor() == seq) return std::nullopt;
  return state->last_entry_hash();
}

namespace {

absl::Status Refuse(const v1::Entry& entry, Rejection reason, absl::string_view why) {
  return Rejected(reason, absl::PermissionDeniedError(absl::StrCat(
                              "entry ", entry.origin(), ":", entry.seq(), " refused: ", why)));
}

}  // namespace

absl::StatusOr<std::string> Applier::VerifyOrigin(const v1::Entry& entry,
                                                  const std::string* prev_hash) const {
  PACTO_ASSIGN_OR_RETURN(std::string region, authenticator_->Verify(entry));
  if (prev_hash != nullptr && entry.prev_hash() != *prev_hash) {
    return Refuse(entry, Rejection::kChain,
                  "it does not continue its origin's history (forked or replayed)");
  }
  return region;
}

absl::Status Applier::CheckRegions(WriteTxn& txn, const v1::Entry& entry, const std::string& region,
                                   const std::map<std::string, std::string>* pending_regions) {
  if (authenticator_ == nullptr) return absl::OkStatus();
  for (const v1::Op& op : entry.ops()) {
    PACTO_ASSIGN_OR_RETURN(bool covered,
                           RegionCovers(txn, region, op.home_region(), pending_regions));
    if (!covered) {
      return Refuse(entry, Rejection::kRegion,
                    absl::StrCat("its origin's region ", region, " does not cover ",
                                 v1::RecordType_Name(op.type()), " ", op.id(), " of region ",
                                 op.home_region()));
    }
    PACTO_ASSIGN_OR_RETURN(std::string actual, HomeRegionOf(txn, op));
    if (!actual.empty() && actual != op.home_region()) {
      return Refuse(entry, Rejection::kRegion,
                    absl::StrCat(v1::RecordType_Name(op.type()), " ", op.id(),
                                 " belongs to region ", actual, ", not ", op.home_region()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Applier::RegionCovers(
    WriteTxn& txn, const std::string& ancestor, const std::string& region,
    const std::map<std::string, std::string>* pending_regions) {
  std::string current = region;
  std::vector<std::string> seen;  // a cycle in pending parents is cut where it repeats
  while (!current.empty() && std::find(seen.begin(), seen.end(), current) == seen.end()) {
    if (current == ancestor) return true;
    seen.push_back(current);
    if (pending_regions != nullptr) {
      auto pending = pending_regions->find(current);
      if (pending != pending_regions->end()) {
        current = pending->second;
        continue;
      }
    }
    PACTO_ASSIGN_OR_RETURN(const std::vector<std::string>* chain,
                           structure_.RegionChain(txn, current));
    return std::find(chain->begin(), chain->end(), ancestor) != chain->end();
  }
  return false;
}

absl::StatusOr<std::string> Applier::HomeRegionOf(WriteTxn& txn, const v1::Op& op) {
  // The region a write touches, from the value it writes or, for a tombstone, from the
  // record as held here: a chapter's own region, else the region of the chapter the
  // record belongs to. Empty when the record names no chapter (persons, regions).
  std::string chapter_id;
  v1::RecordState state;
  std::string value = op.value();
  if (op.kind() != v1::Op::PUT || op.redacted()) {
    PACTO_ASSIGN_OR_RETURN(bool found, ReadState(txn, op.type(), op.id(), &state));
    if (!found || !IsLive(state)) return std::string();
    value = Winner(state)->value();
  }
  switch (op.type()) {
    case v1::RECORD_TYPE_CHAPTER: {
      v1::Chapter chapter;
      if (!chapter.ParseFromString(value)) return std::string();
      return chapter.region();
    }
    case v1::RECORD_TYPE_MEMBERSHIP: {
      v1::Membership m;
      if (m.ParseFromString(value)) chapter_id = m.chapter_id();
      break;
    }
    case v1::RECORD_TYPE_AFFILIATION: {
      v1::Affiliation a;
      if (a.ParseFromString(value)) chapter_id = a.child();
      break;
    }
    case v1::RECORD_TYPE_OFFICER_TERM: {
      v1::OfficerTerm t;
      if (t.ParseFromString(value)) chapter_id = t.chapter_id();
      break;
    }
    case v1::RECORD_TYPE_FORMATION: {
      v1::FormationRecord f;
      if (f.ParseFromString(value)) chapter_id = f.chapter_id();
      break;
    }
    case v1::RECORD_TYPE_REGION: {
      // Homed in the region that contains it; a root region in itself.
      v1::Region region;
      if (!region.ParseFromString(value)) return std::string();
      return region.parent().empty() ? region.code() : region.parent();
    }
    case v1::RECORD_TYPE_TOKEN_REVOCATION: {
      // Homed in the region whose tokens it may revoke.
      v1::TokenRevocation revocation;
      if (!revocation.ParseFromString(value)) return std::string();
      return revocation.region();
    }
    default:
      return std::string();
  }
  if (chapter_id.empty()) return std::string();
  PACTO_ASSIGN_OR_RETURN(StructureCache::ChapterInfo info, structure_.Chapter(txn, chapter_id));
  return info.region;
}

}  // namespace pacto
