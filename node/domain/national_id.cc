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

namespace {

struct MdContextFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdContext = std::unique_ptr<EVP_MD_CTX, MdContextFree>;

constexpr size_t kSha256Block = 64;

}  // namespace

// HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m)), K' the key padded to a block
// (hashed first when longer, RFC 2104): the two pad blocks are hashed once, here.
struct FederationKey::Hmac {
  Hmac() = default;
  Hmac(const Hmac&) = delete;
  Hmac& operator=(const Hmac&) = delete;
  // The fetched algorithm is reference-counted: each key gives back its reference (the
  // contexts, destroyed after this, hold and give back their own).
  ~Hmac() { EVP_MD_free(md); }

  EVP_MD* md = nullptr;
  MdContext inner, outer;
};

FederationKey::FederationKey(std::string secret) : secret_(std::move(secret)) {
  auto hmac = std::make_shared<Hmac>();
  hmac->md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::string block = secret_;
  if (block.size() > kSha256Block) {
    unsigned char hashed[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(block.data(), block.size(), hashed, &len, hmac->md, nullptr);
    block.assign(reinterpret_cast<char*>(hashed), len);
  }
  block.resize(kSha256Block, '\0');
  std::string ipad = block, opad = block;
  for (size_t i = 0; i < kSha256Block; ++i) {
    ipad[i] = static_cast<char>(ipad[i] ^ 0x36);
    opad[i] = static_cast<char>(opad[i] ^ 0x5c);
  }
  hmac->inner.reset(EVP_MD_CTX_new());
  hmac->outer.reset(EVP_MD_CTX_new());
  if (hmac->md == nullptr || hmac->inner == nullptr || hmac->outer == nullptr ||
      EVP_DigestInit_ex(hmac->inner.get(), hmac->md, nullptr) != 1 ||
      EVP_DigestUpdate(hmac->inner.get(), ipad.data(), ipad.size()) != 1 ||
      EVP_DigestInit_ex(hmac->outer.get(), hmac->md, nullptr) != 1 ||
      EVP_DigestUpdate(hmac->outer.get(), opad.data(), opad.size()) != 1) {
    return;  // PersonId falls back to OpenSSL's HMAC()
  }
  hmac_ = std::move(hmac);
}

std::string FederationKey::PersonId(absl::string_view normalized) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  thread_local MdContext ctx(EVP_MD_CTX_new());
  bool done = false;
  if (hmac_ != nullptr && ctx != nullptr) {
    unsigned char inner[EVP_MAX_MD_SIZE];
    unsigned int inner_len = 0;
    done = EVP_MD_CTX_copy_ex(ctx.get(), hmac_->inner.get()) == 1 &&
           EVP_DigestUpdate(ctx.get(), normalized.data(), normalized.size()) == 1 &&
           EVP_DigestFinal_ex(ctx.get(), inner, &inner_len) == 1 &&
           EVP_MD_CTX_copy_ex(ctx.get(), hmac_->outer.get()) == 1 &&
           EVP_DigestUpdate(ctx.get(), inner, inner_len) == 1 &&
           EVP_DigestFinal_ex(ctx.get(), mac, &mac_len) == 1;
  }
  if (!done) {
    HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
         reinterpret_cast<const unsigned char*>(normalized.data()), normalized.size(), mac,
         &mac_len);
  }
  return IdFromBytes(kPersonPrefix, absl::string_view(reinterpret_cast<char*>(mac), 10));
}

}  // namespace pacto
