#include "node/security/entry_signing.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "node/security/cert_identity.h"
#include "node/store/rejection.h"
#include "node/store/sha256.h"

namespace pacto {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr ParseCertificate(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

// The message digest to sign with: none for Ed25519 (it hashes internally).
const EVP_MD* DigestFor(EVP_PKEY* key) {
  return EVP_PKEY_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
}

}  // namespace

std::string SignedBytes(const v1::Entry& entry) {
  v1::Entry copy = entry;
  copy.clear_signature();
  for (v1::Op& op : *copy.mutable_ops()) {
    op.clear_value();
    op.clear_redacted();
  }
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  copy.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

absl::StatusOr<std::unique_ptr<SignedEntries>> SignedEntries::Create(const std::string& cert_pem,
                                                                     const std::string& key_pem,
                                                                     const std::string& ca_pem,
                                                                     const std::string& crl_dir) {
  std::unique_ptr<SignedEntries> out(new SignedEntries());
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key =
      bio == nullptr ? nullptr : PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  if (bio != nullptr) BIO_free(bio);
  if (key == nullptr) {
    return absl::FailedPreconditionError("--tls-key: not a PEM private key that can sign entries");
  }
  out->key_.reset(key, EVP_PKEY_free);

  out->store_ = X509_STORE_new();
  X509Ptr ca = ParseCertificate(ca_pem);
  if (out->store_ == nullptr || ca == nullptr || X509_STORE_add_cert(out->store_, ca.get()) != 1) {
    return absl::FailedPreconditionError("--tls-ca: not a PEM certificate");
  }
  if (!crl_dir.empty()) {
    X509_LOOKUP* lookup = X509_STORE_add_lookup(out->store_, X509_LOOKUP_hash_dir());
    if (lookup == nullptr || X509_LOOKUP_add_dir(lookup, crl_dir.c_str(), X509_FILETYPE_PEM) != 1) {
      return absl::FailedPreconditionError(absl::StrCat("--tls-crl-dir: cannot read ", crl_dir));
    }
    X509_STORE_set_flags(out->store_, X509_V_FLAG_CRL_CHECK);
  }
  // An origin's entries outlive its certificate: history signed while it was valid is
  // still forwarded after it expires. A revoked one is refused (the CRL check).
  X509_STORE_set_flags(out->store_, X509_V_FLAG_NO_CHECK_TIME);
  if (absl::StatusOr<std::string> self = out->AddCertificate(cert_pem); !self.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("--tls-cert: ", self.status().message()));
  }
  return out;
}

SignedEntries::~SignedEntries() {
  if (store_ != nullptr) X509_STORE_free(store_);
}

absl::Status SignedEntries::Sign(v1::Entry* entry) const {
  const std::string message = SignedBytes(*entry);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t length = 0;
  bool ok =
      ctx != nullptr &&
      EVP_DigestSignInit(ctx, nullptr, DigestFor(key_.get()), nullptr, key_.get()) == 1 &&
      EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) == 1;
  std::string signature(length, '\0');
  ok = ok &&
       EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                      reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::InternalError("cannot sign an entry with this node's key");
  signature.resize(length);
  entry->set_signature(std::move(signature));
  return absl::OkStatus();
}

absl::StatusOr<std::string> SignedEntries::Verify(const v1::Entry& entry) const {
  auto refuse = [&](Rejection reason, absl::string_view why) {
    return Rejected(reason, absl::PermissionDeniedError(absl::StrCat(
                                "entry ", entry.origin(), ":", entry.seq(), " refused: ", why)));
  };
  std::shared_ptr<EVP_PKEY> key;
  std::string region;
  {
    absl::MutexLock lock(&mu_);
    auto it = origins_.find(entry.origin());
    if (it == origins_.end())
      return refuse(Rejection::kCertificate, "its origin's certificate is unknown here");
    key = it->second.key;
    region = it->second.region;
  }
  if (entry.signature().empty()) return refuse(Rejection::kSignature, "it is not signed");
  for (const v1::Op& op : entry.ops()) {
    if (op.kind() == v1::Op::PUT && !op.redacted() && Sha256(op.value()) != op.value_hash()) {
      return refuse(Rejection::kSignature, "a value does not match the hash its origin signed");
    }
  }
  const std::string message = SignedBytes(entry);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx, nullptr, DigestFor(key.get()), nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(entry.signature().data()),
                       entry.signature().size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    return refuse(Rejection::kSignature,
                  "its signature does not check against its origin's certificate");
  }
  return region;
}

absl::StatusOr<std::string> SignedEntries::AddCertificate(absl::string_view pem) {
  auto refuse = [](absl::string_view why) {
    return Rejected(Rejection::kCertificate,
                    absl::PermissionDeniedError(absl::StrCat("an origin certificate ", why)));
  };
  X509Ptr cert = ParseCertificate(pem);
  if (cert == nullptr) return refuse("is not PEM");
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  const bool valid = ctx != nullptr && X509_STORE_CTX_init(ctx, store_, cert.get(), nullptr) == 1 &&
                     X509_verify_cert(ctx) == 1;
  const int error = ctx == nullptr ? 0 : X509_STORE_CTX_get_error(ctx);
  if (ctx != nullptr) X509_STORE_CTX_free(ctx);
  if (!valid) {
    return refuse(absl::StrCat("does not check against the federation CA: ",
                               X509_verify_cert_error_string(error)));
  }
  absl::StatusOr<std::vector<std::string>> uris = CertificateUris(pem);
  absl::StatusOr<CertIdentity> identity =
      uris.ok() ? IdentityFromUris(*uris) : absl::StatusOr<CertIdentity>(uris.status());
  if (!identity.ok()) return refuse(absl::StrCat(": ", identity.status().message()));
  if (identity->kind != CertIdentity::Kind::kNode || identity->region.empty()) {
    return refuse("does not name a node and region");
  }
  EVP_PKEY* key = X509_get_pubkey(cert.get());
  if (key == nullptr) return refuse("has no key");
  absl::MutexLock lock(&mu_);
  Origin& origin = origins_[identity->name];
  origin.pem = std::string(pem);
  origin.region = identity->region;
  origin.key.reset(key, EVP_PKEY_free);
  return identity->name;
}

std::optional<std::string> SignedEntries::Certificate(const std::string& origin) const {
  absl::MutexLock lock(&mu_);
  auto it = origins_.find(origin);
  if (it == origins_.end()) return std::nullopt;
  return it->second.pem;
}

}  // namespace pacto
