#include "node/registry/enrolment.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/dates.h"
#include "node/domain/ids.h"
#include "node/domain/text.h"
#include "node/registry/lookups.h"
#include "node/registry/record_writer.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"

namespace pacto {

inline constexpr int kEarliestBirthYear = 1900;

absl::StatusOr<Enrolment> ValidateEnrolment(absl::string_view chapter, absl::string_view name,
                                            absl::string_view national_id,
                                            absl::string_view birth_date, absl::string_view since,
                                            absl::CivilDay today, const FederationKey& key) {
  Enrolment e;
  PACTO_RETURN_IF_ERROR(ValidateIdSyntax("chapter", chapter));
  e.chapter = std::string(chapter);
  PACTO_ASSIGN_OR_RETURN(e.name, CleanText("name", name));
  if (!national_id.empty()) {
    PACTO_ASSIGN_OR_RETURN(e.national_id, NormalizeNationalId(national_id));
    e.person_id = key.PersonId(e.national_id);
  }
  if (!birth_date.empty()) {
    PACTO_ASSIGN_OR_RETURN(absl::CivilDay day, ParsePastDate("birth_date", birth_date, today));
    if (day.year() < kEarliestBirthYear) {
      return absl::InvalidArgumentError(absl::StrCat("birth_date: before ", kEarliestBirthYear));
    }
    e.birth_date = FormatDate(day);
  }
  if (!since.empty()) {
    PACTO_ASSIGN_OR_RETURN(absl::CivilDay day, ParsePastDate("since", since, today));
    e.since = FormatDate(day);
  }
  return e;
}

absl::StatusOr<std::string> ActiveMembershipIn(WriteTxn& txn, const std::string& person,
                                               const std::string& chapter) {
  const std::string prefix = IndexPrefix(IndexKind::kMembersByPerson, person);
  std::string found;
  PACTO_RETURN_IF_ERROR(txn.Scan(
      txn.database()->indexes(), prefix, [&](absl::string_view key, absl::string_view value) {
        if (!value.empty() && value[0] == kActiveMark && value.substr(1) == chapter) {
          found = std::string(IndexMember(key, prefix));
          return false;
        }
        return true;
      }));
  return found;
}

absl::Status ApplyEnrolment(WriteContext& ctx, const Enrolment& e, ScopeCheck& scope,
                            v1::Membership* out) {
  if (!e.membership_id.empty()) {
    v1::RecordState state;
    PACTO_ASSIGN_OR_RETURN(
        bool found, ReadState(ctx.txn(), v1::RECORD_TYPE_MEMBERSHIP, e.membership_id, &state));
    if (found) {
      v1::Membership existing;
      PACTO_ASSIGN_OR_RETURN(bool live, DecodeWinner(state, &existing));
      return absl::AlreadyExistsError(
          live ? absl::StrCat("membership_id: membership ", e.membership_id, " already exists")
               : absl::StrCat("membership_id: membership ", e.membership_id,
                              " was removed; it is not imported again"));
    }
  }
  PACTO_ASSIGN_OR_RETURN(StructureCache::ChapterInfo chapter,
                         ctx.applier().ChapterInfo(ctx.txn(), e.chapter));
  if (!chapter.live)
    return MissingRecord(v1::RECORD_TYPE_CHAPTER, "chapter", e.chapter, Ref::kReferenced);
  v1::Person sent;
  sent.set_id(e.person_id.empty() ? NewId(kPersonPrefix) : e.person_id);
  sent.set_national_id(e.national_id);
  sent.set_name(e.name);
  sent.set_birth_date(e.birth_date);

  v1::Person person;
  bool known = false;
  if (!e.person_id.empty()) {
    PACTO_ASSIGN_OR_RETURN(known,
                           ReadLive(ctx.txn(), v1::RECORD_TYPE_PERSON, e.person_id, &person));
  }
  // Whether the caller may change the stored person (person_scope.h).
  bool changes_person = true;
  if (known) {
    PACTO_ASSIGN_OR_RETURN(std::string existing,
                           ActiveMembershipIn(ctx.txn(), person.id(), e.chapter));
    if (!existing.empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("national_id: this person is already an active member of ", e.chapter, " (",
                       existing, ")"));
    }
    PACTO_ASSIGN_OR_RETURN(std::vector<PersonMembership> memberships,
                           MembershipsOfPerson(ctx.txn(), person.id()));
    if (memberships.empty()) {
      person = sent;  // nobody's record any more: as new
    } else {
      PACTO_ASSIGN_OR_RETURN(bool covers_all, scope.CoversAll(ctx.txn(), memberships));
      bool sees = false;
      if (covers_all) {
        PACTO_ASSIGN_OR_RETURN(sees, scope.SeesPerson(ctx.txn(), memberships));
      }
      changes_person = covers_all && sees;
    }
  } else {
    person = sent;
  }
  if (known && changes_person) {
    person.set_name(e.name);
    if (!e.birth_date.empty()) person.set_birth_date(e.birth_date);
  }

  v1::Membership membership;
  membership.set_id(e.membership_id.empty() ? NewId(kMembershipPrefix) : e.membership_id);
  membership.set_person_id(person.id());
  membership.set_chapter_id(e.chapter);
  membership.set_since(e.since.empty() ? FormatDate(ctx.today()) : e.since);
  membership.set_status("active");
  if (!changes_person) *membership.mutable_sent_person() = sent;

  // The person is written with every enrolment, even unchanged: if another region
  // erases them concurrently, this version survives the erasure (record_state.h) and
  // the new membership keeps its person.
  PACTO_RETURN_IF_ERROR(EmitPut(ctx, v1::RECORD_TYPE_PERSON, person.id(), person, chapter.region));
  PACTO_RETURN_IF_ERROR(
      EmitPut(ctx, v1::RECORD_TYPE_MEMBERSHIP, membership.id(), membership, chapter.region));
  *out = std::move(membership);
  // What the caller sent, and no sign of whether anything differs.
  out->clear_sent_person();
  *out->mutable_person() = changes_person ? std::move(person) : std::move(sent);
  return absl::OkStatus();
}

}  // namespace pacto
