#include "node/security/node_security.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/security/cert_identity.h"
#include "node/security/entry_signing.h"
#include "node/store/encryption.h"

namespace pacto {
namespace {

absl::StatusOr<absl::Duration> ReloadInterval(const v1::NodeConfig& config) {
  if (config.tls_reload_interval().empty()) return absl::Seconds(60);
  absl::Duration d;
  if (!absl::ParseDuration(config.tls_reload_interval(), &d) || d < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-reload-interval: '", config.tls_reload_interval(),
                     "' is not a duration of at least 1s, like 30s or 5m"));
  }
  return d;
}

}  // namespace

absl::Status ValidateSecurityFlags(const v1::NodeConfig& config) {
  const int tls_flags =
      !config.tls_cert().empty() + !config.tls_key().empty() + !config.tls_ca().empty();
  if (tls_flags != 0 && tls_flags != 3) {
    return absl::InvalidArgumentError(
        "--tls-cert, --tls-key and --tls-ca go together (deploy/certs.sh makes all three)");
  }
  const bool tls = tls_flags == 3;
  if (tls && config.token_pubkey().empty()) {
    return absl::InvalidArgumentError(
        "--token-pubkey: required with TLS, so that clients can be authenticated "
        "(deploy/certs.sh makes token.pub)");
  }
  if (!tls && !config.token_pubkey().empty()) {
    return absl::InvalidArgumentError(
        "--token-pubkey: needs --tls-cert, --tls-key and --tls-ca; bearer tokens must not "
        "cross the network in plaintext");
  }
  if (!tls && !config.tls_crl_dir().empty()) {
    return absl::InvalidArgumentError("--tls-crl-dir: needs --tls-cert, --tls-key and --tls-ca");
  }
  return ReloadInterval(config).status();
}

absl::StatusOr<NodeSecurity> NodeSecurity::Load(const v1::NodeConfig& config, absl::Time now) {
  PACTO_RETURN_IF_ERROR(ValidateSecurityFlags(config));
  NodeSecurity security;
  security.node_id_ = config.node_id();
  security.region_ = config.region();
  if (!config.encryption_key_file().empty()) {
    PACTO_ASSIGN_OR_RETURN(security.encryption_key_,
                           ReadEncryptionKey(config.encryption_key_file()));
  }
  if (config.tls_cert().empty()) return security;

  PACTO_ASSIGN_OR_RETURN(OwnCertificate own,
                         ReadOwnCertificate(config.tls_cert(), config.tls_key(), now));
  const std::string& cert_path = config.tls_cert();
  if (!config.node_id().empty() && config.node_id() != own.identity.name) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--node-id ", config.node_id(), " disagrees with --tls-cert ", cert_path,
        ", which is node ", own.identity.name,
        "'s certificate; a node's id comes from its certificate (leave --node-id out, or use "
        "the certificate made for this node)"));
  }
  const std::string flag_region = absl::AsciiStrToUpper(config.region());
  if (!flag_region.empty() && flag_region != own.identity.region) {
    return absl::FailedPreconditionError(
        absl::StrCat("--region ", flag_region, " disagrees with --tls-cert ", cert_path,
                     ", which names region ", own.identity.region,
                     "; a node's region comes from its certificate (leave --region out, or have a "
                     "certificate made for ",
                     flag_region, " with deploy/certs.sh)"));
  }
  security.node_id_ = own.identity.name;
  security.region_ = own.identity.region;
  security.certificate_expiry_ = own.not_after;

  std::error_code ec;
  if (!std::filesystem::is_regular_file(config.tls_ca(), ec)) {
    return absl::FailedPreconditionError(absl::StrCat("--tls-ca: cannot read ", config.tls_ca()));
  }
  if (!config.tls_crl_dir().empty() && !std::filesystem::is_directory(config.tls_crl_dir(), ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls-crl-dir: ", config.tls_crl_dir(), " is not a directory"));
  }
  PACTO_ASSIGN_OR_RETURN(Ed25519PublicKey key,
                         Ed25519PublicKey::FromPemFile(config.token_pubkey()));
  security.token_key_.emplace(std::move(key));
  TlsFiles files;
  files.cert = config.tls_cert();
  files.key = config.tls_key();
  files.ca = config.tls_ca();
  files.crl_dir = config.tls_crl_dir();
  PACTO_ASSIGN_OR_RETURN(files.reload_interval, ReloadInterval(config));
  security.tls_ = std::move(files);
  return security;
}

std::shared_ptr<grpc::ServerCredentials> NodeSecurity::ServerCredentials() const {
  if (!tls_.has_value()) return grpc::InsecureServerCredentials();
  return ServerTlsCredentials(*tls_);
}

std::shared_ptr<grpc::ChannelCredentials> NodeSecurity::PeerChannelCredentials() const {
  if (!tls_.has_value()) return grpc::InsecureChannelCredentials();
  return NodeChannelCredentials(*tls_);
}

std::unique_ptr<CallGuard> NodeSecurity::MakeGuard(const ScopeResolver* resolver,
                                                   const RevocationChecker* revocations,
                                                   const Clock* clock) const {
  if (development()) return CallGuard::Development();
  return CallGuard::Secure(*token_key_, std::make_unique<Authorizer>(resolver, region_),
                           revocations, clock);
}

}  // namespace pacto

namespace pacto {

absl::StatusOr<std::unique_ptr<EntryAuthenticator>> NodeSecurity::MakeEntryAuthenticator() const {
  if (!tls_.has_value()) return std::unique_ptr<EntryAuthenticator>();
  auto read = [](const std::string& flag, const std::string& path) -> absl::StatusOr<std::string> {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return absl::FailedPreconditionError(absl::StrCat(flag, ": cannot read ", path));
    return text.str();
  };
  PACTO_ASSIGN_OR_RETURN(std::string cert, read("--tls-cert", tls_->cert));
  PACTO_ASSIGN_OR_RETURN(std::string key, read("--tls-key", tls_->key));
  PACTO_ASSIGN_OR_RETURN(std::string ca, read("--tls-ca", tls_->ca));
  PACTO_ASSIGN_OR_RETURN(std::unique_ptr<SignedEntries> signer,
                         SignedEntries::Create(cert, key, ca, tls_->crl_dir));
  return std::unique_ptr<EntryAuthenticator>(std::move(signer));
}

}  // namespace pacto
