#include "node/registry/export.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "pacto/v1/model.pb.h"

namespace pacto {

absl::Status ExportMembers(const Database& db, const v1::ExportMembersRequest& request,
                           const std::function<bool(const v1::ExportMembersResponse&)>& emit,
                           uint64_t* rows_sent, int batch_rows) {
  *rows_sent = 0;
  const std::string code = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(request.region()));
  if (code.empty()) return absl::InvalidArgumentError("region: must not be empty");
  ReadView view(&db);
  // The region's subtree, from the region records.
  std::map<std::string, std::vector<std::string>> children;
  bool known = false;
  absl::Status bad;
  PACTO_RETURN_IF_ERROR(
      view.Scan(db.records(), RecordTypePrefix(v1::RECORD_TYPE_REGION), "",
                [&](absl::string_view id, absl::string_view value) {
                  v1::RecordState state;
                  v1::Region region;
                  if (!state.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                    bad = absl::DataLossError("malformed region");
                    return false;
                  }
                  absl::StatusOr<bool> live = DecodeWinner(state, &region);
                  if (live.ok() && *live) {
                    children[region.parent()].emplace_back(id);
                    known |= id == code;
                  }
                  return true;
                }));
  PACTO_RETURN_IF_ERROR(bad);
  if (!known)
    return absl::NotFoundError(absl::StrCat("region: no region '", request.region(), "'"));

  v1::ExportMembersResponse batch;
  std::vector<std::string> stack = {code};
  std::set<std::string> seen = {code};
  while (!stack.empty()) {
    const std::string region = stack.back();
    stack.pop_back();
    for (const std::string& child : children[region]) {
      if (seen.insert(child).second) stack.push_back(child);
    }
    std::vector<std::string> chapters;
    PACTO_RETURN_IF_ERROR(view.Scan(db.indexes(), IndexPrefix(IndexKind::kChaptersByRegion, region),
                                    "", [&](absl::string_view id, absl::string_view) {
                                      chapters.emplace_back(id);
                                      return true;
                                    }));
    for (const std::string& chapter : chapters) {
      absl::Status inner;
      bool gone = false;
      PACTO_RETURN_IF_ERROR(
          view.Scan(db.indexes(), IndexPrefix(IndexKind::kMembersByChapter, chapter), "",
                    [&](absl::string_view membership_id, absl::string_view mark) {
                      if (!request.include_ended() && (mark.empty() || mark[0] != kActiveMark))
                        return true;
                      v1::Membership m;
                      absl::StatusOr<bool> live =
                          ReadLive(view, v1::RECORD_TYPE_MEMBERSHIP, membership_id, &m);
                      if (!live.ok()) {
                        inner = live.status();
                        return false;
                      }
                      if (!*live) return true;
                      v1::Person person;
                      live = ReadLive(view, v1::RECORD_TYPE_PERSON, m.person_id(), &person);
                      if (!live.ok()) {
                        inner = live.status();
                        return false;
                      }
                      v1::ExportRow* row = batch.add_rows();
                      row->set_chapter(chapter);
                      row->set_name(person.name());
                      row->set_national_id(person.national_id());
                      row->set_birth_date(person.birth_date());
                      row->set_since(m.since());
                      row->set_membership_id(m.id());
                      row->set_status(m.status());
                      ++*rows_sent;
                      if (batch.rows_size() >= batch_rows) {
                        if (!emit(batch)) {
                          gone = true;
                          return false;
                        }
                        batch.Clear();
                      }
                      return true;
                    }));
      PACTO_RETURN_IF_ERROR(inner);
      if (gone) return absl::CancelledError("the caller went away");
    }
  }
  if (batch.rows_size() > 0 && !emit(batch)) return absl::CancelledError("the caller went away");
  return absl::OkStatus();
}

}  // namespace pacto
