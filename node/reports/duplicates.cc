#include "node/reports/duplicates.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/domain/text.h"
#include "node/registry/person_scope.h"
#include "node/reports/chunked_stream.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"

namespace pacto {
namespace {

// The memberships of `person` (active ones when `active_only`).
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Memberships(
    const ReadView& view, const std::string& person, bool active_only) {
  std::vector<std::pair<std::string, std::string>> out;  // membership id, chapter id
  PACTO_RETURN_IF_ERROR(
      view.Scan(view.db().indexes(), IndexPrefix(IndexKind::kMembersByPerson, person), "",
                [&](absl::string_view membership, absl::string_view value) {
                  if (value.empty()) return true;
                  if (!active_only || value[0] == kActiveMark) {
                    out.emplace_back(std::string(membership), std::string(value.substr(1)));
                  }
                  return true;
                }));
  return out;
}

using MembershipList = std::vector<std::pair<std::string, std::string>>;  // id, chapter

// The three kinds of suspected duplicates, each computed on what the caller's scope
// covers, as if the rest of the federation did not exist.
class DuplicateFinder {
 public:
  DuplicateFinder(const ReadView& view, const Caller& caller,
                  ChunkedStream<v1::DuplicatesResponse>* out)
      : view_(view), scope_(caller), out_(out) {}

  // (1) Same folded name and birth date, no national id.
  absl::Status SameNameAndBirthDate() {
    std::map<std::string, std::vector<std::string>> by_key;
    PACTO_RETURN_IF_ERROR(ScanLive<v1::Person>(
        view_, v1::RECORD_TYPE_PERSON, "",
        [&](absl::string_view id, v1::Person& person) -> absl::StatusOr<bool> {
          if (person.national_id().empty() && !person.birth_date().empty()) {
            by_key[absl::StrCat(FoldForMatching(person.name()), "|", person.birth_date())]
                .emplace_back(id);
          }
          return true;
        }));
    for (const auto& [key, all_people] : by_key) {
      if (all_people.size() < 2) continue;
      // Only people the caller sees count: the others are no business of theirs.
      std::vector<std::string> people;
      for (const std::string& person : all_people) {
        PACTO_ASSIGN_OR_RETURN(bool visible, Sees(person));
        if (visible) people.push_back(person);
      }
      if (people.size() < 2) continue;
      v1::DuplicateRow* row = out_->chunk().add_rows();
      row->set_kind("same_name_and_birth_date");
      for (const std::string& person : people) {
        row->add_person_ids(person);
        PACTO_ASSIGN_OR_RETURN(MembershipList memberships, CoveredMemberships(person, false));
        for (const auto& [membership, chapter] : memberships) row->add_membership_ids(membership);
      }
      row->set_detail(
          absl::StrCat(people.size(), " people without a national id share a name and birth date"));
      PACTO_RETURN_IF_ERROR(out_->RowAdded());
    }
    return absl::OkStatus();
  }

  // (2) Active in chapters under two confederations.
  absl::Status AcrossConfederations() {
    std::vector<std::string> multi;
    PACTO_RETURN_IF_ERROR(view_.Scan(view_.db().indexes(),
                                     IndexPrefix(IndexKind::kMultiMembers, ""), "",
                                     [&](absl::string_view person, absl::string_view) {
                                       multi.emplace_back(person);
                                       return true;
                                     }));
    for (const std::string& person : multi) {
      PACTO_ASSIGN_OR_RETURN(MembershipList memberships, CoveredMemberships(person, true));
      std::set<std::string> confederations;
      for (const auto& [membership, chapter] : memberships) {
        PACTO_ASSIGN_OR_RETURN(std::string c, ConfederationOf(chapter));
        if (!c.empty()) confederations.insert(c);
      }
      if (confederations.size() < 2) continue;
      v1::DuplicateRow* row = out_->chunk().add_rows();
      row->set_kind("across_confederations");
      row->add_person_ids(person);
      for (const auto& [membership, chapter] : memberships) row->add_membership_ids(membership);
      row->set_detail(absl::StrCat("active under ", confederations.size(),
                                   " confederations: ", absl::StrJoin(confederations, ", ")));
      PACTO_RETURN_IF_ERROR(out_->RowAdded());
    }
    return absl::OkStatus();
  }

  // (3) Memberships enrolled with other person data than the person's record holds.
  absl::Status Discrepancies() {
    std::vector<v1::Membership> sent;
    PACTO_RETURN_IF_ERROR(
        ScanLive<v1::Membership>(view_, v1::RECORD_TYPE_MEMBERSHIP, "",
                                 [&](absl::string_view, v1::Membership& m) -> absl::StatusOr<bool> {
                                   if (m.has_sent_person()) sent.push_back(std::move(m));
                                   return true;
                                 }));
    for (const v1::Membership& m : sent) {
      v1::Person person;
      PACTO_ASSIGN_OR_RETURN(bool live,
                             ReadLive(view_, v1::RECORD_TYPE_PERSON, m.person_id(), &person));
      std::vector<std::string> fields;
      if (live) fields = DifferingFields(m.sent_person(), person);
      if (fields.empty()) continue;
      // Only those who see the record may learn that it differs from what was sent.
      PACTO_ASSIGN_OR_RETURN(bool visible, Sees(m.person_id()));
      if (!visible) continue;
      PACTO_RETURN_IF_ERROR(AddDiscrepancy(m, absl::StrJoin(fields, " and ")));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status AddDiscrepancy(const v1::Membership& m, const std::string& what) {
    PACTO_ASSIGN_OR_RETURN(MembershipList memberships, CoveredMemberships(m.person_id(), false));
    PACTO_ASSIGN_OR_RETURN(bool covers_sender, scope_.CoversChapter(view_, m.chapter_id()));
    v1::DuplicateRow* row = out_->chunk().add_rows();
    row->set_kind("discrepancy");
    row->add_person_ids(m.person_id());
    for (const auto& [membership, chapter] : memberships) row->add_membership_ids(membership);
    row->set_detail(
        covers_sender
            ? absl::StrCat("membership ", m.id(), " of chapter ", m.chapter_id(),
                           " was enrolled with another ", what, " than the person's record")
            : absl::StrCat("a membership outside your region scope was enrolled with another ",
                           what, " than the person's record; `pacto audit --record ", m.person_id(),
                           "` says who and when"));
    return out_->RowAdded();
  }

  // The memberships of `person` (active ones when `active_only`) whose chapter the
  // caller covers.
  absl::StatusOr<MembershipList> CoveredMemberships(const std::string& person, bool active_only) {
    PACTO_ASSIGN_OR_RETURN(MembershipList all, Memberships(view_, person, active_only));
    MembershipList out;
    for (const auto& m : all) {
      PACTO_ASSIGN_OR_RETURN(bool in, scope_.CoversChapter(view_, m.second));
      if (in) out.push_back(m);
    }
    return out;
  }

  // Whether the caller sees the person's record (person_scope.h).
  absl::StatusOr<bool> Sees(const std::string& person) {
    if (scope_.everything()) return true;
    PACTO_ASSIGN_OR_RETURN(std::vector<PersonMembership> memberships,
                           MembershipsOfPerson(view_, person));
    return scope_.SeesPerson(view_, memberships);
  }

  // The confederation `chapter`'s chain of active affiliations reaches, or "".
  absl::StatusOr<std::string> ConfederationOf(const std::string& chapter) {
    auto memo = confederation_of_.find(chapter);
    if (memo != confederation_of_.end()) return memo->second;
    std::string current = chapter, found;
    std::set<std::string> seen;
    while (!current.empty() && seen.insert(current).second) {
      v1::Chapter c;
      PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(view_, v1::RECORD_TYPE_CHAPTER, current, &c));
      if (!live) break;
      if (c.level() == "confederation") {
        found = current;
        break;
      }
      v1::Affiliation a;
      PACTO_ASSIGN_OR_RETURN(bool has, ReadLive(view_, v1::RECORD_TYPE_AFFILIATION, current, &a));
      current = has && a.status() == "active" ? a.parent() : "";
    }
    confederation_of_[chapter] = found;
    return found;
  }

  const ReadView& view_;
  ScopeCheck scope_;
  ChunkedStream<v1::DuplicatesResponse>* const out_;
  std::map<std::string, std::string> confederation_of_;  // chapter → its confederation
};

}  // namespace

absl::Status BuildDuplicates(const ReportContext& ctx, const v1::DuplicatesRequest& request,
                             const Caller& caller,
                             const std::function<bool(const v1::DuplicatesResponse&)>& emit,
                             int chunk_rows) {
  ReadView view(ctx.db);
  ChunkedStream<v1::DuplicatesResponse> out(emit, chunk_rows);
  PACTO_ASSIGN_OR_RETURN(*out.chunk().mutable_header(),
                         BuildHeader(ctx, view, request.stale_after()));
  DuplicateFinder find(view, caller, &out);
  PACTO_RETURN_IF_ERROR(find.SameNameAndBirthDate());
  if (!request.allow_multiple_confederations()) {
    PACTO_RETURN_IF_ERROR(find.AcrossConfederations());
  }
  PACTO_RETURN_IF_ERROR(find.Discrepancies());
  return out.Finish();
}

}  // namespace pacto
