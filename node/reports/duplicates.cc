#include "node/reports/duplicates.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/domain/text.h"
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
                             const std::function<bool(const v1::DuplicatesResponse&)>& emit,
                             int chunk_rows) {
  ReadView view(ctx.db);
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
  for (const auto& [key, people] : by_key) {
    if (people.size() < 2) continue;
    v1::DuplicateRow* row = chunk.add_rows();
    row->set_kind("same_name_and_birth_date");
    for (const std::string& person : people) {
      row->add_person_ids(person);
      PACTO_ASSIGN_OR_RETURN(auto memberships, Memberships(view, person, false));
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
      PACTO_ASSIGN_OR_RETURN(auto memberships, Memberships(view, person, true));
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
  if (!emit(chunk)) return absl::CancelledError("the caller went away");
  return absl::OkStatus();
}

}  // namespace pacto
