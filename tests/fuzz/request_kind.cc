#include "tests/fuzz/request_kind.h"

#include "pacto/v1/registry.pb.h"

namespace pacto {
namespace {

template <typename T>
std::unique_ptr<google::protobuf::Message> Make() {
  return std::make_unique<T>();
}

}  // namespace

const char* RequestKindName(RequestKind kind) {
  return NewRequest(kind)->GetDescriptor()->name().c_str();
}

std::unique_ptr<google::protobuf::Message> NewRequest(RequestKind kind) {
  switch (kind) {
    case RequestKind::kAddRegion:
      return Make<v1::AddRegionRequest>();
    case RequestKind::kAddChapter:
      return Make<v1::AddChapterRequest>();
    case RequestKind::kUpdateChapter:
      return Make<v1::UpdateChapterRequest>();
    case RequestKind::kAffiliate:
      return Make<v1::AffiliateRequest>();
    case RequestKind::kDisaffiliate:
      return Make<v1::DisaffiliateRequest>();
    case RequestKind::kEnrolMember:
      return Make<v1::EnrolMemberRequest>();
    case RequestKind::kTransferMember:
      return Make<v1::TransferMemberRequest>();
    case RequestKind::kEndMembership:
      return Make<v1::EndMembershipRequest>();
    case RequestKind::kRemoveMember:
      return Make<v1::RemoveMemberRequest>();
    case RequestKind::kImportMembers:
      return Make<v1::ImportMembersRequest>();
    case RequestKind::kAppointOfficer:
      return Make<v1::AppointOfficerRequest>();
    case RequestKind::kRecordFormation:
      return Make<v1::RecordFormationRequest>();
    case RequestKind::kGetRegion:
      return Make<v1::GetRegionRequest>();
    case RequestKind::kListRegions:
      return Make<v1::ListRegionsRequest>();
    case RequestKind::kGetChapter:
      return Make<v1::GetChapterRequest>();
    case RequestKind::kListChapters:
      return Make<v1::ListChaptersRequest>();
    case RequestKind::kGetAffiliation:
      return Make<v1::GetAffiliationRequest>();
    case RequestKind::kGetMember:
      return Make<v1::GetMemberRequest>();
    case RequestKind::kListMembers:
      return Make<v1::ListMembersRequest>();
    case RequestKind::kListOfficers:
      return Make<v1::ListOfficersRequest>();
    case RequestKind::kListFormation:
      return Make<v1::ListFormationRequest>();
    case RequestKind::kExportMembers:
      return Make<v1::ExportMembersRequest>();
  }
  return nullptr;
}

}  // namespace pacto
