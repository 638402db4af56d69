// The registry: every write and read of the domain model (DESIGN §3), as the gRPC
// Registry service and tests see it.
//
// Writes check the request's form at once, on the caller's thread, then queue the
// checks that depend on current state, together with the ops, on the commit pipeline.
// `done` runs once the write is durable or refused; `out` must stay valid until then.
// Errors: INVALID_ARGUMENT naming the field and the rule (including a reference to a
// record that does not exist), NOT_FOUND for the record a call addresses,
// ALREADY_EXISTS for a duplicate, FAILED_PRECONDITION when the record's state forbids
// the change.
//
// Reads run on the caller's thread against a consistent snapshot. Person-linked reads
// and the writes that touch a person take the Caller and answer only what the
// caller's region scope may see (person_scope.h); a write given a principal name
// alone is made for a caller whose scope is everything (tools and tests).
//
// Thread-safe.
#ifndef PACTO_NODE_REGISTRY_REGISTRY_H_
#define PACTO_NODE_REGISTRY_REGISTRY_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "node/base/clock.h"
#include "node/domain/national_id.h"
#include "node/registry/caller.h"
#include "node/store/commit_pipeline.h"
#include "node/store/database.h"
#include "pacto/v1/registry.pb.h"

namespace pacto {

class Registry {
 public:
  using Done = std::function<void(absl::Status)>;

  // Pointers must outlive the registry.
  Registry(Database* db, CommitPipeline* pipeline, FederationKey key, const Clock* clock);

  // --- writes ---
  void AddRegion(const v1::AddRegionRequest& req, const std::string& principal, v1::Region* out,
                 Done done);
  void AddChapter(const v1::AddChapterRequest& req, const std::string& principal, v1::Chapter* out,
                  Done done);
  void UpdateChapter(const v1::UpdateChapterRequest& req, const std::string& principal,
                     v1::Chapter* out, Done done);
  void Affiliate(const v1::AffiliateRequest& req, const std::string& principal,
                 v1::Affiliation* out, Done done);
  void Disaffiliate(const v1::DisaffiliateRequest& req, const std::string& principal,
                    v1::Affiliation* out, Done done);
  void EnrolMember(const v1::EnrolMemberRequest& req, const Caller& caller, v1::Membership* out,
                   Done done);
  void EnrolMember(const v1::EnrolMemberRequest& req, const std::string& principal,
                   v1::Membership* out, Done done) {
    EnrolMember(req, Caller::Everything(principal), out, std::move(done));
  }
  void TransferMember(const v1::TransferMemberRequest& req, const Caller& caller,
                      v1::Membership* out, Done done);
  void TransferMember(const v1::TransferMemberRequest& req, const std::string& principal,
                      v1::Membership* out, Done done) {
    TransferMember(req, Caller::Everything(principal), out, std::move(done));
  }
  void EndMembership(const v1::EndMembershipRequest& req, const std::string& principal,
                     v1::Membership* out, Done done);
  void RemoveMember(const v1::RemoveMemberRequest& req, const std::string& principal,
                    v1::RemoveMemberResponse* out, Done done);
  // Enrols each row like EnrolMember, all in one log entry; a bad row is recorded in
  // `out` (line, code, message) and the good rows land. `done` gets an error only when
  // the whole batch could not be written.
  void ImportRows(std::vector<v1::ImportRow> rows, const Caller& caller,
                  v1::ImportMembersResponse* out, Done done);
  void ImportRows(std::vector<v1::ImportRow> rows, const std::string& principal,
                  v1::ImportMembersResponse* out, Done done) {
    ImportRows(std::move(rows), Caller::Everything(principal), out, std::move(done));
  }
  void AppointOfficer(const v1::AppointOfficerRequest& req, const std::string& principal,
                      v1::OfficerTerm* out, Done done);
  void RecordFormation(const v1::RecordFormationRequest& req, const std::string& principal,
                       v1::FormationRecord* out, Done done);

  // --- reads ---
  absl::StatusOr<v1::Region> GetRegion(const v1::GetRegionRequest& req) const;
  absl::StatusOr<v1::ListRegionsResponse> ListRegions(const v1::ListRegionsRequest& req) const;
  absl::StatusOr<v1::Chapter> GetChapter(const v1::GetChapterRequest& req) const;
  absl::StatusOr<v1::ListChaptersResponse> ListChapters(const v1::ListChaptersRequest& req) const;
  absl::StatusOr<v1::Affiliation> GetAffiliation(const v1::GetAffiliationRequest& req) const;
  // Person-linked reads: each membership's person as the caller may see it; officer
  // terms and formation records only of chapters the caller covers.
  absl::StatusOr<v1::Membership> GetMember(const v1::GetMemberRequest& req,
                                           const Caller& caller) const;
  absl::StatusOr<v1::ListMembersResponse> ListMembers(const v1::ListMembersRequest& req,
                                                      const Caller& caller) const;
  absl::StatusOr<v1::ListOfficersResponse> ListOfficers(const v1::ListOfficersRequest& req,
                                                        const Caller& caller) const;
  absl::StatusOr<v1::ListFormationResponse> ListFormation(const v1::ListFormationRequest& req,
                                                          const Caller& caller) const;

 private:
  // Queues `work` (`rows` records' worth of writes: CommitPipeline::Submit); when it
  // fails before running, `done` gets the error at once.
  void Submit(CommitPipeline::Work work, const std::string& principal, Done done, size_t rows = 1);

  Database* const db_;
  CommitPipeline* const pipeline_;
  const FederationKey key_;
  const Clock* const clock_;
};

// Runs an asynchronous registry write and waits for it: for tests and tools.
//   absl::StatusOr<v1::Chapter> c = Await<v1::Chapter>([&](v1::Chapter* out, auto done) {
//     registry.AddChapter(req, "test", out, done);
//   });
template <typename Response, typename Fn>
absl::StatusOr<Response> Await(Fn fn);

}  // namespace pacto

#include "node/registry/await_impl.h"

#endif  // PACTO_NODE_REGISTRY_REGISTRY_H_
