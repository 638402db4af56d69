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
  absl::Status inner;
  std::string last;
  bool full = false;

  // A page token is "v" + index key (concurrent versions) or "s" + index key (semantic).
  const std::string versions_prefix = IndexPrefix(IndexKind::kConflicts, "");
  if (after.empty() || after[0] == 'v') {
    const std::string from = after.empty() ? "" : after.substr(1);
    PACTO_RETURN_IF_ERROR(view.Scan(
        db.indexes(), versions_prefix, from, [&](absl::string_view record_key, absl::string_view) {
          if (response.conflicts_size() == page_size) {
            full = true;
            return false;
          }
          v1::RecordType type;
          std::string id;
          if (!ParseRecordKey(record_key, &type, &id)) return true;
          v1::RecordState state;
          absl::StatusOr<bool> found = ReadState(view, type, id, &state);
          if (!found.ok()) {
            inner = found.status();
            return false;
          }
          if (!*found || !HasConflict(state)) return true;
          v1::Conflict* conflict = response.add_conflicts();
          conflict->set_kind("concurrent_versions");
          conflict->set_record_type(RecordNoun(type));
          conflict->set_record_id(id);
          conflict->set_detail(absl::StrCat(state.versions_size(), " concurrent versions"));
          inner = AddVersions(state, type, conflict);
          last = absl::StrCat("v", record_key);
          return inner.ok();
        }));
    PACTO_RETURN_IF_ERROR(inner);
    after.clear();
  }

  // People active twice in one chapter.
  const std::string multi_prefix = IndexPrefix(IndexKind::kMultiMembers, "");
  if (!full) {
    const std::string from = after.empty() ? "" : after.substr(1);
    PACTO_RETURN_IF_ERROR(view.Scan(
        db.indexes(), multi_prefix, from, [&](absl::string_view person, absl::string_view) {
          if (response.conflicts_size() >= page_size) {
            full = true;
            return false;
          }
          std::map<std::string, std::vector<std::string>> by_chapter;
          inner = view.Scan(db.indexes(), IndexPrefix(IndexKind::kMembersByPerson, person), "",
                            [&](absl::string_view membership, absl::string_view value) {
                              if (!value.empty() && value[0] == kActiveMark) {
                                by_chapter[std::string(value.substr(1))].emplace_back(membership);
                              }
                              return true;
                            });
          if (!inner.ok()) return false;
          int twice = 0;
          for (const auto& [chapter, memberships] : by_chapter) twice += memberships.size() >= 2;
          // A person's conflicts stay on one page: the token names the last person.
          if (twice > 0 && response.conflicts_size() > 0 &&
              response.conflicts_size() + twice > page_size) {
            full = true;
            return false;
          }
          for (const auto& [chapter, memberships] : by_chapter) {
            if (memberships.size() < 2) continue;
            v1::Conflict* conflict = response.add_conflicts();
            conflict->set_kind("active_twice_in_chapter");
            conflict->set_record_type("person");
            conflict->set_record_id(std::string(person));
            conflict->set_detail(absl::StrCat(memberships.size(), " active memberships in ",
                                              chapter, ": ", absl::StrJoin(memberships, ", "),
                                              "; end all but one"));
          }
          last = absl::StrCat("s", person);
          return true;
        }));
    PACTO_RETURN_IF_ERROR(inner);
  }
  if (full) response.set_next_page_token(tokens.Encode(query, last));
  return response;
}

}  // namespace pacto
