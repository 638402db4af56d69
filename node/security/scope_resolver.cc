#include "node/security/scope_resolver.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/ids.h"
#include "node/registry/person_scope.h"
#include "node/security/revocation.h"
#include "node/store/keys.h"
#include "node/store/log_reader.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "pacto/v1/model.pb.h"

namespace pacto {
namespace {

template <typename T>
absl::StatusOr<bool> ReadLiveRecord(const Database& db, v1::RecordType type, const std::string& id,
                                    T* out) {
  v1::RecordState state;
  PACTO_ASSIGN_OR_RETURN(bool found, ReadState(db, rocksdb::ReadOptions(), type, id, &state));
  if (!found) return false;
  return DecodeWinner(state, out);
}

}  // namespace

absl::Status NoRecordError(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("record: no record '", id, "'"));
}

absl::StatusOr<std::vector<ScopeResolver::FoundRecord>> ScopeResolver::FindRecords(
    absl::string_view raw) const {
  const std::string id(absl::StripAsciiWhitespace(raw));
  std::vector<std::pair<v1::RecordType, std::string>> candidates;
  if (absl::StartsWith(id, absl::StrCat(kChapterPrefix, "-"))) {
    candidates = {{v1::RECORD_TYPE_CHAPTER, id}, {v1::RECORD_TYPE_AFFILIATION, id}};
  } else if (absl::StartsWith(id, absl::StrCat(kMembershipPrefix, "-"))) {
    candidates = {{v1::RECORD_TYPE_MEMBERSHIP, id}};
  } else if (absl::StartsWith(id, absl::StrCat(kPersonPrefix, "-"))) {
    candidates = {{v1::RECORD_TYPE_PERSON, id}};
  } else if (absl::StartsWith(id, absl::StrCat(kOfficerPrefix, "-"))) {
    candidates = {{v1::RECORD_TYPE_OFFICER_TERM, id}};
  } else if (absl::StartsWith(id, absl::StrCat(kFormationPrefix, "-"))) {
    candidates = {{v1::RECORD_TYPE_FORMATION, id}};
  } else if (absl::StartsWith(id, absl::StrCat(kRevocationPrefix, "-"))) {
    candidates = {{v1::RECORD_TYPE_TOKEN_REVOCATION, id}};
  } else {
    candidates = {{v1::RECORD_TYPE_REGION, absl::AsciiStrToUpper(id)}};
  }
  std::vector<FoundRecord> found;
  if (id.empty() || id.size() > 64) return found;
  for (auto& [type, key] : candidates) {
    FoundRecord record{type, key, {}};
    PACTO_ASSIGN_OR_RETURN(bool exists,
                           ReadState(*db_, rocksdb::ReadOptions(), type, key, &record.state));
    if (exists) found.push_back(std::move(record));
  }
  return found;
}

absl::StatusOr<std::vector<std::string>> ScopeResolver::RegionChain(const std::string& code) const {
  std::vector<std::string> chain;
  absl::flat_hash_set<std::string> seen;
  std::string current = code;
  while (!current.empty() && seen.insert(current).second) {
    chain.push_back(current);
    v1::Region region;
    PACTO_ASSIGN_OR_RETURN(bool live,
                           ReadLiveRecord(*db_, v1::RECORD_TYPE_REGION, current, &region));
    current = live ? region.parent() : std::string();
  }
  return chain;
}

absl::StatusOr<bool> ScopeResolver::Covers(const std::string& ancestor,
                                           const std::string& region) const {
  if (ancestor.empty() || region.empty()) return false;
  if (ancestor == region) return true;
  PACTO_ASSIGN_OR_RETURN(std::vector<std::string> chain, RegionChain(region));
  return std::find(chain.begin(), chain.end(), ancestor) != chain.end();
}

absl::StatusOr<bool> ScopeResolver::IsRootRegion(const std::string& code) const {
  v1::Region region;
  PACTO_ASSIGN_OR_RETURN(bool live, ReadLiveRecord(*db_, v1::RECORD_TYPE_REGION, code, &region));
  return live && region.parent().empty();
}

absl::StatusOr<std::optional<std::string>> ScopeResolver::ChapterRegion(
    const std::string& id) const {
  v1::Chapter chapter;
  PACTO_ASSIGN_OR_RETURN(bool live, ReadLiveRecord(*db_, v1::RECORD_TYPE_CHAPTER, id, &chapter));
  if (!live) return std::optional<std::string>();
  return std::optional<std::string>(chapter.region());
}

absl::StatusOr<std::optional<std::string>> ScopeResolver::MembershipRegion(
    const std::string& id) const {
  v1::Membership membership;
  PACTO_ASSIGN_OR_RETURN(bool live,
                         ReadLiveRecord(*db_, v1::RECORD_TYPE_MEMBERSHIP, id, &membership));
  if (!live) return std::optional<std::string>();
  PACTO_ASSIGN_OR_RETURN(std::optional<std::string> region, ChapterRegion(membership.chapter_id()));
  return std::optional<std::string>(region.value_or(""));
}

absl::StatusOr<std::optional<bool>> ScopeResolver::CoversPersonOwner(
    const std::string& region, const std::string& person) const {
  ReadView view(db_);
  PACTO_ASSIGN_OR_RETURN(std::vector<PersonMembership> memberships,
                         MembershipsOfPerson(view, person));
  if (memberships.empty()) return std::optional<bool>();
  ScopeCheck scope(Caller::Within("", region));
  PACTO_ASSIGN_OR_RETURN(bool sees, scope.SeesPerson(view, memberships));
  return std::optional<bool>(sees);
}

absl::StatusOr<std::string> ScopeResolver::RecordHomeRegion(v1::RecordType type,
                                                            const std::string& id,
                                                            const v1::RecordState& state) const {
  ReadView view(db_);
  // The newest change first: a record's home can only have moved by a later write.
  for (int i = state.history_size() - 1; i >= 0; --i) {
    const v1::Dot& dot = state.history(i).dot();
    uint64_t position = 0;
    PACTO_ASSIGN_OR_RETURN(bool in_log, FindInLog(view, dot.origin(), dot.seq(), &position));
    if (!in_log) continue;
    std::string value;
    PACTO_ASSIGN_OR_RETURN(bool found, view.Get(db_->log(), LogKey(position), &value));
    v1::Entry entry;
    if (!found || !entry.ParseFromString(value)) continue;
    for (const v1::Op& op : entry.ops()) {
      if (op.type() == type && op.id() == id && !op.home_region().empty()) {
        return op.home_region();
      }
    }
  }
  // Truncated from the log: what the value says, when there still is one.
  switch (type) {
    case v1::RECORD_TYPE_REGION: {
      v1::Region region;
      PACTO_ASSIGN_OR_RETURN(bool live, DecodeWinner(state, &region));
      if (live) return region.parent().empty() ? region.code() : region.parent();
      break;
    }
    case v1::RECORD_TYPE_CHAPTER: {
      v1::Chapter chapter;
      PACTO_ASSIGN_OR_RETURN(bool live, DecodeWinner(state, &chapter));
      if (live) return chapter.region();
      break;
    }
    case v1::RECORD_TYPE_AFFILIATION: {
      PACTO_ASSIGN_OR_RETURN(std::optional<std::string> region, ChapterRegion(id));
      if (region.has_value()) return *region;
      break;
    }
    case v1::RECORD_TYPE_MEMBERSHIP: {
      PACTO_ASSIGN_OR_RETURN(std::optional<std::string> region, MembershipRegion(id));
      if (region.has_value()) return *region;
      break;
    }
    case v1::RECORD_TYPE_OFFICER_TERM: {
      v1::OfficerTerm term;
      PACTO_ASSIGN_OR_RETURN(bool live, DecodeWinner(state, &term));
      if (live) {
        PACTO_ASSIGN_OR_RETURN(std::optional<std::string> region, ChapterRegion(term.chapter_id()));
        if (region.has_value()) return *region;
      }
      break;
    }
    case v1::RECORD_TYPE_FORMATION: {
      v1::FormationRecord record;
      PACTO_ASSIGN_OR_RETURN(bool live, DecodeWinner(state, &record));
      if (live) {
        PACTO_ASSIGN_OR_RETURN(std::optional<std::string> region,
                               ChapterRegion(record.chapter_id()));
        if (region.has_value()) return *region;
      }
      break;
    }
    case v1::RECORD_TYPE_TOKEN_REVOCATION: {
      v1::TokenRevocation revocation;
      PACTO_ASSIGN_OR_RETURN(bool live, DecodeWinner(state, &revocation));
      if (live) return revocation.region();
      break;
    }
    default:
      break;
  }
  return std::string();
}

}  // namespace pacto
