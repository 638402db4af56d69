#include "node/domain/national_id.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "node/domain/ids.h"

namespace pacto {

absl::StatusOr<std::string> NormalizeNationalId(absl::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c == ' ' || c == '.' || c == '-') continue;
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          "national_id: only letters, digits, spaces, dots and hyphens are allowed");
    }
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  if (out.size() < 4 || out.size() > 20) {
    return absl::InvalidArgumentError("national_id: must have 4 to 20 letters and digits");
  }
  return out;
}

absl::StatusOr<FederationKey> FederationKey::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the federation key file ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string secret(absl::StripAsciiWhitespace(buffer.str()));
  if (secret.size() < 32) {
    return absl::FailedPreconditionError(
        absl::StrCat("the federation key file ", path, " holds ", secret.size(),
                     " bytes; it needs at least 32 (e.g. `openssl rand -hex 32 > ", path, "`)"));
  }
  return FederationKey(std::move(secret));
}

FederationKey FederationKey::Development() {
  return FederationKey("pacto-development-federation-key-not-secret-0001");
}

std::string FederationKey::PersonId(absl::string_view normalized) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(normalized.data()), normalized.size(), mac, &mac_len);
  return IdFromBytes(kPersonPrefix, absl::string_view(reinterpret_cast<char*>(mac), 10));
}

}  // namespace pacto
