#include "node/security/call_guard.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "node/base/log.h"
#include "node/security/cert_identity.h"
#include "node/security/token.h"

namespace pacto {
namespace {

constexpr absl::string_view kBearer = "bearer ";

// True when `request` is of the input type of `method` ("/pkg.Service/Method").
bool RequestFits(absl::string_view method, const google::protobuf::Message& request) {
  std::string dotted(method.substr(1));
  const size_t slash = dotted.find('/');
  if (slash == std::string::npos) return false;
  dotted[slash] = '.';
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted);
  return descriptor != nullptr && descriptor->input_type() == request.GetDescriptor();
}

absl::Status Denied(absl::string_view method, absl::string_view who, absl::Status status) {
  LogInfo("call refused", {{"method", std::string(method)},
                           {"principal", std::string(who)},
                           {"code", absl::StatusCodeToString(status.code())}});
  return status;
}

}  // namespace

std::unique_ptr<CallGuard> CallGuard::Development() {
  return std::unique_ptr<CallGuard>(new CallGuard());
}

std::unique_ptr<CallGuard> CallGuard::Secure(Ed25519PublicKey token_key,
                                             std::unique_ptr<Authorizer> authorizer,
                                             const RevocationChecker* revocations,
                                             const Clock* clock) {
  std::unique_ptr<CallGuard> guard(new CallGuard());
  guard->token_key_.emplace(std::move(token_key));
  guard->tokens_ = std::make_unique<TokenCache>(&*guard->token_key_);
  guard->authorizer_ = std::move(authorizer);
  guard->revocations_ = revocations;
  guard->clock_ = clock;
  return guard;
}

absl::StatusOr<Principal> CallGuard::Authenticate(const grpc::ServerContextBase& context,
                                                  Access access) const {
  if (access == Access::kReplication) {
    std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
    if (auth == nullptr) return absl::UnauthenticatedError("no certificate");
    absl::StatusOr<CertIdentity> peer = IdentityOfPeer(*auth);
    if (!peer.ok()) return peer.status();
    if (peer->kind != CertIdentity::Kind::kNode) {
      return absl::PermissionDeniedError(
          "replication is for the federation's nodes; this is a client certificate");
    }
    Principal node;
    node.kind = Principal::Kind::kNode;
    node.name = absl::StrCat("node:", peer->name);
    node.region = peer->region;
    return node;
  }
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "no token: give one with --token or PACTO_TOKEN (pacto token mint makes one)");
  }
  const absl::string_view value(it->second.data(), it->second.size());
  if (value.size() <= kBearer.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
    return absl::UnauthenticatedError("authorization metadata is not 'Bearer <token>'");
  }
  absl::StatusOr<v1::TokenClaims> claims =
      tokens_->Verify(absl::StripAsciiWhitespace(value.substr(kBearer.size())), clock_->Now());
  if (!claims.ok()) return claims.status();
  // After the cache: a cached token is checked against the revocations held now.
  if (absl::Status revoked = revocations_->Check(*claims); !revoked.ok()) return revoked;
  Principal principal;
  principal.kind = Principal::Kind::kToken;
  principal.name = claims->subject();
  principal.role = *ParseRole(claims->role());  // VerifyToken checked it
  principal.region = claims->region();
  principal.token = *std::move(claims);
  return principal;
}

absl::Status CallGuard::Recheck(const Principal& who) const {
  if (development() || who.kind != Principal::Kind::kToken) return absl::OkStatus();
  absl::Status status = CheckTokenTimes(who.token, clock_->Now()).status();
  if (status.ok()) status = revocations_->Check(who.token);
  if (!status.ok()) {
    LogInfo("stream ended", {{"principal", who.name},
                             {"token_id", who.token.id()},
                             {"code", absl::StatusCodeToString(status.code())}});
  }
  return status;
}

absl::StatusOr<Principal> CallGuard::Check(const grpc::ServerContextBase& context,
                                           absl::string_view method,
                                           const google::protobuf::Message* request) const {
  if (development()) return Principal::Development();
  const MethodRule* rule = FindMethodRule(method);
  if (rule == nullptr) {
    return Denied(
        method, "",
        absl::PermissionDeniedError(absl::StrCat("no access rule for ", method, "; refused")));
  }
  if (request != nullptr && !RequestFits(method, *request)) {
    return Denied(method, "", absl::InternalError("request of the wrong type"));
  }
  absl::StatusOr<Principal> who = Authenticate(context, rule->access);
  if (!who.ok()) return Denied(method, "", who.status());
  absl::Status allowed = authorizer_->Authorize(*rule, *who, request);
  if (!allowed.ok()) return Denied(method, who->name, allowed);
  return who;
}

absl::Status CallGuard::CheckImportRow(const Principal& who, const v1::ImportRow& row,
                                       Authorizer::RowCache* cache) const {
  if (development()) return absl::OkStatus();
  return authorizer_->AuthorizeImportRow(who, row, cache);
}

}  // namespace pacto
