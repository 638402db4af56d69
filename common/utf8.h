// UTF-8 checks shared by the node (validation) and the client (a proto3 string field
// cannot carry anything else, so the client refuses it before sending).
#ifndef PACTO_COMMON_UTF8_H_
#define PACTO_COMMON_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace pacto {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past
// U+10FFFF).
bool IsValidUtf8(absl::string_view s);

// Number of code points in valid UTF-8 `s`.
size_t Utf8Length(absl::string_view s);

}  // namespace pacto

#endif  // PACTO_COMMON_UTF8_H_
