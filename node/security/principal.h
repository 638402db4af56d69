// Who is calling, once authenticated (call_guard.h): a token holder, a node of the
// federation, or — in development mode only — anyone.
#ifndef PACTO_NODE_SECURITY_PRINCIPAL_H_
#define PACTO_NODE_SECURITY_PRINCIPAL_H_

#include <string>

#include "node/registry/caller.h"
#include "node/security/token.h"

namespace pacto {

struct Principal {
  enum class Kind {
    kDevelopment,  // security is off: everything is allowed
    kToken,        // a verified bearer token
    kNode,         // a node certificate of the federation CA
  };
  Kind kind = Kind::kDevelopment;
  // What the audit trail records: the token's subject, "node:<id>", or "anonymous".
  std::string name = "anonymous";
  Role role = Role::kReporter;  // kToken only
  // The region whose subtree a token covers; a node's home region from its certificate.
  std::string region;
  // kToken only: the verified token's claims (id, subject, issued_at, expires_at), so
  // a long call can check again that it is neither expired nor revoked.
  v1::TokenClaims token;

  static Principal Development() { return Principal(); }
};

// Whom the registry answers for `who` (caller.h): a token's or node's region subtree;
// everything in development mode.
inline Caller CallerFor(const Principal& who) {
  if (who.kind == Principal::Kind::kDevelopment) return Caller::Everything(who.name);
  return Caller::Within(who.name, who.region);
}

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_PRINCIPAL_H_
