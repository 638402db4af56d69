#include "node/server/registry_service.h"

#include "node/security/method_rules.h"
#include "node/server/export_reactor.h"
#include "node/server/import_reactor.h"
#include "node/server/refused_reactor.h"
#include "node/server/status_to_grpc.h"

namespace pacto {
namespace {

std::string Method(absl::string_view name) { return FullMethodName("pacto.v1.Registry", name); }

}  // namespace

template <typename Req, typename Resp>
RegistryService::Reactor* RegistryService::Write(
    Ctx* c, absl::string_view name, const Req* q, Resp* r,
    void (Registry::*method)(const Req&, const std::string&, Resp*, Registry::Done)) {
  Reactor* reactor = c->DefaultReactor();
  absl::StatusOr<Principal> who = guard_->Check(*c, Method(name), q);
  if (!who.ok()) {
    reactor->Finish(ToGrpc(who.status()));
    return reactor;
  }
  (registry_->*method)(*q, who->name, r, [reactor](absl::Status s) { reactor->Finish(ToGrpc(s)); });
  return reactor;
}

template <typename Req, typename Resp>
RegistryService::Reactor* RegistryService::ScopedWrite(
    Ctx* c, absl::string_view name, const Req* q, Resp* r,
    void (Registry::*method)(const Req&, const Caller&, Resp*, Registry::Done)) {
  Reactor* reactor = c->DefaultReactor();
  absl::StatusOr<Principal> who = guard_->Check(*c, Method(name), q);
  if (!who.ok()) {
    reactor->Finish(ToGrpc(who.status()));
    return reactor;
  }
  (registry_->*method)(*q, CallerFor(*who), r,
                       [reactor](absl::Status s) { reactor->Finish(ToGrpc(s)); });
  return reactor;
}

template <typename Req, typename Resp>
RegistryService::Reactor* RegistryService::ScopedRead(
    Ctx* c, absl::string_view name, const Req* q, Resp* r,
    absl::StatusOr<Resp> (Registry::*method)(const Req&, const Caller&) const) {
  Reactor* reactor = c->DefaultReactor();
  absl::StatusOr<Principal> who = guard_->Check(*c, Method(name), q);
  if (!who.ok()) {
    reactor->Finish(ToGrpc(who.status()));
    return reactor;
  }
  absl::StatusOr<Resp> result = (registry_->*method)(*q, CallerFor(*who));
  if (result.ok()) *r = *std::move(result);
  reactor->Finish(ToGrpc(result.status()));
  return reactor;
}

template <typename Req, typename Resp>
RegistryService::Reactor* RegistryService::Read(Ctx* c, absl::string_view name, const Req* q,
                                                Resp* r,
                                                absl::StatusOr<Resp> (Registry::*method)(const Req&)
                                                    const) {
  Reactor* reactor = c->DefaultReactor();
  absl::StatusOr<Principal> who = guard_->Check(*c, Method(name), q);
  if (!who.ok()) {
    reactor->Finish(ToGrpc(who.status()));
    return reactor;
  }
  absl::StatusOr<Resp> result = (registry_->*method)(*q);
  if (result.ok()) *r = *std::move(result);
  reactor->Finish(ToGrpc(result.status()));
  return reactor;
}

#define PACTO_WRITE(Name, Req, Resp)                                               \
  RegistryService::Reactor* RegistryService::Name(Ctx* c, const Req* q, Resp* r) { \
    return Write(c, #Name, q, r, &Registry::Name);                                 \
  }
#define PACTO_READ(Name, Req, Resp)                                                \
  RegistryService::Reactor* RegistryService::Name(Ctx* c, const Req* q, Resp* r) { \
    return Read(c, #Name, q, r, &Registry::Name);                                  \
  }

// Person-linked calls: the registry answers for the caller's region scope.
#define PACTO_SCOPED_WRITE(Name, Req, Resp)                                        \
  RegistryService::Reactor* RegistryService::Name(Ctx* c, const Req* q, Resp* r) { \
    return ScopedWrite(c, #Name, q, r, &Registry::Name);                           \
  }
#define PACTO_SCOPED_READ(Name, Req, Resp)                                         \
  RegistryService::Reactor* RegistryService::Name(Ctx* c, const Req* q, Resp* r) { \
    return ScopedRead(c, #Name, q, r, &Registry::Name);                            \
  }

PACTO_WRITE(AddRegion, v1::AddRegionRequest, v1::Region)
PACTO_READ(GetRegion, v1::GetRegionRequest, v1::Region)
PACTO_READ(ListRegions, v1::ListRegionsRequest, v1::ListRegionsResponse)
PACTO_WRITE(AddChapter, v1::AddChapterRequest, v1::Chapter)
PACTO_WRITE(UpdateChapter, v1::UpdateChapterRequest, v1::Chapter)
PACTO_READ(GetChapter, v1::GetChapterRequest, v1::Chapter)
PACTO_READ(ListChapters, v1::ListChaptersRequest, v1::ListChaptersResponse)
PACTO_WRITE(Affiliate, v1::AffiliateRequest, v1::Affiliation)
PACTO_WRITE(Disaffiliate, v1::DisaffiliateRequest, v1::Affiliation)
PACTO_READ(GetAffiliation, v1::GetAffiliationRequest, v1::Affiliation)
PACTO_SCOPED_WRITE(EnrolMember, v1::EnrolMemberRequest, v1::Membership)
PACTO_SCOPED_READ(GetMember, v1::GetMemberRequest, v1::Membership)
PACTO_SCOPED_READ(ListMembers, v1::ListMembersRequest, v1::ListMembersResponse)
PACTO_SCOPED_WRITE(TransferMember, v1::TransferMemberRequest, v1::Membership)
PACTO_WRITE(EndMembership, v1::EndMembershipRequest, v1::Membership)
PACTO_WRITE(RemoveMember, v1::RemoveMemberRequest, v1::RemoveMemberResponse)
PACTO_WRITE(AppointOfficer, v1::AppointOfficerRequest, v1::OfficerTerm)
PACTO_SCOPED_READ(ListOfficers, v1::ListOfficersRequest, v1::ListOfficersResponse)
PACTO_WRITE(RecordFormation, v1::RecordFormationRequest, v1::FormationRecord)
PACTO_SCOPED_READ(ListFormation, v1::ListFormationRequest, v1::ListFormationResponse)

#undef PACTO_WRITE
#undef PACTO_READ
#undef PACTO_SCOPED_WRITE
#undef PACTO_SCOPED_READ

grpc::ServerWriteReactor<v1::ExportMembersResponse>* RegistryService::ExportMembers(
    Ctx* c, const v1::ExportMembersRequest* q) {
  absl::StatusOr<Principal> who = guard_->Check(*c, Method("ExportMembers"), q);
  if (!who.ok()) return new RefusedWriteReactor<v1::ExportMembersResponse>(ToGrpc(who.status()));
  Caller caller = CallerFor(*who);
  return new ExportReactor(db_, guard_, *std::move(who), *q, std::move(caller));
}

grpc::ServerReadReactor<v1::ImportMembersRequest>* RegistryService::ImportMembers(
    Ctx* c, v1::ImportMembersResponse* r) {
  absl::StatusOr<Principal> who = guard_->Check(*c, Method("ImportMembers"), nullptr);
  if (!who.ok()) return new RefusedReadReactor<v1::ImportMembersRequest>(ToGrpc(who.status()));
  return new ImportReactor(registry_, guard_, *std::move(who), r);
}

}  // namespace pacto
