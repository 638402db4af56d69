// The fixed tables the demo federation is drawn from: Bolivia's nine departments, a few of
// their real provinces with communities in each, and the pools of given names, surnames
// and formation courses. demo_federation.cc decides what to build from them; nothing here
// is random.
//
// Departments, provinces and the national organisations are real. Community names are real
// places or typical of their province, used as illustrations; the people are invented.
//
// Thread-safe: every function returns a reference to an immutable table built once.
#ifndef PACTO_CLIENT_DEMO_DEMO_CATALOG_H_
#define PACTO_CLIENT_DEMO_DEMO_CATALOG_H_

#include <string>
#include <vector>

namespace pacto::demo {

// Whose names a community's members carry, roughly: decides the surname pools.
enum class People {
  kAymara,   // altiplano of La Paz and Oruro
  kQuechua,  // valleys and highlands of Cochabamba, Potosí, Chuquisaca
  kValley,   // Tarija's valleys: mostly Spanish surnames
  kLowland,  // Santa Cruz: Spanish surnames and highland migrants
  kAmazon,   // campesinos of Beni and Pando: likewise
  kGuarani,  // the Guaraní of the Chaco (Asamblea del Pueblo Guaraní)
  kMoxeno,   // the Moxeño peoples of Beni (cabildos indigenales)
};

struct ProvinceEntry {
  std::string code;  // region code, "LPZ-OMA"
  std::string name;  // "Omasuyos"
  // Communities whose campesino sindicatos (and Bartolina Sisa sindicatos) the demo
  // creates, in order.
  std::vector<std::string> communities;
};

struct DepartmentEntry {
  std::string code;  // "LPZ"
  std::string name;  // "La Paz"
  std::string of;    // "de La Paz", "del Beni": for "Federación ... de La Paz"
  // The departmental federation of the CSUTCB, by its real name where it is well known.
  std::string campesino_federation;
  People people;
  std::vector<ProvinceEntry> provinces;  // two or three, each with campesino centrals
};

// The nine departments in the order of the DESIGN's examples: LPZ, CBB, SCZ, ORU, PTS,
// CHQ, TJA, BEN, PND.
const std::vector<DepartmentEntry>& Departments();

// Surnames typical of `people` beside the Spanish ones: Aymara, Quechua, Guaraní or
// Moxeño (for kValley, kLowland and kAmazon, the Quechua of highland families).
const std::vector<std::string>& RegionalSurnames(People people);
const std::vector<std::string>& SpanishSurnames();

// Given names: `young` for people born from 1985 on.
const std::vector<std::string>& GivenNames(bool woman, bool young);
// Names in Aymara, Quechua or Guaraní some younger parents have chosen; may be empty.
const std::vector<std::string>& IndigenousGivenNames(People people, bool woman);

// Courses of the political formation schools every member may attend.
const std::vector<std::string>& GeneralCourses();

}  // namespace pacto::demo

#endif  // PACTO_CLIENT_DEMO_DEMO_CATALOG_H_
