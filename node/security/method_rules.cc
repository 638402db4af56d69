#include "node/security/method_rules.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pacto/v1/admin.pb.h"
#include "pacto/v1/registry.pb.h"

namespace pacto {
namespace {

using google::protobuf::Message;
using Kind = Subject::Kind;

std::string RegionCode(absl::string_view raw) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(raw));
}

Subject Of(Kind kind, std::string value, absl::string_view field, bool addressed = true) {
  return Subject{kind, std::move(value), field, addressed};
}

// REQUIRES: `m` is a T (the authorizer checks the method's input type first).
template <typename T>
const T& As(const Message& m) {
  return static_cast<const T&>(m);
}

std::vector<Subject> AddRegion(const Message& m) {
  const v1::Region& region = As<v1::AddRegionRequest>(m).region();
  // A region is homed in the region that contains it; a root region in itself.
  const std::string home = RegionCode(region.parent().empty() ? region.code() : region.parent());
  return {Of(Kind::kRegion, home, region.parent().empty() ? "code" : "parent")};
}
std::vector<Subject> AddChapter(const Message& m) {
  return {Of(Kind::kRegion, RegionCode(As<v1::AddChapterRequest>(m).region()), "region")};
}
std::vector<Subject> UpdateChapter(const Message& m) {
  return {Of(Kind::kChapter, As<v1::UpdateChapterRequest>(m).id(), "id")};
}
std::vector<Subject> Affiliate(const Message& m) {
  return {Of(Kind::kChapter, As<v1::AffiliateRequest>(m).child(), "child")};
}
std::vector<Subject> Disaffiliate(const Message& m) {
  return {Of(Kind::kChapter, As<v1::DisaffiliateRequest>(m).child(), "child")};
}
std::vector<Subject> EnrolMember(const Message& m) {
  return {Of(Kind::kChapter, As<v1::EnrolMemberRequest>(m).chapter(), "chapter")};
}
std::vector<Subject> GetMember(const Message& m) {
  return {Of(Kind::kMembership, As<v1::GetMemberRequest>(m).id(), "id")};
}
std::vector<Subject> ListMembers(const Message& m) {
  return {Of(Kind::kChapter, As<v1::ListMembersRequest>(m).chapter(), "chapter")};
}
std::vector<Subject> TransferMember(const Message& m) {
  const auto& r = As<v1::TransferMemberRequest>(m);
  return {Of(Kind::kMembership, r.id(), "id"), Of(Kind::kChapter, r.to_chapter(), "to_chapter")};
}
std::vector<Subject> EndMembership(const Message& m) {
  return {Of(Kind::kMembership, As<v1::EndMembershipRequest>(m).id(), "id")};
}
std::vector<Subject> RemoveMember(const Message& m) {
  return {Of(Kind::kMembership, As<v1::RemoveMemberRequest>(m).id(), "id")};
}
std::vector<Subject> AppointOfficer(const Message& m) {
  const auto& r = As<v1::AppointOfficerRequest>(m);
  return {Of(Kind::kChapter, r.chapter(), "chapter"),
          Of(Kind::kMembership, r.member(), "member", /*addressed=*/false)};
}
std::vector<Subject> ListOfficers(const Message& m) {
  return {Of(Kind::kChapter, As<v1::ListOfficersRequest>(m).chapter(), "chapter")};
}
std::vector<Subject> RecordFormation(const Message& m) {
  return {Of(Kind::kMembership, As<v1::RecordFormationRequest>(m).member(), "member",
             /*addressed=*/false)};
}
std::vector<Subject> ListFormation(const Message& m) {
  return {Of(Kind::kMembership, As<v1::ListFormationRequest>(m).member(), "member")};
}
std::vector<Subject> ExportMembers(const Message& m) {
  return {Of(Kind::kRegion, RegionCode(As<v1::ExportMembersRequest>(m).region()), "region")};
}
std::vector<Subject> RevokeToken(const Message& m) {
  // Empty when not asked for: the authorizer then takes the token's own region.
  return {Of(Kind::kRegion, RegionCode(As<v1::RevokeTokenRequest>(m).region()), "region")};
}
std::vector<Subject> Audit(const Message& m) {
  return {Of(Kind::kRecord,
             std::string(absl::StripAsciiWhitespace(As<v1::AuditRequest>(m).record())), "record")};
}

const std::vector<MethodRule>& Rules() {
  static const auto* const rules = new std::vector<MethodRule>{
      // Registry: structure.
      {"/pacto.v1.Registry/AddRegion", Access::kWrite, AddRegion},
      {"/pacto.v1.Registry/GetRegion", Access::kStructureRead, nullptr},
      {"/pacto.v1.Registry/ListRegions", Access::kStructureRead, nullptr},
      {"/pacto.v1.Registry/AddChapter", Access::kWrite, AddChapter},
      {"/pacto.v1.Registry/UpdateChapter", Access::kWrite, UpdateChapter},
      {"/pacto.v1.Registry/GetChapter", Access::kStructureRead, nullptr},
      {"/pacto.v1.Registry/ListChapters", Access::kStructureRead, nullptr},
      {"/pacto.v1.Registry/Affiliate", Access::kWrite, Affiliate},
      {"/pacto.v1.Registry/Disaffiliate", Access::kWrite, Disaffiliate},
      {"/pacto.v1.Registry/GetAffiliation", Access::kStructureRead, nullptr},
      // Registry: people.
      {"/pacto.v1.Registry/EnrolMember", Access::kWrite, EnrolMember},
      {"/pacto.v1.Registry/GetMember", Access::kPersonRead, GetMember},
      {"/pacto.v1.Registry/ListMembers", Access::kPersonRead, ListMembers},
      {"/pacto.v1.Registry/TransferMember", Access::kWrite, TransferMember},
      {"/pacto.v1.Registry/EndMembership", Access::kWrite, EndMembership},
      {"/pacto.v1.Registry/RemoveMember", Access::kWrite, RemoveMember},
      {"/pacto.v1.Registry/ImportMembers", Access::kWrite, nullptr},
      {"/pacto.v1.Registry/AppointOfficer", Access::kWrite, AppointOfficer},
      {"/pacto.v1.Registry/ListOfficers", Access::kPersonRead, ListOfficers},
      {"/pacto.v1.Registry/RecordFormation", Access::kWrite, RecordFormation},
      {"/pacto.v1.Registry/ListFormation", Access::kPersonRead, ListFormation},
      {"/pacto.v1.Registry/ExportMembers", Access::kExport, ExportMembers},
      // Reports: aggregates for everyone with a token; person-level ones for operators.
      {"/pacto.v1.Reports/Summary", Access::kAggregateReport, nullptr},
      {"/pacto.v1.Reports/Regions", Access::kAggregateReport, nullptr},
      {"/pacto.v1.Reports/Tree", Access::kAggregateReport, nullptr},
      {"/pacto.v1.Reports/Formation", Access::kAggregateReport, nullptr},
      {"/pacto.v1.Reports/Vacancies", Access::kAggregateReport, nullptr},
      {"/pacto.v1.Reports/Freshness", Access::kAggregateReport, nullptr},
      // Person and membership ids grouped as suspected duplicates (never names).
      {"/pacto.v1.Reports/Duplicates", Access::kNodeReport, nullptr},
      // Concurrent versions as written, person records included, from every region.
      {"/pacto.v1.Reports/Conflicts", Access::kFederationReport, nullptr},
      // Admin.
      {"/pacto.v1.Admin/Status", Access::kAdmin, nullptr},
      {"/pacto.v1.Admin/Peers", Access::kAdmin, nullptr},
      {"/pacto.v1.Admin/Sync", Access::kAdmin, nullptr},
      {"/pacto.v1.Admin/Audit", Access::kAudit, Audit},
      // A copy of everything, person data included, on the node's own disk (below the
      // operator's --backup-dir only).
      {"/pacto.v1.Admin/Backup", Access::kAdmin, nullptr},
      // Who backed this node up, when, where to, and with what outcome.
      {"/pacto.v1.Admin/Events", Access::kAdmin, nullptr},
      // Token revocations: replicated records homed in the operator's subtree.
      {"/pacto.v1.Admin/RevokeToken", Access::kRevoke, RevokeToken},
      {"/pacto.v1.Admin/ListRevocations", Access::kRevocations, nullptr},
      // Replication: nodes only.
      {"/pacto.v1.Replication/Pull", Access::kReplication, nullptr},
      {"/pacto.v1.Replication/Snapshot", Access::kReplication, nullptr},
      {"/pacto.v1.Replication/Notify", Access::kReplication, nullptr},
  };
  return *rules;
}

}  // namespace

const std::vector<MethodRule>& AllMethodRules() { return Rules(); }

const MethodRule* FindMethodRule(absl::string_view method) {
  static const auto* const index = [] {
    auto* map = new absl::flat_hash_map<std::string, const MethodRule*>;
    for (const MethodRule& rule : Rules()) (*map)[std::string(rule.method)] = &rule;
    return map;
  }();
  auto it = index->find(method);
  return it == index->end() ? nullptr : it->second;
}

const std::vector<std::string>& GuardedServices() {
  static const auto* const services = new std::vector<std::string>{
      "pacto.v1.Registry", "pacto.v1.Reports", "pacto.v1.Admin", "pacto.v1.Replication"};
  return *services;
}

std::string FullMethodName(absl::string_view service, absl::string_view method) {
  return absl::StrCat("/", service, "/", method);
}

}  // namespace pacto
