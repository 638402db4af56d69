#include "client/cli/display_text.h"

namespace pacto::cli {

std::string ForDisplay(absl::string_view text) {
  if (text.empty()) return "-";
  std::string shown(text);
  for (char& c : shown) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return shown;
}

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

}  // namespace pacto::cli
