#include "tests/reports/state_from_records.h"

#include "absl/strings/str_cat.h"
#include "node/store/keys.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "pacto/v1/model.pb.h"

namespace pacto {
namespace {

// The conflicts report's word for each record type.
const char* Noun(v1::RecordType type) {
  switch (type) {
    case v1::RECORD_TYPE_REGION:
      return "region";
    case v1::RECORD_TYPE_CHAPTER:
      return "chapter";
    case v1::RECORD_TYPE_AFFILIATION:
      return "affiliation";
    case v1::RECORD_TYPE_PERSON:
      return "person";
    case v1::RECORD_TYPE_MEMBERSHIP:
      return "membership";
    case v1::RECORD_TYPE_OFFICER_TERM:
      return "officer term";
    case v1::RECORD_TYPE_FORMATION:
      return "formation record";
    default:
      return "record";
  }
}

absl::Status Add(v1::RecordType type, const std::string& id, const v1::RecordState& state,
                 FederationState* out, std::map<std::string, std::string>* parents) {
  if (state.versions_size() > 1) out->concurrent_versions.emplace(Noun(type), id);
  switch (type) {
    case v1::RECORD_TYPE_REGION: {
      v1::Region r;
      absl::StatusOr<bool> live = DecodeWinner(state, &r);
      if (!live.ok() || !*live) return live.status();
      out->regions[id] = RegionData{r.code(), r.name(), r.level(), r.parent()};
      return absl::OkStatus();
    }
    case v1::RECORD_TYPE_CHAPTER: {
      v1::Chapter c;
      absl::StatusOr<bool> live = DecodeWinner(state, &c);
      if (!live.ok() || !*live) return live.status();
      out->chapters[id] =
          ChapterData{id, c.name(), c.level(), c.sector(), c.region(), c.status(), ""};
      return absl::OkStatus();
    }
    case v1::RECORD_TYPE_AFFILIATION: {
      v1::Affiliation a;
      absl::StatusOr<bool> live = DecodeWinner(state, &a);
      if (!live.ok() || !*live) return live.status();
      if (a.status() == "active" && a.parent() != id) (*parents)[id] = a.parent();
      return absl::OkStatus();
    }
    case v1::RECORD_TYPE_PERSON: {
      v1::Person p;
      absl::StatusOr<bool> live = DecodeWinner(state, &p);
      if (!live.ok() || !*live) return live.status();
      out->persons[id] =
          PersonData{id, p.name(), p.national_id(), p.birth_date(), FoldName(p.name())};
      return absl::OkStatus();
    }
    case v1::RECORD_TYPE_MEMBERSHIP: {
      v1::Membership m;
      absl::StatusOr<bool> live = DecodeWinner(state, &m);
      if (!live.ok() || !*live) return live.status();
      out->memberships[id] =
          MembershipData{id, m.person_id(), m.chapter_id(), m.since(), m.status()};
      if (m.has_sent_person()) {
        const v1::Person& p = m.sent_person();
        out->sent_persons[id] =
            PersonData{p.id(), p.name(), p.national_id(), p.birth_date(), FoldName(p.name())};
      }
      return absl::OkStatus();
    }
    case v1::RECORD_TYPE_OFFICER_TERM: {
      v1::OfficerTerm t;
      absl::StatusOr<bool> live = DecodeWinner(state, &t);
      if (!live.ok() || !*live) return live.status();
      out->terms[id] = TermData{id,       t.chapter_id(), t.person_id(), t.membership_id(),
                                t.role(), t.start_date(), t.end_date()};
      return absl::OkStatus();
    }
    case v1::RECORD_TYPE_FORMATION: {
      v1::FormationRecord f;
      absl::StatusOr<bool> live = DecodeWinner(state, &f);
      if (!live.ok() || !*live) return live.status();
      out->formation[id] =
          FormationData{id, f.person_id(), f.membership_id(), f.chapter_id(), f.course(), f.date()};
      return absl::OkStatus();
    }
    case v1::RECORD_TYPE_TOKEN_REVOCATION:
      return absl::OkStatus();  // no report counts revocations
    default:
      return absl::DataLossError(absl::StrCat("unknown record type ", type));
  }
}

}  // namespace

absl::StatusOr<FederationState> StateFromRecords(const Database& db) {
  FederationState out;
  std::map<std::string, std::string> parents;
  ReadView view(&db);
  absl::Status bad;
  absl::Status scanned =
      view.Scan(db.records(), "", "", [&](absl::string_view key, absl::string_view value) {
        v1::RecordType type;
        std::string id;
        v1::RecordState state;
        if (!ParseRecordKey(key, &type, &id) ||
            !state.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          bad = absl::DataLossError(absl::StrCat("malformed record ", key));
          return false;
        }
        bad = Add(type, id, state, &out, &parents);
        return bad.ok();
      });
  if (!scanned.ok()) return scanned;
  if (!bad.ok()) return bad;
  // An affiliation counts only between live chapters.
  for (const auto& [child, parent] : parents) {
    auto c = out.chapters.find(child);
    if (c != out.chapters.end() && out.chapters.count(parent) > 0) c->second.parent = parent;
  }
  return out;
}

}  // namespace pacto
