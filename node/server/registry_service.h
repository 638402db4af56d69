// The gRPC Registry service: translates between protobuf and the Registry library.
// Handlers are a line or two each: the call guard decides who may call (and is
// recorded as the writer), every registry rule lives in node/registry.
#ifndef PACTO_NODE_SERVER_REGISTRY_SERVICE_H_
#define PACTO_NODE_SERVER_REGISTRY_SERVICE_H_

#include "node/registry/registry.h"
#include "node/security/call_guard.h"
#include "pacto/v1/registry.grpc.pb.h"

namespace pacto {

class RegistryService final : public v1::Registry::CallbackService {
 public:
  // The pointers must outlive the service.
  RegistryService(Registry* registry, const Database* db, const CallGuard* guard)
      : registry_(registry), db_(db), guard_(guard) {}

  using Reactor = grpc::ServerUnaryReactor;
  using Ctx = grpc::CallbackServerContext;

  Reactor* AddRegion(Ctx* c, const v1::AddRegionRequest* q, v1::Region* r) override;
  Reactor* GetRegion(Ctx* c, const v1::GetRegionRequest* q, v1::Region* r) override;
  Reactor* ListRegions(Ctx* c, const v1::ListRegionsRequest* q,
                       v1::ListRegionsResponse* r) override;
  Reactor* AddChapter(Ctx* c, const v1::AddChapterRequest* q, v1::Chapter* r) override;
  Reactor* UpdateChapter(Ctx* c, const v1::UpdateChapterRequest* q, v1::Chapter* r) override;
  Reactor* GetChapter(Ctx* c, const v1::GetChapterRequest* q, v1::Chapter* r) override;
  Reactor* ListChapters(Ctx* c, const v1::ListChaptersRequest* q,
                        v1::ListChaptersResponse* r) override;
  Reactor* Affiliate(Ctx* c, const v1::AffiliateRequest* q, v1::Affiliation* r) override;
  Reactor* Disaffiliate(Ctx* c, const v1::DisaffiliateRequest* q, v1::Affiliation* r) override;
  Reactor* GetAffiliation(Ctx* c, const v1::GetAffiliationRequest* q, v1::Affiliation* r) override;
  Reactor* EnrolMember(Ctx* c, const v1::EnrolMemberRequest* q, v1::Membership* r) override;
  Reactor* GetMember(Ctx* c, const v1::GetMemberRequest* q, v1::Membership* r) override;
  Reactor* ListMembers(Ctx* c, const v1::ListMembersRequest* q,
                       v1::ListMembersResponse* r) override;
  Reactor* TransferMember(Ctx* c, const v1::TransferMemberRequest* q, v1::Membership* r) override;
  Reactor* EndMembership(Ctx* c, const v1::EndMembershipRequest* q, v1::Membership* r) override;
  Reactor* RemoveMember(Ctx* c, const v1::RemoveMemberRequest* q,
                        v1::RemoveMemberResponse* r) override;
  grpc::ServerReadReactor<v1::ImportMembersRequest>* ImportMembers(
      Ctx* c, v1::ImportMembersResponse* r) override;
  Reactor* AppointOfficer(Ctx* c, const v1::AppointOfficerRequest* q, v1::OfficerTerm* r) override;
  Reactor* ListOfficers(Ctx* c, const v1::ListOfficersRequest* q,
                        v1::ListOfficersResponse* r) override;
  Reactor* RecordFormation(Ctx* c, const v1::RecordFormationRequest* q,
                           v1::FormationRecord* r) override;
  Reactor* ListFormation(Ctx* c, const v1::ListFormationRequest* q,
                         v1::ListFormationResponse* r) override;
  grpc::ServerWriteReactor<v1::ExportMembersResponse>* ExportMembers(
      Ctx* c, const v1::ExportMembersRequest* q) override;

 private:
  template <typename Req, typename Resp>
  Reactor* Write(Ctx* c, absl::string_view name, const Req* q, Resp* r,
                 void (Registry::*method)(const Req&, const std::string&, Resp*, Registry::Done));
  template <typename Req, typename Resp>
  Reactor* ScopedWrite(Ctx* c, absl::string_view name, const Req* q, Resp* r,
                       void (Registry::*method)(const Req&, const Caller&, Resp*, Registry::Done));
  template <typename Req, typename Resp>
  Reactor* Read(Ctx* c, absl::string_view name, const Req* q, Resp* r,
                absl::StatusOr<Resp> (Registry::*method)(const Req&) const);
  template <typename Req, typename Resp>
  Reactor* ScopedRead(Ctx* c, absl::string_view name, const Req* q, Resp* r,
                      absl::StatusOr<Resp> (Registry::*method)(const Req&, const Caller&) const);

  Registry* const registry_;
  const Database* const db_;
  const CallGuard* const guard_;
};

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_REGISTRY_SERVICE_H_
