// Registry writes of what members do: officer terms and formation (political
// education) records.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/dates.h"
#include "node/domain/ids.h"
#include "node/domain/text.h"
#include "node/registry/lookups.h"
#include "node/registry/record_writer.h"
#include "node/registry/registry.h"

namespace pacto {
namespace {

constexpr size_t kMaxRoleChars = 60;

}  // namespace

void Registry::AppointOfficer(const v1::AppointOfficerRequest& req, const std::string& principal,
                              v1::OfficerTerm* out, Done done) {
  v1::OfficerTerm term;
  absl::Status valid = [&]() -> absl::Status {
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("chapter", req.chapter()));
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("member", req.member()));
    PACTO_ASSIGN_OR_RETURN(std::string role, CleanText("role", req.role(), kMaxRoleChars));
    term.set_role(absl::AsciiStrToLower(role));
    const absl::CivilDay today = Today(*clock_);
    if (!req.start_date().empty()) {
      PACTO_ASSIGN_OR_RETURN(absl::CivilDay start, ParseDate("start_date", req.start_date()));
      if (start > today + 366) {
        return absl::InvalidArgumentError("start_date: more than a year in the future");
      }
      term.set_start_date(FormatDate(start));
    }
    if (!req.end_date().empty()) {
      PACTO_ASSIGN_OR_RETURN(absl::CivilDay end, ParseDate("end_date", req.end_date()));
      term.set_end_date(FormatDate(end));
    }
    return absl::OkStatus();
  }();
  if (!valid.ok()) return done(valid);
  term.set_id(NewId(kOfficerPrefix));
  term.set_chapter_id(req.chapter());
  term.set_membership_id(req.member());

  Submit(
      [term, out](WriteContext& ctx) mutable -> absl::Status {
        PACTO_ASSIGN_OR_RETURN(
            v1::Chapter chapter,
            LoadLive<v1::Chapter>(ctx.txn(), v1::RECORD_TYPE_CHAPTER, term.chapter_id(), "chapter",
                                  Ref::kReferenced));
        PACTO_ASSIGN_OR_RETURN(
            v1::Membership m,
            LoadLive<v1::Membership>(ctx.txn(), v1::RECORD_TYPE_MEMBERSHIP, term.membership_id(),
                                     "member", Ref::kReferenced));
        if (m.status() != "active") {
          return absl::InvalidArgumentError(
              absl::StrCat("member: membership ", m.id(), " is ", m.status(), ", not active"));
        }
        // Officers of a body above the base are delegates of a chapter beneath it.
        PACTO_ASSIGN_OR_RETURN(bool within,
                               IsAncestorOrSelf(ctx.txn(), chapter.id(), m.chapter_id()));
        if (!within) {
          return absl::InvalidArgumentError(
              absl::StrCat("member: membership ", m.id(), " is in ", m.chapter_id(),
                           ", which is neither ", chapter.id(), " nor affiliated beneath it"));
        }
        if (term.start_date().empty()) term.set_start_date(FormatDate(ctx.today()));
        if (!term.end_date().empty() && term.end_date() < term.start_date()) {
          return absl::InvalidArgumentError("end_date: before start_date");
        }
        term.set_person_id(m.person_id());
        PACTO_RETURN_IF_ERROR(
            EmitPut(ctx, v1::RECORD_TYPE_OFFICER_TERM, term.id(), term, chapter.region()));
        *out = term;
        return absl::OkStatus();
      },
      principal, std::move(done));
}

void Registry::RecordFormation(const v1::RecordFormationRequest& req, const std::string& principal,
                               v1::FormationRecord* out, Done done) {
  v1::FormationRecord record;
  absl::Status valid = [&]() -> absl::Status {
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("member", req.member()));
    PACTO_ASSIGN_OR_RETURN(*record.mutable_course(), CleanText("course", req.course()));
    if (req.date().empty()) return absl::InvalidArgumentError("date: must not be empty");
    PACTO_ASSIGN_OR_RETURN(absl::CivilDay day, ParsePastDate("date", req.date(), Today(*clock_)));
    record.set_date(FormatDate(day));
    return absl::OkStatus();
  }();
  if (!valid.ok()) return done(valid);
  record.set_id(NewId(kFormationPrefix));
  record.set_membership_id(req.member());

  Submit(
      [record, out](WriteContext& ctx) mutable -> absl::Status {
        PACTO_ASSIGN_OR_RETURN(
            v1::Membership m,
            LoadLive<v1::Membership>(ctx.txn(), v1::RECORD_TYPE_MEMBERSHIP, record.membership_id(),
                                     "member", Ref::kReferenced));
        v1::Chapter chapter;
        PACTO_RETURN_IF_ERROR(
            ReadLive(ctx.txn(), v1::RECORD_TYPE_CHAPTER, m.chapter_id(), &chapter).status());
        record.set_person_id(m.person_id());
        record.set_chapter_id(m.chapter_id());
        PACTO_RETURN_IF_ERROR(
            EmitPut(ctx, v1::RECORD_TYPE_FORMATION, record.id(), record, chapter.region()));
        *out = record;
        return absl::OkStatus();
      },
      principal, std::move(done));
}

}  // namespace pacto
