#include "client/cli/views.h"

#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

TEST(ViewsTest, SummaryTableAndFreshness) {
  v1::SummaryResponse summary;
  summary.set_chapters(12);
  summary.set_active_members(340);
  summary.set_federation_members(300);
  summary.set_persons(350);
  v1::LevelCount* level = summary.add_chapters_by_level();
  level->set_level("sindicato");
  level->set_chapters(8);
  level = summary.add_chapters_by_level();
  level->set_level("pact");
  level->set_chapters(1);
  summary.set_as_of_node("n1");
  (*summary.mutable_version_vector())["n2"] = 17;
  (*summary.mutable_version_vector())["n1"] = 42;

  Table table = SummaryTable(summary);
  EXPECT_EQ(table.ToText(),
            "METRIC                       VALUE\n"
            "chapters                     12\n"
            "active_members               340\n"
            "federation_members           300\n"
            "persons                      350\n"
            "chapters_by_level.sindicato  8\n"
            "chapters_by_level.pact       1\n");
  EXPECT_EQ(AsOfLine(summary), "as of node n1 (n1=42 n2=17)");

  AddFreshnessRows(summary, &table);
  EXPECT_EQ(table.ToCsv(),
            "metric,value\n"
            "chapters,12\n"
            "active_members,340\n"
            "federation_members,300\n"
            "persons,350\n"
            "chapters_by_level.sindicato,8\n"
            "chapters_by_level.pact,1\n"
            "as_of_node,n1\n"
            "version_vector.n1,42\n"
            "version_vector.n2,17\n");
}

TEST(ViewsTest, EmptySummaryShowsZeroes) {
  v1::SummaryResponse summary;
  summary.set_as_of_node("n1");
  EXPECT_EQ(SummaryTable(summary).ToText(),
            "METRIC              VALUE\n"
            "chapters            0\n"
            "active_members      0\n"
            "federation_members  0\n"
            "persons             0\n");
  EXPECT_EQ(AsOfLine(summary), "as of node n1");
}

TEST(ViewsTest, StatusFields) {
  v1::StatusResponse status;
  status.set_node_id("n1");
  status.set_region("LPZ");
  status.set_digest("ab12");
  (*status.mutable_version_vector())["n1"] = 5;
  (*status.mutable_version_vector())["n0"] = 3;
  status.set_log_entries(8);
  status.set_records(20);
  status.set_data_dir("/var/lib/pacto");
  status.set_development_mode(true);
  status.set_version("0.1.0");
  status.set_uptime_seconds(3723);
  status.set_listen("127.0.0.1:7400");
  status.set_log_retained(6);
  status.set_log_oldest_time("2026-11-27T20:00:00+00:00");
  status.set_advertise("10.0.0.5:7400");
  status.set_peers_known(3);
  status.set_peers_failing(1);
  EXPECT_EQ(StatusFields(status).ToText(),
            "node_id:          n1\n"
            "region:           LPZ\n"
            "version:          0.1.0\n"
            "listen:           127.0.0.1:7400\n"
            "data_dir:         /var/lib/pacto\n"
            "development_mode: true\n"
            "uptime:           1h2m3s\n"
            "records:          ~20 (estimate)\n"
            "log_entries:      8\n"
            "log_retained:     6\n"
            "log_oldest:       2026-11-27T20:00:00+00:00\n"
            "digest:           ab12\n"
            "version_vector:   n0=3 n1=5\n"
            "advertise:        10.0.0.5:7400\n"
            "peers:            3 known, 1 failing\n");
}

TEST(ViewsTest, MembersTableShowsPersonName) {
  v1::ListMembersResponse response;
  v1::Membership* m = response.add_members();
  m->set_id("mb-1");
  m->mutable_person()->set_name("Juana Azurduy");
  m->set_status("active");
  m->set_since("2024-01-02");
  EXPECT_EQ(MembersTable(response).ToText(),
            "ID    NAME           STATUS  SINCE\n"
            "mb-1  Juana Azurduy  active  2024-01-02\n");
}

TEST(ViewsTest, RegionsAndChaptersTables) {
  v1::ListRegionsResponse regions;
  v1::Region* r = regions.add_regions();
  r->set_code("BO");
  r->set_name("Bolivia");
  r->set_level("country");
  EXPECT_EQ(RegionsTable(regions).ToCsv(), "code,name,level,parent\nBO,Bolivia,country,\n");

  v1::ListChaptersResponse chapters;
  v1::Chapter* c = chapters.add_chapters();
  c->set_id("ch-1");
  c->set_name("Central Obrera");
  c->set_level("central");
  c->set_region("LPZ");
  c->set_status("active");
  EXPECT_EQ(ChaptersTable(chapters).ToText(),
            "ID    NAME            LEVEL    REGION  SECTOR  STATUS  PARENT\n"
            "ch-1  Central Obrera  central  LPZ     -       active  -\n");
}

TEST(ViewsTest, OfficersAndFormationTables) {
  v1::ListOfficersResponse officers;
  v1::OfficerTerm* t = officers.add_terms();
  t->set_id("of-1");
  t->set_role("secretary");
  t->set_membership_id("mb-1");
  t->set_person_id("p-1");
  t->set_start_date("2024-01-01");
  EXPECT_EQ(OfficersTable(officers).ToCsv(),
            "id,role,membership_id,person_id,start_date,end_date\n"
            "of-1,secretary,mb-1,p-1,2024-01-01,\n");

  v1::ListFormationResponse formation;
  v1::FormationRecord* f = formation.add_records();
  f->set_id("fr-1");
  f->set_course("Historia del movimiento");
  f->set_date("2024-03-01");
  f->set_membership_id("mb-1");
  f->set_chapter_id("ch-1");
  EXPECT_EQ(FormationTable(formation).ToCsv(),
            "id,course,date,membership_id,chapter_id\n"
            "fr-1,Historia del movimiento,2024-03-01,mb-1,ch-1\n");
}

TEST(ViewsTest, ChapterFields) {
  v1::Chapter chapter;
  chapter.set_id("ch-1");
  chapter.set_name("Sindicato Agrario");
  chapter.set_level("sindicato");
  chapter.set_region("LPZ");
  chapter.set_status("active");
  chapter.set_parent("ch-0");
  EXPECT_EQ(ChapterFields(chapter).ToText(),
            "id:      ch-1\n"
            "name:    Sindicato Agrario\n"
            "level:   sindicato\n"
            "sector:  -\n"
            "region:  LPZ\n"
            "status:  active\n"
            "founded: -\n"
            "parent:  ch-0\n");
}

TEST(ViewsTest, AffiliationFieldsListHistory) {
  v1::Affiliation affiliation;
  affiliation.set_child("ch-2");
  affiliation.set_status("ended");
  v1::PastAffiliation* past = affiliation.add_history();
  past->set_parent("ch-1");
  past->set_since("2020-01-01");
  past->set_until("2024-05-01");
  EXPECT_EQ(AffiliationFields(affiliation).ToText(),
            "child:   ch-2\n"
            "parent:  -\n"
            "since:   -\n"
            "status:  ended\n"
            "history: ch-1 from 2020-01-01 to 2024-05-01\n");
}

TEST(ViewsTest, MembershipAndRemovalFields) {
  v1::Membership m;
  m.set_id("mb-1");
  m.set_status("transferred");
  m.set_chapter_id("ch-1");
  m.set_since("2020-01-01");
  m.set_until("2024-01-01");
  m.set_person_id("p-1");
  m.mutable_person()->set_name("Ana");
  m.set_transferred_to("mb-2");
  EXPECT_EQ(MembershipFields(m).ToText(),
            "id:                 mb-1\n"
            "status:             transferred\n"
            "chapter_id:         ch-1\n"
            "since:              2020-01-01\n"
            "until:              2024-01-01\n"
            "person_id:          p-1\n"
            "person.name:        Ana\n"
            "person.national_id: -\n"
            "person.birth_date:  -\n"
            "transferred_from:   -\n"
            "transferred_to:     mb-2\n");

  v1::RemoveMemberResponse removed;
  removed.set_membership_id("mb-1");
  removed.set_person_erased(true);
  removed.set_formation_records_erased(2);
  EXPECT_EQ(RemovalFields(removed).ToText(),
            "membership_id:            mb-1\n"
            "person_erased:            true\n"
            "officer_terms_erased:     0\n"
            "formation_records_erased: 2\n");
}

TEST(ViewsTest, VersionVectorText) {
  google::protobuf::Map<std::string, uint64_t> vector;
  EXPECT_EQ(VersionVectorText(vector), "");
  vector["b"] = 2;
  vector["a"] = 1;
  EXPECT_EQ(VersionVectorText(vector), "a=1 b=2");
}

}  // namespace
}  // namespace pacto::cli
