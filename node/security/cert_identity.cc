#include "node/security/cert_identity.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"

namespace pacto {
namespace {

constexpr absl::string_view kNodePrefix = "pacto://node/";
constexpr absl::string_view kClientPrefix = "pacto://client/";
constexpr absl::string_view kRegionQuery = "?region=";

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

bool ValidName(absl::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool ValidRegion(absl::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

X509Ptr ParseCertificate(absl::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr,
                 X509_free);
}

std::vector<std::string> UrisOf(X509* cert) {
  std::vector<std::string> uris;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return uris;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                      static_cast<size_t>(ASN1_STRING_length(uri)));
  }
  GENERAL_NAMES_free(names);
  return uris;
}

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat(what, ": cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

absl::StatusOr<CertIdentity> ParseIdentityUri(absl::string_view uri) {
  CertIdentity identity;
  if (absl::StartsWith(uri, kNodePrefix)) {
    absl::string_view rest = uri.substr(kNodePrefix.size());
    const size_t query = rest.find(kRegionQuery);
    if (query == absl::string_view::npos) {
      return absl::InvalidArgumentError("node identity URI without ?region=");
    }
    identity.kind = CertIdentity::Kind::kNode;
    identity.name = std::string(rest.substr(0, query));
    identity.region = std::string(rest.substr(query + kRegionQuery.size()));
    if (!ValidName(identity.name) || !ValidRegion(identity.region)) {
      return absl::InvalidArgumentError("malformed node identity URI");
    }
    return identity;
  }
  if (absl::StartsWith(uri, kClientPrefix)) {
    identity.kind = CertIdentity::Kind::kClient;
    identity.name = std::string(uri.substr(kClientPrefix.size()));
    if (!ValidName(identity.name)) {
      return absl::InvalidArgumentError("malformed client identity URI");
    }
    return identity;
  }
  return absl::InvalidArgumentError("not a pacto identity URI");
}

absl::StatusOr<CertIdentity> IdentityFromUris(const std::vector<std::string>& uris) {
  absl::StatusOr<CertIdentity> found =
      absl::PermissionDeniedError("the certificate names no pacto node or client");
  int count = 0;
  for (const std::string& uri : uris) {
    if (!absl::StartsWith(uri, "pacto://")) continue;
    ++count;
    found = ParseIdentityUri(uri);
    if (!found.ok()) {
      return absl::PermissionDeniedError(
          absl::StrCat("the certificate's identity is malformed: ", found.status().message()));
    }
  }
  if (count > 1) {
    return absl::PermissionDeniedError("the certificate names more than one pacto identity");
  }
  return found;
}

absl::StatusOr<std::vector<std::string>> CertificateUris(absl::string_view pem) {
  X509Ptr cert = ParseCertificate(pem);
  if (cert == nullptr) return absl::InvalidArgumentError("not a PEM certificate");
  return UrisOf(cert.get());
}

absl::StatusOr<OwnCertificate> ReadOwnCertificate(const std::string& cert_path,
                                                  const std::string& key_path, absl::Time now) {
  absl::StatusOr<std::string> cert_pem = ReadPem(cert_path, "--tls-cert");
  if (!cert_pem.ok()) return cert_pem.status();
  absl::StatusOr<std::string> key_pem = ReadPem(key_path, "--tls-key");
  if (!key_pem.ok()) return key_pem.status();
  X509Ptr cert = ParseCertificate(*cert_pem);
  if (cert == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls-cert: ", cert_path, " is not a PEM certificate"));
  }
  Bio bio(BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())), BIO_free);
  KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
             EVP_PKEY_free);
  if (key == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls-key: ", key_path, " is not a PEM private key"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls-key: ", key_path, " is not the key of ", cert_path));
  }
  absl::StatusOr<CertIdentity> identity = IdentityFromUris(UrisOf(cert.get()));
  if (!identity.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls-cert: ", cert_path, ": ", identity.status().message()));
  }
  if (identity->kind != CertIdentity::Kind::kNode) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls-cert: ", cert_path,
                     " is a client certificate, not a node's (make one with "
                     "deploy/certs.sh OUT_DIR NODE_ID:REGION)"));
  }
  OwnCertificate own;
  own.identity = *std::move(identity);
  struct tm tm_after = {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm_after) != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls-cert: ", cert_path, " has an unreadable expiry time"));
  }
  own.not_after = absl::FromTM(tm_after, absl::UTCTimeZone());
  if (own.not_after <= now) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls-cert: ", cert_path, " expired at ",
                     absl::FormatTime(absl::RFC3339_sec, own.not_after, absl::UTCTimeZone())));
  }
  return own;
}

absl::StatusOr<CertIdentity> IdentityOfPeer(const grpc::AuthContext& context) {
  if (!context.IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("the call came without a verified certificate");
  }
  std::vector<std::string> uris;
  for (const grpc::string_ref& value : context.FindPropertyValues(GRPC_PEER_URI_PROPERTY_NAME)) {
    uris.emplace_back(value.data(), value.size());
  }
  if (uris.empty()) {
    // Older cores do not list URI names; the certificate itself always comes along.
    for (const grpc::string_ref& pem :
         context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME)) {
      absl::StatusOr<std::vector<std::string>> from_pem =
          CertificateUris(absl::string_view(pem.data(), pem.size()));
      if (from_pem.ok()) uris = *std::move(from_pem);
    }
  }
  return IdentityFromUris(uris);
}

}  // namespace pacto
