// The demo federation: a deterministic, seeded model of Bolivia's Pacto de Unidad, as
// plain structs, for `pacto-demo` to load into a node (demo_loader.h). No network here.
//
// What it holds:
//   - regions: BO (country), the nine departments, two or three real provinces each;
//   - chapters, parents before children: the pact "Pacto de Unidad" (BO); five national
//     organisations under it (CSUTCB, the Bartolina Sisa confederation, CSCIB, CONAMAQ,
//     CIDOB); a campesino and a Bartolina Sisa federation per department; a campesino
//     and a Bartolina Sisa central per province, a few subcentrals, and sindicatos named
//     for their communities; plus the interculturales of Caranavi, the Guaraní of the
//     Chaco (APG), the Moxeño cabildos of Beni (CPIB) and the ayllus of Jach'a Karangas
//     (CONAMAQ). Exactly one chapter is deliberately not yet affiliated: the Bartolina
//     Sisa federation of Pando, so its members count as active but not as federation
//     members until someone runs `pacto affiliate`;
//   - `members` people, each in a sindicato; a few women are in two (their community's
//     sindicato and its Bartolina Sisa sindicato, with the same national id); most have
//     a national id, all a birth date between 1950 and 2007;
//   - officer terms in most sindicatos, centrals and federations (an officer above the
//     base holds a membership of a sindicato beneath), and formation records for many
//     members under 30.
//
// Every date is fixed relative to kReferenceDate, not to today, so one seed gives the
// same federation on any day (and every date is in the past for a node's clock).
//
// Example:
//   DemoOptions options;
//   options.members = 3000;
//   absl::StatusOr<DemoFederation> demo = GenerateDemoFederation(options);
#ifndef PACTO_CLIENT_DEMO_DEMO_FEDERATION_H_
#define PACTO_CLIENT_DEMO_DEMO_FEDERATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace pacto::demo {

// Ages, terms and course dates are reckoned as of this day.
inline constexpr char kReferenceDate[] = "2025-01-01";

struct DemoRegion {
  std::string code;
  std::string name;
  std::string level;   // country | department | province
  std::string parent;  // empty for BO
};

struct DemoChapter {
  std::string name;
  std::string level;  // sindicato | subcentral | central | federation | confederation | pact
  std::string sector;
  std::string region;
  std::string founded;  // "YYYY-MM-DD" or empty
  int parent = -1;      // index into DemoFederation::chapters, always lower; -1: none
  // For a chapter not yet affiliated (parent == -1, not the pact): the chapter it belongs
  // under, which a user may affiliate it to; else -1.
  int expected_parent = -1;
};

struct DemoPerson {
  std::string name;
  std::string national_id;  // digits; empty for people enrolled without one
  std::string birth_date;   // "YYYY-MM-DD"
  bool woman = false;
};

// One membership: one row of the import.
struct DemoMembership {
  int person = 0;   // index into DemoFederation::persons
  int chapter = 0;  // index into DemoFederation::chapters, always a sindicato
};

struct DemoOfficer {
  int chapter = 0;     // the chapter whose office it is
  int membership = 0;  // index into memberships: in `chapter` or a chapter beneath it
  std::string role;    // lower case, e.g. "secretario general"
  std::string start_date;
};

struct DemoFormation {
  int membership = 0;  // index into memberships
  std::string course;
  std::string date;
};

struct DemoFederation {
  std::vector<DemoRegion> regions;  // parents before children
  std::vector<DemoChapter> chapters;
  std::vector<DemoPerson> persons;
  std::vector<DemoMembership> memberships;
  std::vector<DemoOfficer> officers;
  std::vector<DemoFormation> formation;

  // Index of the first chapter whose name is `name`, or -1.
  int FindChapter(const std::string& name) const;
};

struct DemoOptions {
  int members = 3000;  // distinct people
  uint64_t seed = 1;
};

// The smallest and largest `members` GenerateDemoFederation accepts: every sindicato
// needs a few members to elect its officers.
int MinDemoMembers();
inline constexpr int kMaxDemoMembers = 1000000;

// Builds the demo federation. Equal options give equal federations. INVALID_ARGUMENT
// naming "members" when options.members is out of range.
absl::StatusOr<DemoFederation> GenerateDemoFederation(const DemoOptions& options);

}  // namespace pacto::demo

#endif  // PACTO_CLIENT_DEMO_DEMO_FEDERATION_H_
