// The access table: one rule for every RPC of the Registry, Reports, Admin and
// Replication services, deny by default (a method without a rule is refused). The
// authorizer (authorizer.h) applies it; a test checks that every method of every
// service has a rule here, so a new RPC cannot ship without one.
//
//   access            who may call                     what the region check is on
//   kReplication      a node certificate, no token     — (same federation CA: TLS)
//   kAggregateReport  reporter, enroller, operator     —
//   kNodeReport       operator                         the node's region
//   kFederationReport operator                         token region is a root region
//   kAdmin            operator                         the node's region
//   kAudit            operator                         the record's home region
//   kStructureRead    enroller, operator               —
//   kPersonRead       enroller, operator               each subject
//   kExport           operator                         the region asked for
//   kWrite            enroller                         each subject, and the node's
//                                                      region must cover it too
//   kRevoke           operator                         the revocation's region (asked
//                                                      for, else the token's); the
//                                                      node's region must cover it too
//   kRevocations      operator                         — (the answer holds only the
//                                                      token's subtree)
// "Covers" means the subject's region is the principal's region or lies below it.
//
// Thread-safe (immutable tables).
#ifndef PACTO_NODE_SECURITY_METHOD_RULES_H_
#define PACTO_NODE_SECURITY_METHOD_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace pacto {

enum class Access {
  kReplication,
  kAggregateReport,
  kNodeReport,
  kFederationReport,
  kAdmin,
  kAudit,
  kStructureRead,
  kPersonRead,
  kExport,
  kWrite,
  kRevoke,
  kRevocations,
};

// Something a request concerns whose home region the principal must cover.
struct Subject {
  enum class Kind {
    kRegion,      // a region code: out of scope is PERMISSION_DENIED
    kChapter,     // a chapter id (chapters are visible): PERMISSION_DENIED
    kMembership,  // a membership id (person data): answered as if it did not exist
    kRecord,      // any record id or region code (audit): answered as if it did not exist
  };
  Kind kind = Kind::kRegion;
  std::string value;
  absl::string_view field;  // the request field, for error messages
  // For kMembership: whether the call addresses it (missing: NOT_FOUND) or refers to
  // it from another record (missing: INVALID_ARGUMENT), as the registry answers.
  bool addressed = true;
};

struct MethodRule {
  absl::string_view method;  // "/pacto.v1.Registry/EnrolMember"
  Access access;
  // The subjects of a request of the method's input type; null when there are none.
  // ImportMembers has none at call level: each row is checked on its own.
  std::vector<Subject> (*subjects)(const google::protobuf::Message& request);
};

// The rule of a method ("/package.Service/Method"), or nullptr: refuse.
const MethodRule* FindMethodRule(absl::string_view method);

// Every rule, for tests and documentation.
const std::vector<MethodRule>& AllMethodRules();

// The services the table covers, as full names ("pacto.v1.Registry", ...).
const std::vector<std::string>& GuardedServices();

// "/pacto.v1.Registry/EnrolMember" for a service's full name and a method name.
std::string FullMethodName(absl::string_view service, absl::string_view method);

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_METHOD_RULES_H_
