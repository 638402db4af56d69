// A federation as plain data: the live records the reports read, with nothing derived.
// The report tests compute every expected report from one of these
// (expected_reports.h): either the generator's own model of what it wrote
// (federation_generator.h), or a node's records read back (state_from_records.h).
//
// Ids are whatever the holder uses: the generator's keys ("C12", "M40") until
// Translate() maps them to the ids a node gave the records.
//
// A value type; thread-compatible.
#ifndef PACTO_TESTS_REPORTS_FEDERATION_STATE_H_
#define PACTO_TESTS_REPORTS_FEDERATION_STATE_H_

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace pacto {

struct RegionData {
  std::string code;
  std::string name;
  std::string level;   // country | department | province | municipality | community
  std::string parent;  // "" for the root
};

struct ChapterData {
  std::string id;
  std::string name;
  std::string level;  // sindicato ... pact
  std::string sector;
  std::string region;
  std::string status;  // active | inactive | dissolved
  std::string parent;  // the active affiliation's parent; "" when unaffiliated
};

struct PersonData {
  std::string id;
  std::string name;         // as stored (whitespace collapsed)
  std::string national_id;  // normalised; "" when none
  std::string birth_date;   // "" when not given
  // The name folded for duplicate matching (lower case, no accents, punctuation as
  // spaces). The generator knows it by construction; state_from_records.h folds.
  std::string match_key;
};

struct MembershipData {
  std::string id;
  std::string person;
  std::string chapter;
  std::string since;
  std::string status;  // active | ended | transferred
};

struct TermData {
  std::string id;
  std::string chapter;
  std::string person;
  std::string membership;
  std::string role;  // lower case
  std::string start;
  std::string end;  // "" while open-ended
};

struct FormationData {
  std::string id;
  std::string person;
  std::string membership;
  std::string chapter;
  std::string course;
  std::string date;
};

struct FederationState {
  std::map<std::string, RegionData> regions;  // by code
  std::map<std::string, ChapterData> chapters;
  std::map<std::string, PersonData> persons;
  std::map<std::string, MembershipData> memberships;  // live ones, whatever their status
  std::map<std::string, TermData> terms;
  std::map<std::string, FormationData> formation;
  // Membership id → the person its enroller sent, for memberships enrolled from
  // outside the person's scope (Membership.sent_person). Empty for a single writer.
  std::map<std::string, PersonData> sent_persons;
  // Records holding several concurrent versions: (record type noun, id). Empty for a
  // single writer.
  std::set<std::pair<std::string, std::string>> concurrent_versions;
};

// Generator key → node id, for chapters, persons, memberships, officer terms and
// formation records (regions keep their codes).
using IdMap = std::map<std::string, std::string>;

// A name folded for duplicate matching, written here independently of the node's own
// folding: ASCII letters and digits lower-cased, the accented Latin letters of UTF-8
// (U+00C0..U+00FF) reduced to their plain letter, anything else a word break.
std::string FoldName(const std::string& name);

// What differs between two states, one line per record (at most `limit` lines);
// empty when they are equal.
std::vector<std::string> Differences(const FederationState& a, const FederationState& b,
                                     size_t limit = 10);

// `state` with every key replaced by its id in `ids`. Keys without an entry are kept
// (and will then not match anything the node reports).
FederationState Translate(const FederationState& state, const IdMap& ids);

}  // namespace pacto

#endif  // PACTO_TESTS_REPORTS_FEDERATION_STATE_H_
