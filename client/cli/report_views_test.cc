#include "client/cli/report_views.h"

#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

v1::ReportHeader Header(std::vector<std::string> stale = {}) {
  v1::ReportHeader header;
  header.set_as_of_node("n1");
  header.set_as_of("2026-11-27T23:10:50+00:00");
  (*header.mutable_version_vector())["n2"] = 17;
  (*header.mutable_version_vector())["n1"] = 42;
  for (std::string& region : stale) header.add_stale_regions(std::move(region));
  header.set_stale_after("24h");
  return header;
}

constexpr char kAsOf[] = "as of node n1 at 2026-11-27T23:10:50+00:00 (n1=42 n2=17)\n";

TEST(HeaderLinesTest, AsOfAndStaleRegions) {
  EXPECT_EQ(HeaderLines(Header()), kAsOf);
  EXPECT_EQ(HeaderLines(Header({"LPZ", "SCZ"})),
            std::string(kAsOf) + "stale: LPZ, SCZ (no news for 24h)\n");
  v1::ReportHeader bare;
  bare.set_as_of_node("n1");
  EXPECT_EQ(HeaderLines(bare), "as of node n1\n");
}

TEST(SummaryReportTest, TextHasSectorsAndHeaderCsvHasEveryMetric) {
  v1::SummaryResponse summary;
  summary.set_chapters(3);
  summary.set_active_members(5);
  summary.set_federation_members(4);
  summary.set_persons(6);
  v1::LevelCount* level = summary.add_chapters_by_level();
  level->set_level("pact");
  level->set_chapters(1);
  v1::SectorCount* sector = summary.add_by_sector();
  sector->set_sector("campesino");
  sector->set_chapters(2);
  sector->set_active_members(5);
  summary.set_as_of_node("n1");
  *summary.mutable_header() = Header({"PND"});
  *summary.mutable_version_vector() = summary.header().version_vector();

  EXPECT_EQ(SummaryText(summary),
            "METRIC                  VALUE\n"
            "chapters                3\n"
            "active_members          5\n"
            "federation_members      4\n"
            "persons                 6\n"
            "chapters_by_level.pact  1\n"
            "\n"
            "SECTOR     CHAPTERS  ACTIVE_MEMBERS\n"
            "campesino  2         5\n"
            "\n" +
                std::string(kAsOf) + "stale: PND (no news for 24h)\n");
  EXPECT_EQ(SummaryCsv(summary).ToCsv(),
            "metric,value\n"
            "chapters,3\n"
            "active_members,5\n"
            "federation_members,4\n"
            "persons,6\n"
            "chapters_by_level.pact,1\n"
            "by_sector.campesino.chapters,2\n"
            "by_sector.campesino.active_members,5\n"
            "as_of_node,n1\n"
            "as_of,2026-11-27T23:10:50+00:00\n"
            "stale_after,24h\n"
            "stale_regions,PND\n"
            "version_vector.n1,42\n"
            "version_vector.n2,17\n");
}

TEST(SummaryReportTest, NodeWithoutHeaderKeepsTheOldFreshnessLine) {
  v1::SummaryResponse summary;
  summary.set_as_of_node("n1");
  (*summary.mutable_version_vector())["n1"] = 3;
  EXPECT_EQ(SummaryText(summary),
            "METRIC              VALUE\n"
            "chapters            0\n"
            "active_members      0\n"
            "federation_members  0\n"
            "persons             0\n"
            "\n"
            "as of node n1 (n1=3)\n");
}

v1::RegionsResponse Regions() {
  v1::RegionsResponse response;
  *response.mutable_header() = Header();
  auto add = [&](const char* code, const char* name, const char* level, const char* parent,
                 uint32_t depth, uint32_t chapters, uint32_t active, uint32_t federation) {
    v1::RegionRow* row = response.add_rows();
    row->set_code(code);
    row->set_name(name);
    row->set_level(level);
    row->set_parent(parent);
    row->set_depth(depth);
    row->set_chapters(chapters);
    row->set_active_members(active);
    row->set_federation_members(federation);
  };
  add("BO", "Bolivia", "country", "", 0, 10, 300, 250);
  add("LPZ", "La Paz", "department", "BO", 1, 6, 200, 200);
  add("LPZ-OMA", "Omasuyos", "province", "LPZ", 2, 4, 120, 120);
  add("PND", "Pando", "department", "BO", 1, 4, 100, 50);
  return response;
}

TEST(RegionsReportTest, TextIndentsByDepthCsvDoesNot) {
  EXPECT_EQ(RegionsText(Regions()),
            "CODE     NAME          LEVEL       PARENT  CHAPTERS  ACTIVE_MEMBERS  "
            "FEDERATION_MEMBERS\n"
            "BO       Bolivia       country     -       10        300             250\n"
            "LPZ        La Paz      department  BO      6         200             200\n"
            "LPZ-OMA      Omasuyos  province    LPZ     4         120             120\n"
            "PND        Pando       department  BO      4         100             50\n"
            "\n" +
                std::string(kAsOf));
  EXPECT_EQ(RegionsCsv(Regions()).ToCsv(),
            "code,name,level,parent,chapters,active_members,federation_members\n"
            "BO,Bolivia,country,,10,300,250\n"
            "LPZ,La Paz,department,BO,6,200,200\n"
            "LPZ-OMA,Omasuyos,province,LPZ,4,120,120\n"
            "PND,Pando,department,BO,4,100,50\n");
}

TEST(RegionsReportTest, NoRowsSaysNone) {
  v1::RegionsResponse response;
  *response.mutable_header() = Header();
  EXPECT_EQ(RegionsText(response),
            "CODE  NAME  LEVEL  PARENT  CHAPTERS  ACTIVE_MEMBERS  FEDERATION_MEMBERS\n"
            "(none)\n"
            "\n" +
                std::string(kAsOf));
  EXPECT_EQ(RegionsCsv(response).ToCsv(),
            "code,name,level,parent,chapters,active_members,federation_members\n");
}

v1::TreeResponse Tree() {
  v1::TreeResponse response;
  *response.mutable_header() = Header({"PND"});
  auto add = [&](const char* id, const char* name, const char* level, const char* parent,
                 uint32_t depth, uint32_t own, uint32_t subtree, uint32_t chapters, bool broken) {
    v1::TreeRow* row = response.add_rows();
    row->set_id(id);
    row->set_name(name);
    row->set_level(level);
    row->set_region("BO");
    row->set_parent(parent);
    row->set_depth(depth);
    row->set_active_memberships(own);
    row->set_subtree_active_memberships(subtree);
    row->set_subtree_chapters(chapters);
    row->set_broken(broken);
  };
  add("ch-p", "Pacto", "pact", "", 0, 0, 30, 3, false);
  add("ch-c", "CSUTCB", "confederation", "ch-p", 1, 0, 30, 2, false);
  add("ch-s", "Sindicato \"Warisata\", Omasuyos", "sindicato", "ch-c", 2, 30, 30, 1, false);
  add("ch-f", "Federación de Pando", "federation", "", 0, 7, 7, 1, true);
  return response;
}

TEST(TreeReportTest, TextIndentsNamesAndMarksBrokenChains) {
  EXPECT_EQ(TreeText(Tree()),
            "ID    LEVEL          REGION  ACTIVE_MEMBERSHIPS  SUBTREE_ACTIVE_MEMBERSHIPS  "
            "SUBTREE_CHAPTERS  BROKEN  NAME\n"
            "ch-p  pact           BO      0                   30                          "
            "3                 -       Pacto\n"
            "ch-c  confederation  BO      0                   30                          "
            "2                 -         CSUTCB\n"
            "ch-s  sindicato      BO      30                  30                          "
            "1                 -           Sindicato \"Warisata\", Omasuyos\n"
            "ch-f  federation     BO      7                   7                           "
            "1                 BROKEN  Federación de Pando\n"
            "\n" +
                std::string(kAsOf) + "stale: PND (no news for 24h)\n");
}

TEST(TreeReportTest, CsvHasParentAndDepthAndPlainNames) {
  EXPECT_EQ(TreeCsv(Tree()).ToCsv(),
            "id,name,level,region,parent,depth,active_memberships,subtree_active_memberships,"
            "subtree_chapters,broken\n"
            "ch-p,Pacto,pact,BO,,0,0,30,3,false\n"
            "ch-c,CSUTCB,confederation,BO,ch-p,1,0,30,2,false\n"
            "ch-s,\"Sindicato \"\"Warisata\"\", Omasuyos\",sindicato,BO,ch-c,2,30,30,1,false\n"
            "ch-f,Federación de Pando,federation,BO,,0,7,7,1,true\n");
}

v1::FormationResponse Formation() {
  v1::FormationResponse response;
  *response.mutable_header() = Header();
  auto add = [&](const char* scope, const char* id, const char* name, uint32_t young,
                 uint32_t formed, double coverage, uint32_t courses) {
    v1::FormationRow* row = response.add_rows();
    row->set_scope(scope);
    row->set_id(id);
    row->set_name(name);
    row->set_region("LPZ");
    row->set_young_active_members(young);
    row->set_young_formed(formed);
    row->set_coverage(coverage);
    row->set_courses(courses);
  };
  add("chapter", "ch-1", "Sindicato Agrario Warisata", 8, 5, 0.625, 9);
  add("chapter", "ch-2", "Central Campesina", 0, 0, 0, 0);
  add("region", "LPZ", "La Paz", 3, 1, 1.0 / 3, 1);
  return response;
}

TEST(FormationReportTest, TextShowsPercentagesCsvFractions) {
  EXPECT_EQ(FormationText(Formation()),
            "SCOPE    ID    REGION  YOUNG_ACTIVE_MEMBERS  YOUNG_FORMED  COVERAGE  COURSES  NAME\n"
            "chapter  ch-1  LPZ     8                     5             62.5%     9        "
            "Sindicato Agrario Warisata\n"
            "chapter  ch-2  LPZ     0                     0             -         0        "
            "Central Campesina\n"
            "region   LPZ   LPZ     3                     1             33.3%     1        La Paz\n"
            "\n" +
                std::string(kAsOf));
  EXPECT_EQ(FormationCsv(Formation()).ToCsv(),
            "scope,id,name,region,young_active_members,young_formed,coverage,courses\n"
            "chapter,ch-1,Sindicato Agrario Warisata,LPZ,8,5,0.625,9\n"
            "chapter,ch-2,Central Campesina,LPZ,0,0,0,0\n"
            "region,LPZ,La Paz,LPZ,3,1,0.333333,1\n");
}

TEST(VacanciesReportTest, TextListsRolesAndTheRulesApplied) {
  v1::VacanciesResponse response;
  *response.mutable_header() = Header();
  v1::VacancyRow* row = response.add_rows();
  row->set_chapter_id("ch-1");
  row->set_name("Sindicato Agrario Corpa");
  row->set_level("sindicato");
  row->set_region("LPZ-OMA");
  row->add_missing_roles("secretario general");
  row->add_missing_roles("tesorero");
  v1::RequiredRoles* rule = response.add_required();
  rule->set_level("sindicato");
  rule->add_roles("secretario general");
  rule->add_roles("tesorero");

  EXPECT_EQ(VacanciesText(response),
            "CHAPTER_ID  LEVEL      REGION   MISSING_ROLES                 NAME\n"
            "ch-1        sindicato  LPZ-OMA  secretario general, tesorero  "
            "Sindicato Agrario Corpa\n"
            "\n"
            "required roles:\n"
            "LEVEL      ROLES\n"
            "sindicato  secretario general, tesorero\n"
            "\n" +
                std::string(kAsOf));
  EXPECT_EQ(VacanciesCsv(response).ToCsv(),
            "chapter_id,name,level,region,missing_roles\n"
            "ch-1,Sindicato Agrario Corpa,sindicato,LPZ-OMA,secretario general;tesorero\n");
}

TEST(FreshnessReportTest, TwoTablesInTextOneInCsv) {
  v1::FreshnessResponse response;
  *response.mutable_header() = Header({"PND"});
  v1::OriginFreshness* origin = response.add_origins();
  origin->set_node_id("n1");
  origin->set_region("LPZ");
  origin->set_seq_here(42);
  origin->set_newest_entry("2026-11-27T23:00:00+00:00");
  origin->set_last_heard("2026-11-27T23:10:00+00:00");
  origin->set_direct(true);
  origin = response.add_origins();
  origin->set_node_id("n2");
  origin->set_region("PND");
  origin->set_seq_here(17);
  origin->set_newest_entry("2026-11-25T08:00:00+00:00");
  origin->set_behind(3);
  origin->set_stale(true);
  v1::RegionFreshness* region = response.add_regions();
  region->set_region("PND");
  region->set_nodes(1);
  region->set_newest_entry("2026-11-25T08:00:00+00:00");
  region->set_behind(3);
  region->set_stale(true);

  EXPECT_EQ(FreshnessText(response),
            "NODE_ID  REGION  SEQ_HERE  NEWEST_ENTRY               LAST_HEARD                 "
            "DIRECT  BEHIND  STALE\n"
            "n1       LPZ     42        2026-11-27T23:00:00+00:00  2026-11-27T23:10:00+00:00  "
            "yes     0       no\n"
            "n2       PND     17        2026-11-25T08:00:00+00:00  -                          "
            "no      3       yes\n"
            "\n"
            "REGION  NODES  NEWEST_ENTRY               LAST_HEARD  BEHIND  STALE\n"
            "PND     1      2026-11-25T08:00:00+00:00  -           3       yes\n"
            "\n" +
                std::string(kAsOf) + "stale: PND (no news for 24h)\n");
  EXPECT_EQ(FreshnessCsv(response).ToCsv(),
            "scope,node_id,region,nodes,seq_here,newest_entry,last_heard,direct,behind,stale\n"
            "origin,n1,LPZ,,42,2026-11-27T23:00:00+00:00,2026-11-27T23:10:00+00:00,true,0,false\n"
            "origin,n2,PND,,17,2026-11-25T08:00:00+00:00,,false,3,true\n"
            "region,,PND,1,,2026-11-25T08:00:00+00:00,,,3,true\n");
}

TEST(DuplicatesReportTest, ListsJoined) {
  v1::DuplicatesResponse response;
  *response.mutable_header() = Header();
  v1::DuplicateRow* row = response.add_rows();
  row->set_kind("same_name_and_birth_date");
  row->add_person_ids("pr-1");
  row->add_person_ids("pr-2");
  row->add_membership_ids("mb-1");
  row->add_membership_ids("mb-2");
  row->set_detail("2 people, born 1990-01-01");

  EXPECT_EQ(DuplicatesText(response),
            "KIND                      PERSON_IDS  MEMBERSHIP_IDS  DETAIL\n"
            "same_name_and_birth_date  pr-1, pr-2  mb-1, mb-2      2 people, born 1990-01-01\n"
            "\n" +
                std::string(kAsOf));
  EXPECT_EQ(DuplicatesCsv(response).ToCsv(),
            "kind,person_ids,membership_ids,detail\n"
            "same_name_and_birth_date,pr-1;pr-2,mb-1;mb-2,\"2 people, born 1990-01-01\"\n");
}

TEST(ConflictsReportTest, TextEndsWithTheAnsweringNode) {
  v1::ConflictsResponse response;
  response.set_as_of_node("n1");
  EXPECT_EQ(ConflictsText(response),
            "KIND  RECORD  VERSION  WRITTEN_AT  WINNER  VALUE\n"
            "(none)\n"
            "\n"
            "as of node n1\n");
}

TEST(ConflictsReportTest, TextEndsWithTheHeaderLikeEveryReport) {
  v1::ConflictsResponse response;
  response.set_as_of_node("n1");
  *response.mutable_header() = Header({"LPZ"});
  EXPECT_EQ(ConflictsText(response),
            "KIND  RECORD  VERSION  WRITTEN_AT  WINNER  VALUE\n"
            "(none)\n"
            "\n" +
                std::string(kAsOf) + "stale: LPZ (no news for 24h)\n");
}

}  // namespace
}  // namespace pacto::cli
