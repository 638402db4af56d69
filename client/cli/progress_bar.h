// A one-line progress bar for a terminal, redrawn in place:
//
//   importing [############------------] 1000/2000 rows  50%  2400 rows/s
//
// Update() redraws at most every kRedrawInterval (and always when done == total);
// Finish() erases the line. Draw it only on a terminal: it uses "\r" and the ANSI
// erase-line sequence.
//
// Not thread-safe; `out` must outlive the bar.
#ifndef PACTO_CLIENT_CLI_PROGRESS_BAR_H_
#define PACTO_CLIENT_CLI_PROGRESS_BAR_H_

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pacto::cli {

class ProgressBar {
 public:
  using Clock = std::function<absl::Time()>;

  static constexpr absl::Duration kRedrawInterval = absl::Milliseconds(100);
  static constexpr int kBarWidth = 24;

  // `clock` is injected for tests; the start time is taken now.
  ProgressBar(std::ostream* out, std::string label, uint64_t total, Clock clock = &absl::Now);

  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Records that `done` of the total are finished.
  void Update(uint64_t done);

  // Erases the bar, if one was drawn. Idempotent.
  void Finish();

  // The bar's text for `done` of `total` at `rows_per_second`, without "\r".
  static std::string Render(absl::string_view label, uint64_t done, uint64_t total,
                            double rows_per_second);

 private:
  std::ostream& out_;
  const std::string label_;
  const uint64_t total_;
  const Clock clock_;
  const absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  bool drawn_ = false;
};

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_PROGRESS_BAR_H_
