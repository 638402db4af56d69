// Ed25519 keys for bearer tokens (DESIGN §6), over OpenSSL's EVP interface. The
// private key signs tokens offline (`pacto token mint`); nodes hold only the public key.
// Files are PEM, as `openssl genpkey -algorithm ED25519` (private, PKCS#8) and
// `openssl pkey -pubout` (public, SubjectPublicKeyInfo) write them; deploy/certs.sh
// makes both.
//
// Thread-safe: a key is immutable once loaded.
#ifndef PACTO_NODE_SECURITY_ED25519_H_
#define PACTO_NODE_SECURITY_ED25519_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace pacto {

inline constexpr size_t kEd25519SignatureBytes = 64;

class Ed25519PrivateKey {
 public:
  // Errors name the file: FAILED_PRECONDITION when it cannot be read or is not an
  // Ed25519 private key.
  static absl::StatusOr<Ed25519PrivateKey> FromPemFile(const std::string& path);
  static absl::StatusOr<Ed25519PrivateKey> FromPem(absl::string_view pem);

  // The 64-byte signature of `message`.
  absl::StatusOr<std::string> Sign(absl::string_view message) const;

 private:
  explicit Ed25519PrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

class Ed25519PublicKey {
 public:
  static absl::StatusOr<Ed25519PublicKey> FromPemFile(const std::string& path);
  static absl::StatusOr<Ed25519PublicKey> FromPem(absl::string_view pem);

  // True when `signature` is this key's signature of `message`.
  bool Verify(absl::string_view message, absl::string_view signature) const;

 private:
  explicit Ed25519PublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;  // immutable; shared by copies
};

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_ED25519_H_
