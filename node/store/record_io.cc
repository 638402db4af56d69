#include "node/store/record_io.h"

namespace pacto {
namespace {

absl::StatusOr<bool> Parse(bool found, const std::string& value, v1::RecordType type,
                           absl::string_view id, v1::RecordState* state) {
  if (!found) return false;
  if (!state->ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat("malformed record state of ", v1::RecordType_Name(type), " ", id));
  }
  return true;
}

}  // namespace

absl::StatusOr<bool> ReadState(WriteTxn& txn, v1::RecordType type, absl::string_view id,
                               v1::RecordState* state) {
  std::string value;
  absl::StatusOr<bool> found = txn.Get(txn.database()->records(), RecordKey(type, id), &value);
  if (!found.ok()) return found;
  return Parse(*found, value, type, id, state);
}

absl::StatusOr<bool> ReadState(const Database& db, const rocksdb::ReadOptions& options,
                               v1::RecordType type, absl::string_view id, v1::RecordState* state) {
  std::string value;
  rocksdb::Status s = db.db()->Get(options, db.records(), RecordKey(type, id), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "reading a record");
  return Parse(true, value, type, id, state);
}

absl::StatusOr<bool> DecodeWinner(const v1::RecordState& state,
                                  google::protobuf::MessageLite* out) {
  if (!IsLive(state)) return false;
  if (!out->ParseFromString(Winner(state)->value())) {
    return absl::DataLossError("malformed record value");
  }
  return true;
}

absl::StatusOr<bool> DecodeStoredWinner(absl::string_view stored,
                                        google::protobuf::MessageLite* out) {
  v1::RecordState state;
  if (!state.ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
    return absl::DataLossError("malformed record state");
  }
  return DecodeWinner(state, out);
}

}  // namespace pacto
