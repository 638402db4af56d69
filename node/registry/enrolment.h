// Enrolling a person into a chapter: the rules shared by EnrolMember and CSV import.
#ifndef PACTO_NODE_REGISTRY_ENROLMENT_H_
#define PACTO_NODE_REGISTRY_ENROLMENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "node/domain/national_id.h"
#include "node/registry/person_scope.h"
#include "node/store/commit_pipeline.h"
#include "pacto/v1/model.pb.h"

namespace pacto {

// An enrolment whose form has been checked.
struct Enrolment {
  std::string chapter;
  std::string name;
  std::string national_id;  // normalised; empty when not given
  std::string birth_date;   // empty when not given
  std::string since;        // empty: the day it is applied
  std::string person_id;    // derived from the national id; empty: made up when applied
  // The membership's id when the caller gives one (an import of an export); empty:
  // made up when applied.
  std::string membership_id;
};

// Checks every field's form; INVALID_ARGUMENT naming the first bad field.
absl::StatusOr<Enrolment> ValidateEnrolment(absl::string_view chapter, absl::string_view name,
                                            absl::string_view national_id,
                                            absl::string_view birth_date, absl::string_view since,
                                            absl::CivilDay today, const FederationKey& key);

// Applies a checked enrolment for the caller `scope` on the pipeline: the chapter must
// exist; the person is created when unknown. A known person is reused: when the
// caller may change them (person_scope.h) their name and birth date are updated;
// otherwise the person is left as stored and the membership records what was sent
// (`sent_person`). The person is written either way so that it survives a concurrent
// erasure elsewhere. A person already active in the chapter is ALREADY_EXISTS, and so
// is a given membership id that this node holds or held (a removed membership never
// comes back). Reads everything before it writes anything, so a refused enrolment
// leaves the txn untouched. Fills `out`, with the person as the caller may see it.
absl::Status ApplyEnrolment(WriteContext& ctx, const Enrolment& enrolment, ScopeCheck& scope,
                            v1::Membership* out);

// True when `person` has an active membership of `chapter` (through the txn).
absl::StatusOr<std::string> ActiveMembershipIn(WriteTxn& txn, const std::string& person,
                                               const std::string& chapter);

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_ENROLMENT_H_
