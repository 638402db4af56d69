// A seeded generator of a random federation, as plain data: no node involved.
//
// It writes a plan — registry writes in phases — and keeps its own model of what each
// write does (FederationState, federation_state.h), so the expected reports can be
// recounted from the generator's data alone and compared with what a node computed
// after the plan went through its Registry (federation_feeder.h).
//
// What a federation holds, all drawn from the seed:
//   - a region tree: country → departments → provinces → municipalities → communities;
//   - thousands of chapters: pacts, confederations, federations, centrals, subcentrals
//     and sindicatos, affiliated upward with levels sometimes skipped (a sindicato
//     straight to a central), chains six deep, and some chains deliberately broken:
//     confederations, federations and centrals never affiliated, or disaffiliated
//     after their members enrolled (some then re-affiliated elsewhere); renamed,
//     inactive and dissolved chapters, and sector changes;
//   - people with and without a national id (raw ids typed with dots, hyphens and
//     lower case), with and without a birth date; groups of people without a national
//     id who share a name (typed with accent, case, hyphen and spacing variants) and a
//     birth date, beside near misses (same name, other date; same name, no date);
//   - people in two or three chapters, some of them under two confederations;
//   - ended, transferred and erased memberships (an erasure of a person's last
//     membership erases them, their officer terms and formation records), and people
//     erased then enrolled again;
//   - formation records for people of all ages (birthdays exactly on the age limit
//     included), and officer terms current, ended, open-ended, not yet begun and
//     ending today, in some chapters none at all.
//
// Within one phase no write depends on another (a feeder may submit them at once);
// each depends only on earlier phases.
#ifndef PACTO_TESTS_REPORTS_FEDERATION_GENERATOR_H_
#define PACTO_TESTS_REPORTS_FEDERATION_GENERATOR_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/civil_time.h"
#include "tests/reports/federation_state.h"

namespace pacto {

// --- the plan's writes, naming records by generator key ------------------------------
struct AddRegionStep {
  RegionData region;
};
struct AddChapterStep {
  std::string key, name, level, region, sector;
  std::string parent;  // affiliated in the same write when set
};
struct AffiliateStep {
  std::string child, parent;
};
struct DisaffiliateStep {
  std::string child, parent;
};
struct UpdateChapterStep {
  std::string key, name, status, sector;  // "" leaves a field unchanged
};
struct EnrolStep {
  std::string membership;  // key of the new membership
  std::string person;      // key of the person (a person with a national id is one key)
  std::string chapter;
  std::string name;         // as typed
  std::string national_id;  // as typed; "" for none
  std::string birth_date;
  std::string since;
};
struct TransferStep {
  std::string membership;  // the active membership that moves
  std::string moved;       // key of the new membership
  std::string to, date;
};
struct EndStep {
  std::string membership, date;
};
struct RemoveStep {
  std::string membership;
};
struct AppointStep {
  std::string term, chapter, membership;
  std::string role;  // as typed
  std::string start, end;
};
struct FormationStep {
  std::string record, membership, course, date;
};

using Step =
    std::variant<AddRegionStep, AddChapterStep, AffiliateStep, DisaffiliateStep, UpdateChapterStep,
                 EnrolStep, TransferStep, EndStep, RemoveStep, AppointStep, FormationStep>;
using Phase = std::vector<Step>;

struct GeneratorOptions {
  uint64_t seed = 1;
  // "Today": every date is on or before it except officer terms not yet begun (at most
  // a year ahead). Ages are taken on this day.
  absl::CivilDay today = absl::CivilDay(2024, 6, 15);
  int chapters = 2000;
  int people = 6000;
};

// What the generator made on purpose, so a test can check the federation exercises
// every case (a report that matches an empty expectation proves little).
struct GenerationStats {
  int regions = 0;
  int chapters = 0;
  int unaffiliated_tops = 0;  // non-pact chapters created without a parent
  int disaffiliated = 0;
  int reaffiliated = 0;
  int late_affiliated = 0;
  int level_skips = 0;  // affiliations that skip a level
  int max_chain = 0;    // chapters in the longest chain of affiliations
  int renamed = 0, inactive = 0, dissolved = 0, sector_changes = 0;
  int people = 0, without_national_id = 0, without_birth_date = 0;
  int duplicate_groups = 0, near_misses = 0;
  int duplicate_groups_left = 0;  // groups still of two or more people at the end
  int multi_chapter = 0, cross_confederation = 0;
  int ended = 0, transferred = 0, erased = 0, persons_erased = 0, reenrolled = 0;
  int terms = 0, formation_records = 0;
};

struct GeneratedFederation {
  std::vector<Phase> phases;
  FederationState state;  // by generator key, after every phase
  GenerationStats stats;
};

GeneratedFederation GenerateFederation(const GeneratorOptions& options);

// `state` after one more write, as the registry defines the write (registry.h,
// registry.proto): the generator's model of the registry (federation_model.cc). The
// generator applies every step it plans; tests may build states by hand with it.
void ApplyToModel(const Step& step, FederationState* state);

// Plain-text helpers the generator and the tests share.
std::string CollapseSpaces(const std::string& text);  // trims, one space between words
std::string FormatDay(absl::CivilDay day);            // YYYY-MM-DD
// A national id as typed, upper-cased, without spaces, dots and hyphens.
std::string NormalizedNationalId(const std::string& raw);

}  // namespace pacto

#endif  // PACTO_TESTS_REPORTS_FEDERATION_GENERATOR_H_
