// Registry writes of memberships: enrol, transfer, end, erase, and CSV import.
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/dates.h"
#include "node/domain/ids.h"
#include "node/registry/enrolment.h"
#include "node/registry/lookups.h"
#include "node/registry/record_writer.h"
#include "node/registry/registry.h"
#include "node/store/keys.h"

namespace pacto {
namespace {

absl::StatusOr<std::string> OptionalPastDate(absl::string_view field, absl::string_view raw,
                                             absl::CivilDay today) {
  if (raw.empty()) return std::string();
  PACTO_ASSIGN_OR_RETURN(absl::CivilDay day, ParsePastDate(field, raw, today));
  return FormatDate(day);
}

absl::StatusOr<v1::Membership> LoadActiveMembership(WriteTxn& txn, const std::string& id) {
  PACTO_ASSIGN_OR_RETURN(v1::Membership m, LoadLive<v1::Membership>(txn, v1::RECORD_TYPE_MEMBERSHIP,
                                                                    id, "id", Ref::kAddressed));
  if (m.status() != "active") {
    return absl::FailedPreconditionError(
        absl::StrCat("id: membership ", id, " is ", m.status(), ", not active"));
  }
  return m;
}

absl::StatusOr<std::string> HomeRegionOf(WriteTxn& txn, const std::string& chapter_id) {
  v1::Chapter chapter;
  PACTO_ASSIGN_OR_RETURN(bool live, ReadLive(txn, v1::RECORD_TYPE_CHAPTER, chapter_id, &chapter));
  return live ? chapter.region() : std::string();
}

// Ids listed under `owner` in an index, read through the txn.
absl::StatusOr<std::vector<std::string>> IndexMembers(WriteTxn& txn, IndexKind kind,
                                                      const std::string& owner) {
  std::vector<std::string> ids;
  const std::string prefix = IndexPrefix(kind, owner);
  PACTO_RETURN_IF_ERROR(
      txn.Scan(txn.database()->indexes(), prefix, [&](absl::string_view key, absl::string_view) {
        ids.emplace_back(IndexMember(key, prefix));
        return true;
      }));
  return ids;
}

}  // namespace

void Registry::EnrolMember(const v1::EnrolMemberRequest& req, const Caller& caller,
                           v1::Membership* out, Done done) {
  absl::StatusOr<Enrolment> enrolment =
      ValidateEnrolment(req.chapter(), req.name(), req.national_id(), req.birth_date(), req.since(),
                        Today(*clock_), key_);
  if (!enrolment.ok()) return done(enrolment.status());
  Submit(
      [e = *std::move(enrolment), caller, out](WriteContext& ctx) {
        ScopeCheck scope(caller);
        return ApplyEnrolment(ctx, e, scope, out);
      },
      caller.principal, std::move(done));
}

void Registry::TransferMember(const v1::TransferMemberRequest& req, const Caller& caller,
                              v1::Membership* out, Done done) {
  std::string date;
  absl::Status valid = [&]() -> absl::Status {
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("id", req.id()));
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("to_chapter", req.to_chapter()));
    PACTO_ASSIGN_OR_RETURN(date, OptionalPastDate("date", req.date(), Today(*clock_)));
    return absl::OkStatus();
  }();
  if (!valid.ok()) return done(valid);

  Submit(
      [id = req.id(), to = req.to_chapter(), date, caller, out](WriteContext& ctx) -> absl::Status {
        PACTO_ASSIGN_OR_RETURN(v1::Membership old, LoadActiveMembership(ctx.txn(), id));
        PACTO_ASSIGN_OR_RETURN(v1::Chapter target,
                               LoadLive<v1::Chapter>(ctx.txn(), v1::RECORD_TYPE_CHAPTER, to,
                                                     "to_chapter", Ref::kReferenced));
        if (old.chapter_id() == to) {
          return absl::InvalidArgumentError(
              absl::StrCat("to_chapter: membership ", id, " is already in ", to));
        }
        PACTO_ASSIGN_OR_RETURN(std::string existing,
                               ActiveMembershipIn(ctx.txn(), old.person_id(), to));
        if (!existing.empty()) {
          return absl::AlreadyExistsError(absl::StrCat(
              "to_chapter: the person is already an active member of ", to, " (", existing, ")"));
        }
        const std::string day = date.empty() ? FormatDate(ctx.today()) : date;
        if (day < old.since()) {
          return absl::InvalidArgumentError("date: before the membership began");
        }
        PACTO_ASSIGN_OR_RETURN(std::string old_home, HomeRegionOf(ctx.txn(), old.chapter_id()));
        PACTO_ASSIGN_OR_RETURN(v1::Person person,
                               LoadLive<v1::Person>(ctx.txn(), v1::RECORD_TYPE_PERSON,
                                                    old.person_id(), "id", Ref::kAddressed));

        v1::Membership moved;
        moved.set_id(NewId(kMembershipPrefix));
        moved.set_person_id(old.person_id());
        moved.set_chapter_id(to);
        moved.set_since(day);
        moved.set_status("active");
        moved.set_transferred_from(id);
        // What the enroller sent stays with the membership, and with it who may see
        // the person record (person_scope.h).
        if (old.has_sent_person()) *moved.mutable_sent_person() = old.sent_person();
        old.set_status("transferred");
        old.set_until(day);
        old.set_transferred_to(moved.id());

        PACTO_RETURN_IF_ERROR(EmitPut(ctx, v1::RECORD_TYPE_MEMBERSHIP, id, old, old_home));
        // Rewritten unchanged so it survives a concurrent erasure elsewhere (enrolment.h).
        PACTO_RETURN_IF_ERROR(
            EmitPut(ctx, v1::RECORD_TYPE_PERSON, person.id(), person, target.region()));
        PACTO_RETURN_IF_ERROR(
            EmitPut(ctx, v1::RECORD_TYPE_MEMBERSHIP, moved.id(), moved, target.region()));
        *out = moved;
        ScopeCheck scope(caller);
        return scope.FillPerson(ctx.txn(), out);
      },
      caller.principal, std::move(done));
}

void Registry::EndMembership(const v1::EndMembershipRequest& req, const std::string& principal,
                             v1::Membership* out, Done done) {
  std::string date;
  absl::Status valid = [&]() -> absl::Status {
    PACTO_RETURN_IF_ERROR(ValidateIdSyntax("id", req.id()));
    PACTO_ASSIGN_OR_RETURN(date, OptionalPastDate("date", req.date(), Today(*clock_)));
    return absl::OkStatus();
  }();
  if (!valid.ok()) return done(valid);

  Submit(
      [id = req.id(), date, out](WriteContext& ctx) -> absl::Status {
        PACTO_ASSIGN_OR_RETURN(v1::Membership m, LoadActiveMembership(ctx.txn(), id));
        const std::string day = date.empty() ? FormatDate(ctx.today()) : date;
        if (day < m.since()) {
          return absl::InvalidArgumentError("date: before the membership began");
        }
        PACTO_ASSIGN_OR_RETURN(std::string home, HomeRegionOf(ctx.txn(), m.chapter_id()));
        m.set_status("ended");
        m.set_until(day);
        PACTO_RETURN_IF_ERROR(EmitPut(ctx, v1::RECORD_TYPE_MEMBERSHIP, id, m, home));
        *out = m;
        return absl::OkStatus();
      },
      principal, std::move(done));
}

void Registry::RemoveMember(const v1::RemoveMemberRequest& req, const std::string& principal,
                            v1::RemoveMemberResponse* out, Done done) {
  absl::Status valid = ValidateIdSyntax("id", req.id());
  if (!valid.ok()) return done(valid);

  Submit(
      [id = req.id(), out](WriteContext& ctx) -> absl::Status {
        WriteTxn& txn = ctx.txn();
        PACTO_ASSIGN_OR_RETURN(
            v1::Membership m,
            LoadLive<v1::Membership>(txn, v1::RECORD_TYPE_MEMBERSHIP, id, "id", Ref::kAddressed));
        PACTO_ASSIGN_OR_RETURN(std::string home, HomeRegionOf(txn, m.chapter_id()));
        PACTO_ASSIGN_OR_RETURN(std::vector<std::string> memberships,
                               IndexMembers(txn, IndexKind::kMembersByPerson, m.person_id()));
        const bool last = memberships.size() <= 1;
        // When the last membership owning the person's record goes and only memberships
        // enrolled from outside remain (person_scope.h), the record becomes what one of
        // them sent: the erased member's name and birth date do not stay behind.
        std::optional<v1::Person> successor;
        if (!last && !m.has_sent_person()) {
          bool owner_left = false;
          for (const std::string& other_id : memberships) {
            if (other_id == id) continue;
            v1::Membership other;
            PACTO_ASSIGN_OR_RETURN(bool live,
                                   ReadLive(txn, v1::RECORD_TYPE_MEMBERSHIP, other_id, &other));
            if (!live) continue;
            if (!other.has_sent_person()) {
              owner_left = true;
              break;
            }
            if (!successor.has_value()) successor = other.sent_person();
          }
          if (owner_left) successor.reset();
          if (successor.has_value()) successor->set_id(m.person_id());
        }

        // Everything is read before the first op is emitted.
        std::vector<std::string> terms_to_erase;
        PACTO_ASSIGN_OR_RETURN(std::vector<std::string> terms,
                               IndexMembers(txn, IndexKind::kOfficersByPerson, m.person_id()));
        for (const std::string& term_id : terms) {
          v1::OfficerTerm term;
          PACTO_ASSIGN_OR_RETURN(bool live,
                                 ReadLive(txn, v1::RECORD_TYPE_OFFICER_TERM, term_id, &term));
          if (live && (last || term.membership_id() == id)) terms_to_erase.push_back(term_id);
        }
        std::vector<std::string> formation;
        if (last) {
          PACTO_ASSIGN_OR_RETURN(formation,
                                 IndexMembers(txn, IndexKind::kFormationByPerson, m.person_id()));
        }

        PACTO_RETURN_IF_ERROR(EmitErase(ctx, v1::RECORD_TYPE_MEMBERSHIP, id, home));
        for (const std::string& term_id : terms_to_erase) {
          PACTO_RETURN_IF_ERROR(EmitErase(ctx, v1::RECORD_TYPE_OFFICER_TERM, term_id, home));
        }
        for (const std::string& record_id : formation) {
          PACTO_RETURN_IF_ERROR(EmitErase(ctx, v1::RECORD_TYPE_FORMATION, record_id, home));
        }
        if (last) {
          PACTO_RETURN_IF_ERROR(EmitErase(ctx, v1::RECORD_TYPE_PERSON, m.person_id(), home));
        } else if (successor.has_value()) {
          PACTO_RETURN_IF_ERROR(
              EmitPut(ctx, v1::RECORD_TYPE_PERSON, m.person_id(), *successor, home));
        }
        out->set_membership_id(id);
        out->set_person_erased(last);
        out->set_officer_terms_erased(static_cast<uint32_t>(terms_to_erase.size()));
        out->set_formation_records_erased(static_cast<uint32_t>(formation.size()));
        return absl::OkStatus();
      },
      principal, std::move(done));
}

void Registry::ImportRows(std::vector<v1::ImportRow> rows, const Caller& caller,
                          v1::ImportMembersResponse* out, Done done) {
  // Forms are checked here, on the caller's thread, so the pipeline only does what
  // needs the registry's state.
  struct Row {
    uint64_t line;
    Enrolment enrolment;
  };
  std::vector<Row> valid;
  valid.reserve(rows.size());
  const absl::CivilDay today = Today(*clock_);
  for (const v1::ImportRow& row : rows) {
    absl::StatusOr<Enrolment> e = ValidateEnrolment(row.chapter(), row.name(), row.national_id(),
                                                    row.birth_date(), row.since(), today, key_);
    if (e.ok() && !row.membership_id().empty()) {
      absl::Status id = ValidateIdSyntax("membership_id", row.membership_id());
      if (id.ok()) {
        e->membership_id = row.membership_id();
      } else {
        e = id;
      }
    }
    if (e.ok()) {
      valid.push_back(Row{row.line(), *std::move(e)});
      continue;
    }
    v1::RowError* error = out->add_errors();
    error->set_line(row.line());
    error->set_code(absl::StatusCodeToString(e.status().code()));
    error->set_message(std::string(e.status().message()));
  }
  out->set_rejected(out->errors_size());
  if (valid.empty()) return done(absl::OkStatus());

  const size_t row_count = valid.size();
  Submit(
      [valid = std::move(valid), caller, out](WriteContext& ctx) -> absl::Status {
        ScopeCheck scope(caller);
        for (const Row& row : valid) {
          v1::Membership membership;
          const size_t ops_before = ctx.applier().open_ops();
          absl::Status s = ApplyEnrolment(ctx, row.enrolment, scope, &membership);
          // A row refused after it began writing cannot be skipped: fail the batch.
          if (!s.ok() && ctx.applier().open_ops() != ops_before) return s;
          if (s.ok()) {
            out->set_accepted(out->accepted() + 1);
            continue;
          }
          v1::RowError* error = out->add_errors();
          error->set_line(row.line);
          error->set_code(absl::StatusCodeToString(s.code()));
          error->set_message(std::string(s.message()));
          out->set_rejected(out->rejected() + 1);
        }
        return absl::OkStatus();
      },
      caller.principal, std::move(done), row_count);
}

}  // namespace pacto
