#include "node/store/entry_chain.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "node/store/rejection.h"
#include "node/store/sha256.h"

namespace pacto {
namespace {

std::string Deterministic(const v1::Entry& entry) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  entry.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

}  // namespace

std::string EntryChainHash(const v1::Entry& entry) {
  bool bare = true;  // as logged here: no values, no redaction marks
  for (const v1::Op& op : entry.ops()) bare &= op.value().empty() && !op.redacted();
  if (bare) return Sha256(Deterministic(entry));
  v1::Entry copy = entry;
  for (v1::Op& op : *copy.mutable_ops()) {
    op.clear_value();
    op.clear_redacted();
  }
  return Sha256(Deterministic(copy));
}

absl::Status CheckValueHashes(const v1::Entry& entry) {
  for (const v1::Op& op : entry.ops()) {
    if (op.kind() == v1::Op::PUT && !op.redacted() && Sha256(op.value()) != op.value_hash()) {
      return Rejected(Rejection::kSignature,
                      absl::PermissionDeniedError(absl::StrCat(
                          "entry ", entry.origin(), ":", entry.seq(),
                          " refused: a value does not match the hash its origin signed")));
    }
  }
  return absl::OkStatus();
}

}  // namespace pacto
