// Signed entries (DESIGN §5, invariant 9): the EntryAuthenticator of secure mode.
//
// A node signs each entry it writes with its certificate's private key (ECDSA P-256 as
// deploy/certs.sh makes them; Ed25519 keys work too). The signature covers the entry
// with every op's value left out (SignedBytes): ops carry the value's SHA-256 instead,
// so an entry shipped with a value redacted still checks, and a value that does not
// match its hash is refused. A receiver learns each origin's certificate from the
// sessions that carry its entries, checks it against the federation CA and the
// revocation list, and takes the origin's node id and region from it (cert_identity.h)
// — never from the entry. An honest node forwards entries exactly as signed, so a
// rogue node's writes outside its region are refused wherever they travel.
//
// Thread-safe.
#ifndef PACTO_NODE_SECURITY_ENTRY_SIGNING_H_
#define PACTO_NODE_SECURITY_ENTRY_SIGNING_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "node/store/entry_authenticator.h"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_store_st X509_STORE;

namespace pacto {

// The bytes an entry's signature covers: the entry without its signature, its ops
// without values and redaction marks, serialized deterministically.
std::string SignedBytes(const v1::Entry& entry);

class SignedEntries : public EntryAuthenticator {
 public:
  // `cert_pem`/`key_pem`: this node's certificate and key; `ca_pem`: the federation
  // CA; `crl_dir`: a hashed CRL directory, or empty. FAILED_PRECONDITION when the key
  // cannot sign or the certificate does not check against the CA.
  static absl::StatusOr<std::unique_ptr<SignedEntries>> Create(const std::string& cert_pem,
                                                               const std::string& key_pem,
                                                               const std::string& ca_pem,
                                                               const std::string& crl_dir);
  ~SignedEntries() override;

  absl::Status Sign(v1::Entry* entry) const override;
  absl::StatusOr<std::string> Verify(const v1::Entry& entry) const override;
  absl::StatusOr<std::string> AddCertificate(absl::string_view pem) override;
  std::optional<std::string> Certificate(const std::string& origin) const override;

 private:
  struct Origin {
    std::string pem;
    std::string region;
    std::shared_ptr<EVP_PKEY> key;
  };
  SignedEntries() = default;

  std::shared_ptr<EVP_PKEY> key_;
  X509_STORE* store_ = nullptr;  // the CA and CRLs; owned
  mutable absl::Mutex mu_;
  std::map<std::string, Origin> origins_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_ENTRY_SIGNING_H_
