#include "tests/security/federation_certs.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "node/security/ed25519.h"
#include "node/security/token.h"

namespace pacto {

std::string CertsScript() { return PACTO_CERTS_SCRIPT; }

FederationCerts::FederationCerts(std::string dir, const std::vector<std::string>& specs,
                                 const std::vector<std::string>& extra_args)
    : dir_(std::move(dir)) {
  std::vector<std::string> args = extra_args;
  args.push_back(dir_);
  args.insert(args.end(), specs.begin(), specs.end());
  CommandResult r = Run(args);
  if (r.exit_code != 0) error_ = absl::StrCat("certs.sh failed: ", r.err, r.out);
}

CommandResult FederationCerts::Run(const std::vector<std::string>& args) const {
  std::vector<std::string> full = {CertsScript()};
  full.insert(full.end(), args.begin(), args.end());
  return RunCommand("/bin/bash", full);
}

std::vector<std::string> FederationCerts::NodeFlags(const std::string& name) const {
  return {"--tls-cert",
          File(name + ".crt"),
          "--tls-key",
          File(name + ".key"),
          "--tls-ca",
          File("ca.crt"),
          "--tls-crl-dir",
          File("crl"),
          "--token-pubkey",
          File("token.pub"),
          "--federation-key-file",
          File("federation.key")};
}

std::shared_ptr<grpc::Channel> FederationCerts::Channel(const std::string& address,
                                                        const std::string& name,
                                                        const std::string& ca) const {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(ca.empty() ? File("ca.crt") : ca);
  if (!name.empty()) {
    ssl.pem_cert_chain = ReadFile(File(name + ".crt"));
    ssl.pem_private_key = ReadFile(File(name + ".key"));
  }
  grpc::ChannelArguments args;
  // Each channel its own connection: a refused handshake must not be shared.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

std::string FederationCerts::Token(const std::string& role, const std::string& region,
                                   absl::Duration ttl, const std::string& subject,
                                   absl::Time issued) const {
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPemFile(File("token.key"));
  if (!key.ok()) return "";
  absl::StatusOr<v1::TokenClaims> claims = NewTokenClaims(
      subject, role, region, ttl, issued == absl::InfinitePast() ? absl::Now() : issued);
  if (!claims.ok()) return "";
  absl::StatusOr<std::string> token = MintToken(*claims, *key);
  return token.ok() ? *token : "";
}

void PrepareContext(grpc::ClientContext* context, const std::string& token) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

absl::StatusOr<std::unique_ptr<NodeProcess>> StartSecureNode(
    const FederationCerts& certs, const std::string& name, const std::string& data_dir,
    const std::vector<std::string>& extra) {
  std::vector<std::string> flags = certs.NodeFlags(name);
  flags.insert(flags.end(), extra.begin(), extra.end());
  return NodeProcess::Start(
      {.data_dir = data_dir, .node_id = "", .region = "", .extra_args = flags});
}

}  // namespace pacto
