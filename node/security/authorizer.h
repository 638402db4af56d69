// The one authorization function (DESIGN §6): decides whether an authenticated
// principal may make a call, by the method's rule (method_rules.h) and the region
// tree. Deny by default. The answers:
//   - a role the rule does not admit, or a region outside the principal's subtree
//     given by code or by chapter id (chapters are not secret): PERMISSION_DENIED;
//   - a membership or audited record outside the principal's subtree (a person:
//     when no membership owning it lies inside, person_scope.h): exactly the
//     error the registry gives for an id that does not exist, so ids cannot be probed;
//   - a write whose region this node's own region does not cover (a node originates
//     writes only for its region's subtree, DESIGN §5.9): PERMISSION_DENIED.
// A subject that does not exist at all is let through: the registry answers for it.
//
// Thread-safe; `resolver` must outlive the authorizer.
#ifndef PACTO_NODE_SECURITY_AUTHORIZER_H_
#define PACTO_NODE_SECURITY_AUTHORIZER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "node/security/method_rules.h"
#include "node/security/principal.h"
#include "node/security/scope_resolver.h"
#include "pacto/v1/registry.pb.h"

namespace pacto {

class Authorizer {
 public:
  // `node_region`: this node's home region, from its certificate.
  Authorizer(const ScopeResolver* resolver, std::string node_region)
      : resolver_(resolver), node_region_(std::move(node_region)) {}

  // OK, or the status the call must end with. `request` is the call's request (for
  // a client-streaming call, null). REQUIRES: `request` is of the method's input type.
  absl::Status Authorize(const MethodRule& rule, const Principal& who,
                         const google::protobuf::Message* request) const;

  // One ImportMembers row, whose chapter the principal (an enroller, already
  // authorized for the call) and this node must cover. `cache` remembers chapters
  // across the rows of one call.
  using RowCache = absl::flat_hash_map<std::string, absl::Status>;
  absl::Status AuthorizeImportRow(const Principal& who, const v1::ImportRow& row,
                                  RowCache* cache) const;

 private:
  absl::Status CheckSubject(const Principal& who, const Subject& subject, bool write) const;
  absl::Status CheckNodeCovers(absl::string_view field, const std::string& region) const;

  const ScopeResolver* const resolver_;
  const std::string node_region_;
};

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_AUTHORIZER_H_
