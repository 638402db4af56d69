#include "tests/fuzz/sample_registry.h"

#include "tests/fuzz/fuzz_replica.h"

namespace pacto {
namespace {

constexpr char kPrincipal[] = "fuzz-setup";

template <typename Response>
Response Must(absl::StatusOr<Response> r, const char* what) {
  CheckOk(r.status(), what);
  return *std::move(r);
}

v1::Chapter AddChapter(Registry& registry, const std::string& name, const std::string& level,
                       const std::string& region, const std::string& parent) {
  v1::AddChapterRequest req;
  req.set_name(name);
  req.set_level(level);
  req.set_region(region);
  req.set_sector("agrario");
  req.set_founded("1979-06-26");
  req.set_parent(parent);
  return Must(Await<v1::Chapter>([&](v1::Chapter* out, auto done) {
                registry.AddChapter(req, kPrincipal, out, done);
              }),
              "sample chapter");
}

v1::Membership Enrol(Registry& registry, const std::string& chapter, const std::string& name,
                     const std::string& national_id) {
  v1::EnrolMemberRequest req;
  req.set_chapter(chapter);
  req.set_name(name);
  req.set_national_id(national_id);
  req.set_birth_date("1980-02-29");
  req.set_since("2010-01-15");
  return Must(Await<v1::Membership>([&](v1::Membership* out, auto done) {
                registry.EnrolMember(req, kPrincipal, out, done);
              }),
              "sample enrolment");
}

}  // namespace

SampleIds WriteSampleRegistry(Registry& registry) {
  ResetFuzzIds();
  for (const auto& [code, parent] : {std::pair<const char*, const char*>{"BO", ""},
                                     std::pair<const char*, const char*>{"LPZ", "BO"}}) {
    v1::AddRegionRequest req;
    req.mutable_region()->set_code(code);
    req.mutable_region()->set_name(code);
    req.mutable_region()->set_parent(parent);
    Must(Await<v1::Region>(
             [&](v1::Region* out, auto done) { registry.AddRegion(req, kPrincipal, out, done); }),
         "sample region");
  }
  SampleIds ids;
  ids.pact = AddChapter(registry, "Pacto de Unidad", "pact", "BO", "").id();
  ids.federation =
      AddChapter(registry, "Federación Túpac Katari", "federation", "LPZ", ids.pact).id();
  ids.sindicato =
      AddChapter(registry, "Sindicato Agrario", "sindicato", "LPZ", ids.federation).id();
  v1::Membership ana = Enrol(registry, ids.sindicato, "Ana Mamani", "4.812.337-LP");
  ids.ana = ana.id();
  ids.ana_person = ana.person_id();
  ids.juan = Enrol(registry, ids.sindicato, "Juan Quispe", "").id();

  v1::AppointOfficerRequest officer;
  officer.set_chapter(ids.sindicato);
  officer.set_member(ids.ana);
  officer.set_role("secretaria general");
  officer.set_start_date("2020-01-01");
  Must(Await<v1::OfficerTerm>([&](v1::OfficerTerm* out, auto done) {
         registry.AppointOfficer(officer, kPrincipal, out, done);
       }),
       "sample officer");
  v1::RecordFormationRequest course;
  course.set_member(ids.juan);
  course.set_course("Liderazgo sindical");
  course.set_date("2021-03-10");
  Must(Await<v1::FormationRecord>([&](v1::FormationRecord* out, auto done) {
         registry.RecordFormation(course, kPrincipal, out, done);
       }),
       "sample formation");
  return ids;
}

}  // namespace pacto
