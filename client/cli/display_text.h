// How one piece of text shows in a human-readable table or field list.
#ifndef PACTO_CLIENT_CLI_DISPLAY_TEXT_H_
#define PACTO_CLIENT_CLI_DISPLAY_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace pacto::cli {

// `text` ready for one cell: "-" when empty, and every ASCII control character (tab,
// line break, ...) replaced by a space so that a row stays on one line.
std::string ForDisplay(absl::string_view text);

// Columns `text` takes on a terminal, counted as UTF-8 code points (every byte that is
// not a continuation byte). Good enough for Latin scripts; wide CJK characters count
// as one.
size_t DisplayWidth(absl::string_view text);

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_DISPLAY_TEXT_H_
