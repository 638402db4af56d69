// Registry reads. Each runs against one snapshot, so a list never mixes two moments.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/dates.h"
#include "node/domain/ids.h"
#include "node/domain/levels.h"
#include "node/registry/lookups.h"
#include "node/registry/pagination.h"
#include "node/registry/person_scope.h"
#include "node/registry/registry.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"

namespace pacto {
namespace {

template <typename T>
absl::StatusOr<T> Load(const ReadView& view, v1::RecordType type, const std::string& id,
                       absl::string_view field) {
  PACTO_RETURN_IF_ERROR(ValidateIdSyntax(field, id));
  T record;
  PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(view, type, id, &record));
  if (!live) return MissingRecord(type, field, id, Ref::kAddressed);
  return record;
}

absl::Status FillParent(const ReadView& view, v1::Chapter* chapter) {
  v1::Affiliation affiliation;
  PACTO_ASSIGN_OR_RETURN(bool live,
                         ReadLive(view, v1::RECORD_TYPE_AFFILIATION, chapter->id(), &affiliation));
  if (live && affiliation.status() == "active") chapter->set_parent(affiliation.parent());
  return absl::OkStatus();
}

// Runs a paginated scan of `req` (a list request: page_size, page_token): `visit(suffix,
// value)` returns whether it produced an item. Sets *next_token when more items may
// follow; the token is bound to `req`'s query and `prefix` (pagination.h).
template <typename Request>
absl::Status Paginate(
    const ReadView& view, rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
    const Request& req, std::string* next_token,
    const std::function<absl::StatusOr<bool>(absl::string_view, absl::string_view)>& visit) {
  PACTO_ASSIGN_OR_RETURN(int page_size, PageSize(req.page_size()));
  PACTO_ASSIGN_OR_RETURN(const PageTokens tokens, PageTokens::ForDatabase(view.db()));
  const std::string query = PageQuery(req, prefix);
  std::string after;
  if (!req.page_token().empty()) {
    PACTO_ASSIGN_OR_RETURN(after, tokens.Decode(query, req.page_token()));
  }
  int produced = 0;
  std::string last;
  return view.ScanChecked(
      cf, prefix, after,
      [&](absl::string_view suffix, absl::string_view value) -> absl::StatusOr<bool> {
        if (produced == page_size) {
          // One more item exists beyond the page only if this one would be produced; a
          // token that turns out to lead to an empty page is harmless.
          *next_token = tokens.Encode(query, last);
          return false;
        }
        PACTO_ASSIGN_OR_RETURN(bool made, visit(suffix, value));
        if (made) {
          ++produced;
          last = std::string(suffix);
        }
        return true;
      });
}

}  // namespace

absl::StatusOr<v1::Region> Registry::GetRegion(const v1::GetRegionRequest& req) const {
  ReadView view(db_);
  return Load<v1::Region>(view, v1::RECORD_TYPE_REGION,
                          absl::AsciiStrToUpper(absl::StripAsciiWhitespace(req.code())), "code");
}

absl::StatusOr<v1::ListRegionsResponse> Registry::ListRegions(
    const v1::ListRegionsRequest& req) const {
  ReadView view(db_);
  v1::ListRegionsResponse response;
  PACTO_RETURN_IF_ERROR(
      Paginate(view, db_->records(), RecordTypePrefix(v1::RECORD_TYPE_REGION), req,
               response.mutable_next_page_token(),
               [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                 v1::Region region;
                 PACTO_ASSIGN_OR_RETURN(bool live, DecodeStoredWinner(value, &region));
                 if (live) *response.add_regions() = std::move(region);
                 return live;
               }));
  return response;
}

absl::StatusOr<v1::Chapter> Registry::GetChapter(const v1::GetChapterRequest& req) const {
  ReadView view(db_);
  PACTO_ASSIGN_OR_RETURN(v1::Chapter chapter,
                         Load<v1::Chapter>(view, v1::RECORD_TYPE_CHAPTER, req.id(), "id"));
  PACTO_RETURN_IF_ERROR(FillParent(view, &chapter));
  return chapter;
}

absl::StatusOr<v1::ListChaptersResponse> Registry::ListChapters(
    const v1::ListChaptersRequest& req) const {
  std::string level;
  if (!req.level().empty()) {
    PACTO_ASSIGN_OR_RETURN(level, ParseWord("level", req.level(), ChapterLevels()));
  }
  const std::string region = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(req.region()));
  ReadView view(db_);
  v1::ListChaptersResponse response;
  auto add = [&](const std::string& id) -> absl::StatusOr<bool> {
    v1::Chapter chapter;
    PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(view, v1::RECORD_TYPE_CHAPTER, id, &chapter));
    if (!live || (!level.empty() && chapter.level() != level)) return false;
    PACTO_RETURN_IF_ERROR(FillParent(view, &chapter));
    *response.add_chapters() = std::move(chapter);
    return true;
  };
  if (!region.empty()) {
    PACTO_RETURN_IF_ERROR(
        Load<v1::Region>(view, v1::RECORD_TYPE_REGION, region, "region").status());
    PACTO_RETURN_IF_ERROR(
        Paginate(view, db_->indexes(), IndexPrefix(IndexKind::kChaptersByRegion, region), req,
                 response.mutable_next_page_token(),
                 [&](absl::string_view id, absl::string_view) { return add(std::string(id)); }));
  } else {
    PACTO_RETURN_IF_ERROR(
        Paginate(view, db_->records(), RecordTypePrefix(v1::RECORD_TYPE_CHAPTER), req,
                 response.mutable_next_page_token(),
                 [&](absl::string_view id, absl::string_view) { return add(std::string(id)); }));
  }
  return response;
}

absl::StatusOr<v1::Affiliation> Registry::GetAffiliation(
    const v1::GetAffiliationRequest& req) const {
  ReadView view(db_);
  PACTO_RETURN_IF_ERROR(
      Load<v1::Chapter>(view, v1::RECORD_TYPE_CHAPTER, req.child(), "child").status());
  v1::Affiliation affiliation;
  PACTO_ASSIGN_OR_RETURN(bool live,
                         ReadLive(view, v1::RECORD_TYPE_AFFILIATION, req.child(), &affiliation));
  if (!live) {
    affiliation.set_child(req.child());
    affiliation.set_status("none");
  }
  return affiliation;
}

absl::StatusOr<v1::Membership> Registry::GetMember(const v1::GetMemberRequest& req,
                                                   const Caller& caller) const {
  ReadView view(db_);
  PACTO_ASSIGN_OR_RETURN(v1::Membership m,
                         Load<v1::Membership>(view, v1::RECORD_TYPE_MEMBERSHIP, req.id(), "id"));
  ScopeCheck scope(caller);
  PACTO_RETURN_IF_ERROR(scope.FillPerson(view, &m));
  return m;
}

absl::StatusOr<v1::ListMembersResponse> Registry::ListMembers(const v1::ListMembersRequest& req,
                                                              const Caller& caller) const {
  ReadView view(db_);
  ScopeCheck scope(caller);
  PACTO_RETURN_IF_ERROR(
      Load<v1::Chapter>(view, v1::RECORD_TYPE_CHAPTER, req.chapter(), "chapter").status());
  v1::ListMembersResponse response;
  PACTO_RETURN_IF_ERROR(
      Paginate(view, db_->indexes(), IndexPrefix(IndexKind::kMembersByChapter, req.chapter()), req,
               response.mutable_next_page_token(),
               [&](absl::string_view id, absl::string_view mark) -> absl::StatusOr<bool> {
                 if (!req.include_ended() && (mark.empty() || mark[0] != kActiveMark)) return false;
                 v1::Membership m;
                 PACTO_ASSIGN_OR_RETURN(
                     bool live, ReadLive(view, v1::RECORD_TYPE_MEMBERSHIP, std::string(id), &m));
                 if (!live) return false;
                 PACTO_RETURN_IF_ERROR(scope.FillPerson(view, &m));
                 *response.add_members() = std::move(m);
                 return true;
               }));
  return response;
}

absl::StatusOr<v1::ListOfficersResponse> Registry::ListOfficers(const v1::ListOfficersRequest& req,
                                                                const Caller& caller) const {
  ReadView view(db_);
  ScopeCheck scope(caller);
  PACTO_RETURN_IF_ERROR(
      Load<v1::Chapter>(view, v1::RECORD_TYPE_CHAPTER, req.chapter(), "chapter").status());
  const std::string today = FormatDate(Today(*clock_));
  v1::ListOfficersResponse response;
  PACTO_RETURN_IF_ERROR(view.ScanChecked(
      db_->indexes(), IndexPrefix(IndexKind::kOfficersByChapter, req.chapter()), "",
      [&](absl::string_view id, absl::string_view) -> absl::StatusOr<bool> {
        v1::OfficerTerm term;
        PACTO_ASSIGN_OR_RETURN(
            bool live, ReadLive(view, v1::RECORD_TYPE_OFFICER_TERM, std::string(id), &term));
        const bool current =
            term.start_date() <= today && (term.end_date().empty() || term.end_date() >= today);
        if (!live || (req.current_only() && !current)) return true;
        PACTO_ASSIGN_OR_RETURN(bool covered, scope.CoversChapter(view, term.chapter_id()));
        if (covered) *response.add_terms() = std::move(term);
        return true;
      }));
  return response;
}

absl::StatusOr<v1::ListFormationResponse> Registry::ListFormation(
    const v1::ListFormationRequest& req, const Caller& caller) const {
  ReadView view(db_);
  ScopeCheck scope(caller);
  PACTO_ASSIGN_OR_RETURN(v1::Membership m, Load<v1::Membership>(view, v1::RECORD_TYPE_MEMBERSHIP,
                                                                req.member(), "member"));
  v1::ListFormationResponse response;
  PACTO_RETURN_IF_ERROR(view.ScanChecked(
      db_->indexes(), IndexPrefix(IndexKind::kFormationByPerson, m.person_id()), "",
      [&](absl::string_view id, absl::string_view) -> absl::StatusOr<bool> {
        v1::FormationRecord record;
        PACTO_ASSIGN_OR_RETURN(bool live,
                               ReadLive(view, v1::RECORD_TYPE_FORMATION, std::string(id), &record));
        if (!live) return true;
        // The person's formation in other regions' chapters is theirs.
        PACTO_ASSIGN_OR_RETURN(bool covered, scope.CoversChapter(view, record.chapter_id()));
        if (covered) *response.add_records() = std::move(record);
        return true;
      }));
  return response;
}

}  // namespace pacto
