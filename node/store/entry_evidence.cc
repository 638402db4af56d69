#include "node/store/entry_evidence.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/store/keys.h"
#include "node/store/log_reader.h"
#include "node/store/rejection.h"
#include "node/store/sha256.h"

namespace pacto {
namespace {

absl::StatusOr<std::optional<v1::Entry>> Parse(bool found, const std::string& value) {
  if (!found) return std::optional<v1::Entry>();
  v1::Entry entry;
  if (!entry.ParseFromString(value)) return absl::DataLossError("malformed evidence entry");
  return std::optional<v1::Entry>(std::move(entry));
}

}  // namespace

absl::StatusOr<std::optional<v1::Entry>> ReadEvidence(const ReadView& view, const v1::Dot& dot) {
  std::string value;
  uint64_t position = 0;
  PACTO_ASSIGN_OR_RETURN(bool in_log, FindInLog(view, dot.origin(), dot.seq(), &position));
  if (in_log) {
    PACTO_ASSIGN_OR_RETURN(bool found, view.Get(view.db().log(), LogKey(position), &value));
    if (found) return Parse(true, value);
  }
  PACTO_ASSIGN_OR_RETURN(bool kept,
                         view.Get(view.db().log(), EvidenceKey(dot.origin(), dot.seq()), &value));
  return Parse(kept, value);
}

absl::StatusOr<bool> HasEvidence(WriteTxn& txn, const v1::Dot& dot) {
  Database* db = txn.database();
  std::string value;
  PACTO_ASSIGN_OR_RETURN(bool in_log, txn.Get(db->log(), DotKey(dot.origin(), dot.seq()), &value));
  if (in_log) return true;
  return txn.Get(db->log(), EvidenceKey(dot.origin(), dot.seq()), &value);
}

void KeepEvidence(WriteTxn& txn, v1::Entry entry) {
  for (v1::Op& op : *entry.mutable_ops()) op.clear_value();
  txn.Put(txn.database()->log(), EvidenceKey(entry.origin(), entry.seq()),
          entry.SerializeAsString());
}

const v1::Op* LastOpOn(const v1::Entry& entry, v1::RecordType type, const std::string& id) {
  const v1::Op* last = nullptr;
  for (const v1::Op& op : entry.ops()) {
    if (op.type() == type && op.id() == id) last = &op;
  }
  return last;
}

absl::StatusOr<v1::Op> OpForVersion(const v1::Entry& entry, const v1::Op* op, v1::RecordType type,
                                    const std::string& id, const v1::Version& version) {
  auto refuse = [&](absl::string_view why) {
    return Rejected(Rejection::kEvidence,
                    absl::PermissionDeniedError(absl::StrCat(
                        "snapshot: version ", version.dot().origin(), ":", version.dot().seq(),
                        " of ", v1::RecordType_Name(type), " ", id, " refused: ", why)));
  };
  if (entry.origin() != version.dot().origin() || entry.seq() != version.dot().seq()) {
    return refuse("its evidence is another entry");
  }
  if (entry.hlc() != version.hlc()) return refuse("its timestamp is not its entry's");
  if (op == nullptr) return refuse("its entry does not write that record");
  v1::Op out = *op;
  out.clear_value();
  out.clear_redacted();
  switch (version.kind()) {
    case v1::Op::PUT:
      if (op->kind() != v1::Op::PUT) return refuse("its entry wrote no value there");
      if (Sha256(version.value()) != op->value_hash()) {
        return refuse("its value is not the one its origin signed");
      }
      out.set_value(version.value());
      return out;
    case v1::Op::DELETE:
      // A tombstone, or the placeholder of a value shipped redacted (record_state.h).
      if (op->kind() == v1::Op::PUT) {
        out.set_redacted(true);
        return out;
      }
      if (op->kind() != v1::Op::DELETE) return refuse("its entry did not delete that record");
      return out;
    case v1::Op::ERASE:
      if (op->kind() != v1::Op::ERASE) return refuse("its entry did not erase that record");
      return out;
    default:
      return refuse("a version of unknown kind");
  }
}

v1::Entry WithoutValues(v1::Entry entry) {
  for (v1::Op& op : *entry.mutable_ops()) {
    op.clear_value();
    if (op.kind() == v1::Op::PUT) op.set_redacted(true);
  }
  return entry;
}

}  // namespace pacto
