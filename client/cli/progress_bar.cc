#include "client/cli/progress_bar.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pacto::cli {
namespace {

// "\r" back to the start of the line, then ANSI "erase to end of line".
constexpr absl::string_view kEraseLine = "\r\x1b[K";

}  // namespace

ProgressBar::ProgressBar(std::ostream* out, std::string label, uint64_t total, Clock clock)
    : out_(*out),
      label_(std::move(label)),
      total_(total),
      clock_(std::move(clock)),
      start_(clock_()) {}

std::string ProgressBar::Render(absl::string_view label, uint64_t done, uint64_t total,
                                double rows_per_second) {
  const double fraction =
      total == 0 ? 1.0 : std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(filled, '#');
  bar.append(kBarWidth - filled, '-');
  const int percent = static_cast<int>(fraction * 100);
  const uint64_t rate =
      rows_per_second > 0 ? static_cast<uint64_t>(std::llround(rows_per_second)) : 0;
  return absl::StrCat(label, " [", bar, "] ", done, "/", total, " rows  ", percent, "%  ", rate,
                      " rows/s");
}

void ProgressBar::Update(uint64_t done) {
  const absl::Time now = clock_();
  if (done < total_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  const double seconds = absl::ToDoubleSeconds(now - start_);
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  out_ << kEraseLine << Render(label_, done, total_, rate) << std::flush;
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (!drawn_) return;
  out_ << kEraseLine << std::flush;
  drawn_ = false;
}

}  // namespace pacto::cli
