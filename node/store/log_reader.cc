#include "node/store/log_reader.h"

#include "common/status_macros.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"
#include "node/store/record_state.h"

namespace pacto {

absl::Status FillValues(const ReadView& view, v1::Entry* entry,
                        std::vector<v1::Dot>* replacements) {
  v1::Dot dot;
  dot.set_origin(entry->origin());
  dot.set_seq(entry->seq());
  for (v1::Op& op : *entry->mutable_ops()) {
    // An op that reached this node redacted is redacted again, and its replacements
    // named, like one whose version went here.
    if (op.kind() != v1::Op::PUT) continue;
    v1::RecordState state;
    PACTO_ASSIGN_OR_RETURN(bool found, ReadState(view, op.type(), op.id(), &state));
    const v1::Version* version = nullptr;
    if (found) {
      for (const v1::Version& v : state.versions()) {
        if (SameDot(v.dot(), dot) && v.kind() == v1::Op::PUT) version = &v;
      }
    }
    if (version != nullptr) {
      op.set_value(version->value());
    } else {
      op.clear_value();
      op.set_redacted(true);
      if (replacements != nullptr) {
        for (const v1::Version& v : state.versions()) replacements->push_back(v.dot());
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ReadLogForShipping(const ReadView& view, uint64_t position, const LogVisitor& fn) {
  // The first key at or after `position`: Scan starts after `after`, so step back one.
  std::string after;
  if (position > 0) PutBigEndian64(&after, position - 1);
  return view.ScanChecked(
      view.db().log(), std::string(kLogEntryPrefix), after,
      [&](absl::string_view suffix, absl::string_view value) -> absl::StatusOr<bool> {
        if (suffix.size() != 8) return true;
        v1::Entry entry;
        if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError("malformed log entry");
        }
        std::vector<v1::Dot> replacements;
        PACTO_RETURN_IF_ERROR(FillValues(view, &entry, &replacements));
        return fn(GetBigEndian64(suffix), entry, replacements);
      });
}

absl::Status ReadLog(const ReadView& view, uint64_t position,
                     const std::function<bool(uint64_t, v1::Entry&)>& fn) {
  return ReadLogForShipping(
      view, position,
      [&](uint64_t at, v1::Entry& entry, const std::vector<v1::Dot>&) -> absl::StatusOr<bool> {
        return fn(at, entry);
      });
}

absl::StatusOr<bool> FindInLog(const ReadView& view, absl::string_view origin, uint64_t seq,
                               uint64_t* position) {
  std::string value;
  PACTO_ASSIGN_OR_RETURN(bool found, view.Get(view.db().log(), DotKey(origin, seq), &value));
  if (!found || value.size() != 8) return false;
  *position = GetBigEndian64(value);
  return true;
}

}  // namespace pacto
