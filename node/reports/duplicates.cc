#include "node/reports/duplicates.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/domain/text.h"
#include "node/registry/person_scope.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
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

}  // namespace

absl::Status BuildDuplicates(const ReportContext& ctx, const v1::DuplicatesRequest& request,
                             const Caller& caller,
                             const std::function<bool(const v1::DuplicatesResponse&)>& emit,
                             int chunk_rows) {
  ReadView view(ctx.db);
  ScopeCheck scope(caller);
  // The memberships of `person` whose chapter the caller covers.
  auto covered = [&](const std::vector<std::pair<std::string, std::string>>& memberships)
      -> absl::StatusOr<std::vector<std::pair<std::string, std::string>>> {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& m : memberships) {
      PACTO_ASSIGN_OR_RETURN(bool in, scope.CoversChapter(view, m.second));
      if (in) out.push_back(m);
    }
    return out;
  };
  // Whether the caller sees the person's record (person_scope.h).
  auto sees = [&](const std::string& person) -> absl::StatusOr<bool> {
    if (scope.everything()) return true;
    PACTO_ASSIGN_OR_RETURN(std::vector<PersonMembership> memberships,
                           MembershipsOfPerson(view, person));
    return scope.SeesPerson(view, memberships);
  };
  v1::DuplicatesResponse chunk;
  PACTO_ASSIGN_OR_RETURN(*chunk.mutable_header(), BuildHeader(ctx, view, request.stale_after()));
  int rows = 0;
  auto added = [&]() -> bool {
    if (++rows % chunk_rows != 0) return true;
    bool ok = emit(chunk);
    chunk.Clear();
    return ok;
  };

  // (1) Same folded name and birth date, no national id.
  std::map<std::string, std::vector<std::string>> by_key;
  absl::Status bad;
  PACTO_RETURN_IF_ERROR(
      view.Scan(ctx.db->records(), RecordTypePrefix(v1::RECORD_TYPE_PERSON), "",
                [&](absl::string_view id, absl::string_view value) {
                  v1::RecordState state;
                  if (!state.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                    bad = absl::DataLossError("malformed person");
                    return false;
                  }
                  v1::Person person;
                  absl::StatusOr<bool> live = DecodeWinner(state, &person);
                  if (!live.ok()) {
                    bad = live.status();
                    return false;
                  }
                  if (*live && person.national_id().empty() && !person.birth_date().empty()) {
                    by_key[absl::StrCat(FoldForMatching(person.name()), "|", person.birth_date())]
                        .emplace_back(id);
                  }
                  return true;
                }));
  PACTO_RETURN_IF_ERROR(bad);
  for (const auto& [key, all_people] : by_key) {
    if (all_people.size() < 2) continue;
    // Only people the caller sees count: the others are no business of theirs.
    std::vector<std::string> people;
    for (const std::string& person : all_people) {
      PACTO_ASSIGN_OR_RETURN(bool visible, sees(person));
      if (visible) people.push_back(person);
    }
    if (people.size() < 2) continue;
    v1::DuplicateRow* row = chunk.add_rows();
    row->set_kind("same_name_and_birth_date");
    for (const std::string& person : people) {
      row->add_person_ids(person);
      PACTO_ASSIGN_OR_RETURN(auto all, Memberships(view, person, false));
      PACTO_ASSIGN_OR_RETURN(auto memberships, covered(all));
      for (const auto& [membership, chapter] : memberships) row->add_membership_ids(membership);
    }
    row->set_detail(
        absl::StrCat(people.size(), " people without a national id share a name and birth date"));
    if (!added()) return absl::CancelledError("the caller went away");
  }

  // (2) Active in chapters under two confederations.
  if (!request.allow_multiple_confederations()) {
    std::map<std::string, std::string> confederation_of;  // chapter → its confederation
    auto confederation = [&](const std::string& chapter) -> absl::StatusOr<std::string> {
      auto memo = confederation_of.find(chapter);
      if (memo != confederation_of.end()) return memo->second;
      std::string current = chapter, found;
      std::set<std::string> seen;
      while (!current.empty() && seen.insert(current).second) {
        v1::Chapter c;
        PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(view, v1::RECORD_TYPE_CHAPTER, current, &c));
        if (!live) break;
        if (c.level() == "confederation") {
          found = current;
          break;
        }
        v1::Affiliation a;
        PACTO_ASSIGN_OR_RETURN(bool has, ReadLive(view, v1::RECORD_TYPE_AFFILIATION, current, &a));
        current = has && a.status() == "active" ? a.parent() : "";
      }
      confederation_of[chapter] = found;
      return found;
    };
    std::vector<std::string> multi;
    PACTO_RETURN_IF_ERROR(view.Scan(ctx.db->indexes(), IndexPrefix(IndexKind::kMultiMembers, ""),
                                    "", [&](absl::string_view person, absl::string_view) {
                                      multi.emplace_back(person);
                                      return true;
                                    }));
    for (const std::string& person : multi) {
      // Computed on the memberships the caller covers, as if the others did not exist.
      PACTO_ASSIGN_OR_RETURN(auto all, Memberships(view, person, true));
      PACTO_ASSIGN_OR_RETURN(auto memberships, covered(all));
      std::set<std::string> confederations;
      for (const auto& [membership, chapter] : memberships) {
        PACTO_ASSIGN_OR_RETURN(std::string c, confederation(chapter));
        if (!c.empty()) confederations.insert(c);
      }
      if (confederations.size() < 2) continue;
      v1::DuplicateRow* row = chunk.add_rows();
      row->set_kind("across_confederations");
      row->add_person_ids(person);
      for (const auto& [membership, chapter] : memberships) row->add_membership_ids(membership);
      row->set_detail(absl::StrCat("active under ", confederations.size(),
                                   " confederations: ", absl::StrJoin(confederations, ", ")));
      if (!added()) return absl::CancelledError("the caller went away");
    }
  }

  // (3) Memberships enrolled with other person data than the person's record holds.
  std::vector<v1::Membership> sent;
  PACTO_RETURN_IF_ERROR(view.Scan(ctx.db->records(), RecordTypePrefix(v1::RECORD_TYPE_MEMBERSHIP),
                                  "", [&](absl::string_view, absl::string_view value) {
                                    v1::Membership m;
                                    absl::StatusOr<bool> live = DecodeStoredWinner(value, &m);
                                    if (!live.ok()) {
                                      bad = live.status();
                                      return false;
                                    }
                                    if (*live && m.has_sent_person()) sent.push_back(std::move(m));
                                    return true;
                                  }));
  PACTO_RETURN_IF_ERROR(bad);
  for (const v1::Membership& m : sent) {
    v1::Person person;
    PACTO_ASSIGN_OR_RETURN(bool live,
                           ReadLive(view, v1::RECORD_TYPE_PERSON, m.person_id(), &person));
    std::vector<std::string> fields;
    if (live) fields = DifferingFields(m.sent_person(), person);
    if (fields.empty()) continue;
    // Only those who see the record may learn that it differs from what was sent.
    PACTO_ASSIGN_OR_RETURN(bool visible, sees(m.person_id()));
    if (!visible) continue;
    PACTO_ASSIGN_OR_RETURN(auto all, Memberships(view, m.person_id(), false));
    PACTO_ASSIGN_OR_RETURN(auto memberships, covered(all));
    PACTO_ASSIGN_OR_RETURN(bool covers_sender, scope.CoversChapter(view, m.chapter_id()));
    v1::DuplicateRow* row = chunk.add_rows();
    row->set_kind("discrepancy");
    row->add_person_ids(m.person_id());
    for (const auto& [membership, chapter] : memberships) row->add_membership_ids(membership);
    const std::string what = absl::StrJoin(fields, " and ");
    row->set_detail(
        covers_sender
            ? absl::StrCat("membership ", m.id(), " of chapter ", m.chapter_id(),
                           " was enrolled with another ", what, " than the person's record")
            : absl::StrCat("a membership outside your region scope was enrolled with another ",
                           what, " than the person's record; `pacto audit --record ", m.person_id(),
                           "` says who and when"));
    if (!added()) return absl::CancelledError("the caller went away");
  }
  if (!emit(chunk)) return absl::CancelledError("the caller went away");
  return absl::OkStatus();
}

}  // namespace pacto
