// SHA-256 over OpenSSL: value hashes and the per-origin hash chain of signed entries.
#ifndef PACTO_NODE_STORE_SHA256_H_
#define PACTO_NODE_STORE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pacto {

// The 32-byte digest of `data`.
std::string Sha256(absl::string_view data);

}  // namespace pacto

#endif  // PACTO_NODE_STORE_SHA256_H_
