#include "node/reports/conflicts.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "node/base/hlc.h"
#include "node/registry/lookups.h"
#include "node/registry/pagination.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "node/store/record_kinds.h"
#include "node/store/record_state.h"
#include "pacto/v1/model.pb.h"

namespace pacto {
namespace {

absl::Status AddVersions(const v1::RecordState& state, v1::RecordType type, v1::Conflict* out) {
  const v1::Version* winner = Winner(state);
  for (const v1::Version& v : state.versions()) {
    v1::ConflictVersion* row = out->add_versions();
    row->set_origin(v.dot().origin());
    row->set_seq(v.dot().seq());
    row->set_written_at(
        absl::FormatTime(absl::RFC3339_sec, HybridClock::ToTime(v.hlc()), absl::UTCTimeZone()));
    row->set_kind(OpKindName(v.kind()));
    row->set_winner(&v == winner);
    if (v.kind() == v1::Op::PUT) {
      std::unique_ptr<google::protobuf::Message> record = NewRecordMessage(type);
      if (record == nullptr || !record->ParseFromString(v.value())) {
        return absl::DataLossError("malformed record version");
      }
      google::protobuf::util::JsonPrintOptions options;
      options.preserve_proto_field_names = true;
      std::string json;
      google::protobuf::util::MessageToJsonString(*record, &json, options);
      row->set_value_json(std::move(json));
    }
  }
  return absl::OkStatus();
}

// One page of the report: records with concurrent versions first, then people
// active twice in one chapter. Where the page ends is remembered as "v" + index key or
// "s" + index key (the page token's content).
class ConflictPage {
 public:
  ConflictPage(const ReadView& view, int page_size, v1::ConflictsResponse* response)
      : view_(view), page_size_(page_size), response_(response) {}

  bool full() const { return full_; }
  const std::string& last() const { return last_; }

  // Records of the conflict index after index key `from`.
  absl::Status ConcurrentVersions(const std::string& from) {
    return view_.ScanChecked(
        view_.db().indexes(), IndexPrefix(IndexKind::kConflicts, ""), from,
        [&](absl::string_view record_key, absl::string_view) -> absl::StatusOr<bool> {
          if (response_->conflicts_size() == page_size_) {
            full_ = true;
            return false;
          }
          v1::RecordType type;
          std::string id;
          if (!ParseRecordKey(record_key, &type, &id)) return true;
          v1::RecordState state;
          PACTO_ASSIGN_OR_RETURN(bool found, ReadState(view_, type, id, &state));
          if (!found || !HasConflict(state)) return true;
          v1::Conflict* conflict = response_->add_conflicts();
          conflict->set_kind("concurrent_versions");
          conflict->set_record_type(RecordNoun(type));
          conflict->set_record_id(id);
          conflict->set_detail(absl::StrCat(state.versions_size(), " concurrent versions"));
          PACTO_RETURN_IF_ERROR(AddVersions(state, type, conflict));
          last_ = absl::StrCat("v", record_key);
          return true;
        });
  }

  // People of the multi-member index after `from` with two active memberships of one
  // chapter. A person's conflicts stay on one page: the token names the last person.
  absl::Status ActiveTwiceInChapter(const std::string& from) {
    return view_.ScanChecked(
        view_.db().indexes(), IndexPrefix(IndexKind::kMultiMembers, ""), from,
        [&](absl::string_view person, absl::string_view) -> absl::StatusOr<bool> {
          if (response_->conflicts_size() >= page_size_) {
            full_ = true;
            return false;
          }
          PACTO_ASSIGN_OR_RETURN(auto by_chapter, ActiveMembershipsByChapter(person));
          int twice = 0;
          for (const auto& [chapter, memberships] : by_chapter) twice += memberships.size() >= 2;
          if (twice > 0 && response_->conflicts_size() > 0 &&
              response_->conflicts_size() + twice > page_size_) {
            full_ = true;
            return false;
          }
          for (const auto& [chapter, memberships] : by_chapter) {
            if (memberships.size() < 2) continue;
            v1::Conflict* conflict = response_->add_conflicts();
            conflict->set_kind("active_twice_in_chapter");
            conflict->set_record_type("person");
            conflict->set_record_id(std::string(person));
            conflict->set_detail(absl::StrCat(memberships.size(), " active memberships in ",
                                              chapter, ": ", absl::StrJoin(memberships, ", "),
                                              "; end all but one"));
          }
          last_ = absl::StrCat("s", person);
          return true;
        });
  }

 private:
  absl::StatusOr<std::map<std::string, std::vector<std::string>>> ActiveMembershipsByChapter(
      absl::string_view person) const {
    std::map<std::string, std::vector<std::string>> by_chapter;
    PACTO_RETURN_IF_ERROR(
        view_.Scan(view_.db().indexes(), IndexPrefix(IndexKind::kMembersByPerson, person), "",
                   [&](absl::string_view membership, absl::string_view value) {
                     if (!value.empty() && value[0] == kActiveMark) {
                       by_chapter[std::string(value.substr(1))].emplace_back(membership);
                     }
                     return true;
                   }));
    return by_chapter;
  }

  const ReadView& view_;
  const int page_size_;
  v1::ConflictsResponse* const response_;
  bool full_ = false;
  std::string last_;
};

}  // namespace

absl::StatusOr<v1::ConflictsResponse> BuildConflicts(const ReportContext& ctx,
                                                     const v1::ConflictsRequest& request) {
  PACTO_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  const Database& db = *ctx.db;
  PACTO_ASSIGN_OR_RETURN(const PageTokens tokens, PageTokens::ForDatabase(db));
  const std::string query = PageQuery(request, "conflicts");
  std::string after;
  if (!request.page_token().empty()) {
    PACTO_ASSIGN_OR_RETURN(after, tokens.Decode(query, request.page_token()));
    if (after.empty() || (after[0] != 'v' && after[0] != 's')) {
      return absl::InvalidArgumentError(
          "page_token: malformed; pass back next_page_token as given");
    }
  }
  ReadView view(&db);
  v1::ConflictsResponse response;
  PACTO_ASSIGN_OR_RETURN(*response.mutable_header(), BuildHeader(ctx, view, request.stale_after()));
  response.set_as_of_node(db.node_id());
  ConflictPage page(view, page_size, &response);
  if (after.empty() || after[0] == 'v') {
    PACTO_RETURN_IF_ERROR(page.ConcurrentVersions(after.empty() ? "" : after.substr(1)));
    after.clear();
  }
  if (!page.full()) {
    PACTO_RETURN_IF_ERROR(page.ActiveTwiceInChapter(after.empty() ? "" : after.substr(1)));
  }
  if (page.full()) response.set_next_page_token(tokens.Encode(query, page.last()));
  return response;
}

}  // namespace pacto
