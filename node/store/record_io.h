// Reading and decoding records, through a WriteTxn (the apply path) or from a
// database snapshot (queries).
#ifndef PACTO_NODE_STORE_RECORD_IO_H_
#define PACTO_NODE_STORE_RECORD_IO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message_lite.h"
#include "node/store/database.h"
#include "node/store/keys.h"
#include "node/store/record_state.h"
#include "node/store/write_txn.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {

// The record's versions; false when it has never been written here.
absl::StatusOr<bool> ReadState(WriteTxn& txn, v1::RecordType type, absl::string_view id,
                               v1::RecordState* state);
absl::StatusOr<bool> ReadState(const Database& db, const rocksdb::ReadOptions& options,
                               v1::RecordType type, absl::string_view id, v1::RecordState* state);

// Decodes the winning value of `state` into `out`; false when the record is not live.
absl::StatusOr<bool> DecodeWinner(const v1::RecordState& state, google::protobuf::MessageLite* out);

// A record's stored state as a scan yields it (the bytes of a v1::RecordState), decoded
// through DecodeWinner: DATA_LOSS when the state itself does not parse.
absl::StatusOr<bool> DecodeStoredWinner(absl::string_view stored,
                                        google::protobuf::MessageLite* out);

// ReadState then DecodeWinner: false when the record is absent or deleted.
template <typename Source>
absl::StatusOr<bool> ReadLive(Source& source, v1::RecordType type, absl::string_view id,
                              google::protobuf::MessageLite* out) {
  v1::RecordState state;
  absl::StatusOr<bool> found = ReadState(source, type, id, &state);
  if (!found.ok() || !*found) return found;
  return DecodeWinner(state, out);
}

}  // namespace pacto

#endif  // PACTO_NODE_STORE_RECORD_IO_H_
