#include "node/store/sha256.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <memory>

namespace pacto {
namespace {

// OpenSSL 3's one-shot SHA256() and EVP_sha256() look the algorithm up and build a
// context on every call, which cost more than hashing a record; the apply path hashes
// several per write, so the algorithm is fetched once and each thread keeps a context.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct ContextFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

void Sha256Into(absl::string_view data, unsigned char* out) {
  thread_local std::unique_ptr<EVP_MD_CTX, ContextFree> ctx(EVP_MD_CTX_new());
  const EVP_MD* md = Sha256Algorithm();
  unsigned int len = 0;
  if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) {
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  }
}

std::string Sha256(absl::string_view data) {
  std::string out(kSha256Bytes, '\0');
  Sha256Into(data, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

}  // namespace pacto
