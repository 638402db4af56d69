// How a report streams: rows go into the current chunk, which is sent every
// `chunk_rows` rows; whatever was set on the chunk before the first row (the report's
// header) goes out with the first. Every streaming report uses this one writer.
//
//   ChunkedStream<v1::TreeResponse> out(emit, chunk_rows);
//   *out.chunk().mutable_header() = header;
//   for (...) { FillRow(out.chunk().add_rows()); PACTO_RETURN_IF_ERROR(out.RowAdded()); }
//   return out.Finish();
//
// Not thread-safe; `emit` must outlive the stream.
#ifndef PACTO_NODE_REPORTS_CHUNKED_STREAM_H_
#define PACTO_NODE_REPORTS_CHUNKED_STREAM_H_

#include <functional>

#include "absl/status/status.h"

namespace pacto {

template <typename Response>
class ChunkedStream {
 public:
  using Emit = std::function<bool(const Response&)>;

  // REQUIRES: chunk_rows > 0.
  ChunkedStream(const Emit& emit, int chunk_rows) : emit_(emit), chunk_rows_(chunk_rows) {}

  // The chunk being filled.
  Response& chunk() { return chunk_; }

  // Counts one row added to chunk(), and sends the chunk when it is full. CANCELLED
  // once the caller has gone away (`emit` answered false).
  absl::Status RowAdded() {
    if (++rows_ % chunk_rows_ == 0) return Send();
    return absl::OkStatus();
  }

  // Sends what is left; a report with no rows still sends one chunk (its header).
  absl::Status Finish() {
    if (rows_ > 0 && rows_ % chunk_rows_ == 0 && chunk_.ByteSizeLong() == 0) {
      return absl::OkStatus();
    }
    return Send();
  }

 private:
  absl::Status Send() {
    const bool taken = emit_(chunk_);
    chunk_.Clear();
    return taken ? absl::OkStatus() : absl::CancelledError("the caller went away");
  }

  const Emit& emit_;
  const int chunk_rows_;
  Response chunk_;
  int rows_ = 0;
};

}  // namespace pacto

#endif  // PACTO_NODE_REPORTS_CHUNKED_STREAM_H_
