#include "node/security/authorizer.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/english.h"
#include "common/status_macros.h"
#include "node/domain/ids.h"
#include "node/registry/lookups.h"

namespace pacto {
namespace {

bool RoleAdmitted(Access access, Role role) {
  switch (access) {
    case Access::kReplication:
      return false;
    case Access::kAggregateReport:
      return true;
    case Access::kNodeReport:
    case Access::kFederationReport:
    case Access::kAdmin:
    case Access::kAudit:
    case Access::kExport:
    case Access::kRevoke:
    case Access::kRevocations:
      return role == Role::kOperator;
    case Access::kStructureRead:
    case Access::kPersonRead:
      return role == Role::kEnroller || role == Role::kOperator;
    case Access::kWrite:
      return role == Role::kEnroller;
  }
  return false;
}

absl::Status OutsideToken(absl::string_view field, absl::string_view what, const Principal& who) {
  return absl::PermissionDeniedError(absl::StrCat(field, ": ", what, " lies outside region ",
                                                  who.region, ", the subtree your token covers"));
}

}  // namespace

absl::Status Authorizer::Authorize(const MethodRule& rule, const Principal& who,
                                   const google::protobuf::Message* request) const {
  if (who.kind == Principal::Kind::kDevelopment) return absl::OkStatus();
  if (rule.access == Access::kReplication) {
    if (who.kind == Principal::Kind::kNode) return absl::OkStatus();
    return absl::PermissionDeniedError(
        "replication is for the federation's nodes, with their node certificates");
  }
  if (who.kind != Principal::Kind::kToken) {
    return absl::UnauthenticatedError("this call needs a bearer token");
  }
  if (!RoleAdmitted(rule.access, who.role)) {
    return absl::PermissionDeniedError(
        absl::StrCat(WithArticle(RoleName(who.role)), " token may not call ", rule.method));
  }
  switch (rule.access) {
    case Access::kAdmin:
    case Access::kNodeReport: {
      PACTO_ASSIGN_OR_RETURN(bool covers, resolver_->Covers(who.region, node_region_));
      if (!covers) {
        return absl::PermissionDeniedError(absl::StrCat("this node's region ", node_region_,
                                                        " lies outside region ", who.region,
                                                        ", the subtree your token covers"));
      }
      return absl::OkStatus();
    }
    case Access::kFederationReport: {
      PACTO_ASSIGN_OR_RETURN(bool root, resolver_->IsRootRegion(who.region));
      if (!root) {
        return absl::PermissionDeniedError(
            "this report shows records of every region: it needs an operator token for a "
            "root region");
      }
      return absl::OkStatus();
    }
    case Access::kRevoke: {
      // Homed in the region asked for, or else the token's own: either way one the
      // token and this node cover (revocation.h).
      std::vector<Subject> subjects = rule.subjects != nullptr && request != nullptr
                                          ? rule.subjects(*request)
                                          : std::vector<Subject>();
      Subject home{Subject::Kind::kRegion, who.region, "region"};
      if (!subjects.empty() && !subjects.front().value.empty()) home = subjects.front();
      return CheckSubject(who, home, /*write=*/true);
    }
    default:
      break;
  }
  if (rule.subjects == nullptr || request == nullptr) return absl::OkStatus();
  const bool write = rule.access == Access::kWrite;
  // Hidden subjects first: whether one exists must not show through the answer about
  // another subject of the same request.
  std::vector<Subject> subjects = rule.subjects(*request);
  std::stable_partition(subjects.begin(), subjects.end(),
                        [](const Subject& s) { return s.kind == Subject::Kind::kMembership; });
  for (const Subject& subject : subjects) {
    PACTO_RETURN_IF_ERROR(CheckSubject(who, subject, write));
  }
  return absl::OkStatus();
}

absl::Status Authorizer::CheckNodeCovers(absl::string_view field, const std::string& region) const {
  PACTO_ASSIGN_OR_RETURN(bool covers, resolver_->Covers(node_region_, region));
  if (covers) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      field, ": records of region ", region, " cannot be written on this node, whose region ",
      node_region_, " does not cover it; write through a node of ", region, " or above"));
}

absl::Status Authorizer::CheckSubject(const Principal& who, const Subject& subject,
                                      bool write) const {
  if (subject.value.empty()) return absl::OkStatus();  // the registry names the field
  switch (subject.kind) {
    case Subject::Kind::kRegion: {
      PACTO_ASSIGN_OR_RETURN(bool covers, resolver_->Covers(who.region, subject.value));
      if (!covers) {
        return OutsideToken(subject.field, absl::StrCat("region ", subject.value), who);
      }
      return write ? CheckNodeCovers(subject.field, subject.value) : absl::OkStatus();
    }
    case Subject::Kind::kChapter: {
      PACTO_ASSIGN_OR_RETURN(std::optional<std::string> region,
                             resolver_->ChapterRegion(subject.value));
      if (!region.has_value()) return absl::OkStatus();
      PACTO_ASSIGN_OR_RETURN(bool covers, resolver_->Covers(who.region, *region));
      if (!covers) {
        return OutsideToken(subject.field,
                            absl::StrCat("chapter ", subject.value, " of region ", *region), who);
      }
      return write ? CheckNodeCovers(subject.field, *region) : absl::OkStatus();
    }
    case Subject::Kind::kMembership: {
      PACTO_ASSIGN_OR_RETURN(std::optional<std::string> region,
                             resolver_->MembershipRegion(subject.value));
      const absl::Status missing =
          MissingRecord(v1::RECORD_TYPE_MEMBERSHIP, subject.field, subject.value,
                        subject.addressed ? Ref::kAddressed : Ref::kReferenced);
      if (!region.has_value()) {
        // Answered here, as the registry would, before any other subject is looked at;
        // a malformed id is left to the registry to name.
        return ValidateIdSyntax(subject.field, subject.value).ok() ? missing : absl::OkStatus();
      }
      bool covers = false;
      if (!region->empty()) {
        PACTO_ASSIGN_OR_RETURN(covers, resolver_->Covers(who.region, *region));
      }
      if (!covers) return missing;
      return write ? CheckNodeCovers(subject.field, *region) : absl::OkStatus();
    }
    case Subject::Kind::kRecord: {
      PACTO_ASSIGN_OR_RETURN(std::vector<ScopeResolver::FoundRecord> records,
                             resolver_->FindRecords(subject.value));
      for (const ScopeResolver::FoundRecord& record : records) {
        if (record.type == v1::RECORD_TYPE_PERSON) {
          // A person is shared by every region that enrolled them: the operators who
          // see the record (person_scope.h) may audit it, whoever wrote it last.
          PACTO_ASSIGN_OR_RETURN(std::optional<bool> owner,
                                 resolver_->CoversPersonOwner(who.region, record.id));
          if (owner.has_value()) {
            if (!*owner) return NoRecordError(subject.value);
            continue;
          }
        }
        PACTO_ASSIGN_OR_RETURN(std::string home,
                               resolver_->RecordHomeRegion(record.type, record.id, record.state));
        bool covers = false;
        if (!home.empty()) {
          PACTO_ASSIGN_OR_RETURN(covers, resolver_->Covers(who.region, home));
        }
        if (!covers) return NoRecordError(subject.value);
      }
      return absl::OkStatus();
    }
  }
  return absl::PermissionDeniedError("unknown subject");
}

absl::Status Authorizer::AuthorizeImportRow(const Principal& who, const v1::ImportRow& row,
                                            RowCache* cache) const {
  if (who.kind == Principal::Kind::kDevelopment) return absl::OkStatus();
  auto it = cache->find(row.chapter());
  if (it != cache->end()) return it->second;
  absl::Status status =
      CheckSubject(who, Subject{Subject::Kind::kChapter, row.chapter(), "chapter", false}, true);
  cache->emplace(row.chapter(), status);
  return status;
}

}  // namespace pacto
