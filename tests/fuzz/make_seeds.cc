// Writes the seed corpus of every fuzz target: a handful of valid inputs each, so the
// fuzzers start from requests, batches, tokens and files that reach deep before they
// mutate them. Run by hand when a format changes, and commit the result:
//   build-fuzz/tests/fuzz/make_seeds tests/fuzz/corpus
// Output is deterministic (fixed ids, clock and keys).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "node/registry/pagination.h"
#include "node/registry/registry.h"
#if PACTO_FUZZ_TOKENS
#include "node/security/ed25519.h"
#include "node/security/revocation.h"
#include "node/security/token.h"
#endif
#include "pacto/v1/replication.pb.h"
#include "tests/fuzz/fuzz_replica.h"
#include "tests/fuzz/fuzz_token_keys.h"
#include "tests/fuzz/request_kind.h"
#include "tests/fuzz/sample_registry.h"

namespace pacto {
namespace {

class SeedWriter {
 public:
  SeedWriter(std::filesystem::path root, const std::string& target) : dir_(root / target) {
    std::filesystem::create_directories(dir_);
  }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", (dir_ / name).c_str());
      std::exit(1);
    }
  }

 private:
  const std::filesystem::path dir_;
};

// --- request_fuzzer: kind byte + request ---------------------------------------------

std::string Request(RequestKind kind, const google::protobuf::Message& m) {
  return std::string(1, static_cast<char>(kind)) + m.SerializeAsString();
}

void RequestSeeds(const std::filesystem::path& root) {
  SeedWriter w(root, "request");
  SampleIds ids;
  FuzzReplica node([&](Replica& r) { ids = WriteSampleRegistry(r.registry()); });

  v1::AddRegionRequest region;
  region.mutable_region()->set_code("oru ");
  region.mutable_region()->set_name("  Oruro\t");
  region.mutable_region()->set_parent("BO");
  region.mutable_region()->set_level("department");
  w.Write("add_region", Request(RequestKind::kAddRegion, region));

  v1::AddChapterRequest chapter;
  chapter.set_name("Sindicato  Minero «Siglo XX»");
  chapter.set_level("Sindicato");
  chapter.set_region("lpz");
  chapter.set_sector("minero");
  chapter.set_founded("1999-12-31");
  chapter.set_parent(ids.federation);
  w.Write("add_chapter", Request(RequestKind::kAddChapter, chapter));

  v1::UpdateChapterRequest update;
  update.set_id(ids.sindicato);
  update.set_name("Sindicato Agrario Uno");
  update.set_status("inactive");
  update.set_sector("agrario");
  w.Write("update_chapter", Request(RequestKind::kUpdateChapter, update));

  v1::AffiliateRequest affiliate;
  affiliate.set_child(ids.sindicato);
  affiliate.set_parent(ids.pact);
  affiliate.set_since("2023-01-01");
  w.Write("affiliate", Request(RequestKind::kAffiliate, affiliate));

  v1::DisaffiliateRequest disaffiliate;
  disaffiliate.set_child(ids.sindicato);
  disaffiliate.set_parent(ids.federation);
  disaffiliate.set_until("2024-06-01");
  w.Write("disaffiliate", Request(RequestKind::kDisaffiliate, disaffiliate));

  v1::EnrolMemberRequest enrol;
  enrol.set_chapter(ids.federation);
  enrol.set_name("María José Condori");
  enrol.set_national_id("9.876.543-lp");
  enrol.set_birth_date("1976-02-29");
  enrol.set_since("2000-01-01");
  w.Write("enrol_member", Request(RequestKind::kEnrolMember, enrol));
  enrol.set_chapter(ids.sindicato);
  enrol.set_national_id("4812337LP");  // Ana again: already active there
  w.Write("enrol_member_again", Request(RequestKind::kEnrolMember, enrol));

  v1::TransferMemberRequest transfer;
  transfer.set_id(ids.ana);
  transfer.set_to_chapter(ids.federation);
  transfer.set_date("2024-01-01");
  w.Write("transfer_member", Request(RequestKind::kTransferMember, transfer));

  v1::EndMembershipRequest end;
  end.set_id(ids.juan);
  end.set_date("2024-05-31");
  w.Write("end_membership", Request(RequestKind::kEndMembership, end));

  v1::RemoveMemberRequest remove;
  remove.set_id(ids.ana);
  w.Write("remove_member", Request(RequestKind::kRemoveMember, remove));

  v1::ImportMembersRequest import;
  v1::ImportRow* row = import.add_rows();
  row->set_line(2);
  row->set_chapter(ids.sindicato);
  row->set_name("Pedro Choque");
  row->set_national_id("7.111.222");
  row->set_birth_date("1990-10-10");
  row = import.add_rows();
  row->set_line(3);
  row->set_chapter(ids.federation);
  row->set_name("Rosa Apaza");
  row->set_since("2019-05-01");
  row->set_membership_id("mb-exported1");
  row = import.add_rows();
  row->set_line(4);
  row->set_chapter(ids.sindicato);
  row->set_name("");
  row->set_birth_date("2001-02-30");
  row = import.add_rows();
  row->set_line(5);
  row->set_chapter(ids.sindicato);
  row->set_name("Ana Mamani");
  row->set_national_id("4812337-LP");
  w.Write("import_members", Request(RequestKind::kImportMembers, import));

  v1::AppointOfficerRequest officer;
  officer.set_chapter(ids.sindicato);
  officer.set_member(ids.juan);
  officer.set_role("Tesorero");
  officer.set_start_date("2024-06-01");
  officer.set_end_date("2026-06-01");
  w.Write("appoint_officer", Request(RequestKind::kAppointOfficer, officer));

  v1::RecordFormationRequest formation;
  formation.set_member(ids.ana);
  formation.set_course("Contabilidad básica");
  formation.set_date("2022-02-02");
  w.Write("record_formation", Request(RequestKind::kRecordFormation, formation));

  v1::GetRegionRequest get_region;
  get_region.set_code("LPZ");
  w.Write("get_region", Request(RequestKind::kGetRegion, get_region));

  v1::ListRegionsRequest list_regions;
  list_regions.set_page_size(1);
  absl::StatusOr<v1::ListRegionsResponse> regions =
      node.replica().registry().ListRegions(list_regions);
  CheckOk(regions.status(), "list regions");
  list_regions.set_page_token(regions->next_page_token());
  w.Write("list_regions_page2", Request(RequestKind::kListRegions, list_regions));

  v1::GetChapterRequest get_chapter;
  get_chapter.set_id(ids.sindicato);
  w.Write("get_chapter", Request(RequestKind::kGetChapter, get_chapter));

  v1::ListChaptersRequest list_chapters;
  list_chapters.set_region("LPZ");
  list_chapters.set_page_size(1);
  absl::StatusOr<v1::ListChaptersResponse> chapters =
      node.replica().registry().ListChapters(list_chapters);
  CheckOk(chapters.status(), "list chapters");
  list_chapters.set_page_token(chapters->next_page_token());
  w.Write("list_chapters_page2", Request(RequestKind::kListChapters, list_chapters));

  v1::GetAffiliationRequest get_affiliation;
  get_affiliation.set_child(ids.sindicato);
  w.Write("get_affiliation", Request(RequestKind::kGetAffiliation, get_affiliation));

  v1::GetMemberRequest get_member;
  get_member.set_id(ids.ana);
  w.Write("get_member", Request(RequestKind::kGetMember, get_member));

  v1::ListMembersRequest list_members;
  list_members.set_chapter(ids.sindicato);
  list_members.set_include_ended(true);
  list_members.set_page_size(1);
  absl::StatusOr<v1::ListMembersResponse> members =
      node.replica().registry().ListMembers(list_members, Caller::Everything("seeds"));
  CheckOk(members.status(), "list members");
  list_members.set_page_token(members->next_page_token());
  w.Write("list_members_page2", Request(RequestKind::kListMembers, list_members));

  v1::ListOfficersRequest list_officers;
  list_officers.set_chapter(ids.sindicato);
  list_officers.set_current_only(true);
  w.Write("list_officers", Request(RequestKind::kListOfficers, list_officers));

  v1::ListFormationRequest list_formation;
  list_formation.set_member(ids.juan);
  w.Write("list_formation", Request(RequestKind::kListFormation, list_formation));

  v1::ExportMembersRequest export_members;
  export_members.set_region("BO");
  export_members.set_include_ended(true);
  w.Write("export_members", Request(RequestKind::kExportMembers, export_members));
}

// --- entry_fuzzer: EntryBatch from a peer ------------------------------------------

// 2024-06-01T11:59:00Z as a hybrid logical clock reading.
constexpr uint64_t kSeedHlc = (static_cast<uint64_t>(kFuzzNowUnixSeconds - 60) * 1000) << 16;

v1::Op Put(v1::RecordType type, const std::string& id, const google::protobuf::Message& value,
           const std::string& home) {
  v1::Op op;
  op.set_type(type);
  op.set_id(id);
  op.set_kind(v1::Op::PUT);
  op.set_value(value.SerializeAsString());
  op.set_home_region(home);
  return op;
}

v1::Entry NewEntry(const std::string& origin, uint64_t seq) {
  v1::Entry entry;
  entry.set_origin(origin);
  entry.set_seq(seq);
  entry.set_hlc(kSeedHlc + seq);
  entry.set_origin_region("LPZ");
  entry.set_principal("ana-enroller");
  return entry;
}

void EntrySeeds(const std::filesystem::path& root) {
  SeedWriter w(root, "entry");
  SampleIds ids;
  FuzzReplica node([&](Replica& r) { ids = WriteSampleRegistry(r.registry()); });

  v1::Chapter chapter;
  chapter.set_id("ch-peer1");
  chapter.set_name("Sindicato de la Cumbre");
  chapter.set_level("sindicato");
  chapter.set_sector("cocalero");
  chapter.set_region("LPZ");
  chapter.set_status("active");
  v1::Affiliation affiliation;
  affiliation.set_child("ch-peer1");
  affiliation.set_parent(ids.federation);
  affiliation.set_since("2024-05-01");
  affiliation.set_status("active");
  v1::Person person;
  person.set_id("pr-peer1");
  person.set_name("Luis Ticona");
  person.set_birth_date("1985-03-03");
  v1::Membership membership;
  membership.set_id("mb-peer1");
  membership.set_person_id("pr-peer1");
  membership.set_chapter_id("ch-peer1");
  membership.set_since("2024-05-02");
  membership.set_status("active");

  // A peer's new chapter, affiliated, with a member: one entry, then the next.
  v1::EntryBatch batch;
  v1::Entry e1 = NewEntry("peer-a", 1);
  *e1.add_ops() = Put(v1::RECORD_TYPE_CHAPTER, chapter.id(), chapter, "LPZ");
  *e1.add_ops() = Put(v1::RECORD_TYPE_AFFILIATION, chapter.id(), affiliation, "LPZ");
  v1::Entry e2 = NewEntry("peer-a", 2);
  *e2.add_ops() = Put(v1::RECORD_TYPE_PERSON, person.id(), person, "LPZ");
  *e2.add_ops() = Put(v1::RECORD_TYPE_MEMBERSHIP, membership.id(), membership, "LPZ");
  *batch.add_entries() = e1;
  *batch.add_entries() = e2;
  w.Write("new_chapter_and_member", batch.SerializeAsString());

  // The member ends, superseding the version above; then the chapter is deleted.
  v1::Entry e3 = NewEntry("peer-a", 3);
  membership.set_status("ended");
  membership.set_until("2024-05-30");
  v1::Op end = Put(v1::RECORD_TYPE_MEMBERSHIP, membership.id(), membership, "LPZ");
  v1::Dot* dot = end.add_supersedes();
  dot->set_origin("peer-a");
  dot->set_seq(2);
  *e3.add_ops() = end;
  v1::Entry e4 = NewEntry("peer-a", 4);
  v1::Op del;
  del.set_type(v1::RECORD_TYPE_CHAPTER);
  del.set_id(chapter.id());
  del.set_kind(v1::Op::DELETE);
  del.set_home_region("LPZ");
  dot = del.add_supersedes();
  dot->set_origin("peer-a");
  dot->set_seq(1);
  *e4.add_ops() = del;
  *batch.add_entries() = e3;
  *batch.add_entries() = e4;
  w.Write("end_and_delete", batch.SerializeAsString());

  // Concurrent with the sample: a peer renames the sindicato it never saw change, and
  // erases Ana's membership; a second peer ships a redacted put and its replacement.
  v1::EntryBatch concurrent;
  v1::Entry c1 = NewEntry("peer-b", 1);
  v1::Chapter renamed;
  renamed.set_id(ids.sindicato);
  renamed.set_name("Sindicato Agrario Renombrado");
  renamed.set_level("sindicato");
  renamed.set_region("LPZ");
  renamed.set_status("active");
  *c1.add_ops() = Put(v1::RECORD_TYPE_CHAPTER, ids.sindicato, renamed, "LPZ");
  v1::Op erase;
  erase.set_type(v1::RECORD_TYPE_MEMBERSHIP);
  erase.set_id(ids.ana);
  erase.set_kind(v1::Op::ERASE);
  erase.set_home_region("LPZ");
  *c1.add_ops() = erase;
  *concurrent.add_entries() = c1;
  v1::Entry c2 = NewEntry("peer-c", 1);
  v1::Op redacted;
  redacted.set_type(v1::RECORD_TYPE_PERSON);
  redacted.set_id(ids.ana_person);
  redacted.set_kind(v1::Op::PUT);
  redacted.set_redacted(true);
  redacted.set_home_region("LPZ");
  *c2.add_ops() = redacted;
  *concurrent.add_entries() = c2;
  v1::Entry c3 = NewEntry("peer-c", 2);
  v1::Person ana;
  ana.set_id(ids.ana_person);
  ana.set_name("Ana Mamani de Quispe");
  v1::Op replace = Put(v1::RECORD_TYPE_PERSON, ids.ana_person, ana, "LPZ");
  dot = replace.add_supersedes();
  dot->set_origin("peer-c");
  dot->set_seq(1);
  *c3.add_ops() = replace;
  *concurrent.add_entries() = c3;
  w.Write("concurrent_edits", concurrent.SerializeAsString());

  // A region and a pact of another country.
  v1::EntryBatch regions;
  v1::Entry r1 = NewEntry("peer-d", 1);
  r1.set_origin_region("PE");
  v1::Region pe;
  pe.set_code("PE");
  pe.set_name("Perú");
  pe.set_level("country");
  *r1.add_ops() = Put(v1::RECORD_TYPE_REGION, "PE", pe, "PE");
  v1::Chapter pact;
  pact.set_id("ch-peer-pact");
  pact.set_name("Pacto Andino");
  pact.set_level("pact");
  pact.set_region("PE");
  pact.set_status("active");
  *r1.add_ops() = Put(v1::RECORD_TYPE_CHAPTER, pact.id(), pact, "PE");
  *regions.add_entries() = r1;
  w.Write("other_country", regions.SerializeAsString());
}

// --- token_fuzzer: mode byte + token, claims JSON or claims proto ----------------------
#if PACTO_FUZZ_TOKENS

void TokenSeeds(const std::filesystem::path& root) {
  SeedWriter w(root, "token");
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(kFuzzTokenPrivateKeyPem);
  CheckOk(key.status(), "fuzz key");
  v1::TokenClaims claims;
  claims.set_subject("ana.mamani@lpz");
  claims.set_role("enroller");
  claims.set_region("LPZ");
  claims.set_issued_at(kFuzzNowUnixSeconds - 3600);
  claims.set_expires_at(kFuzzNowUnixSeconds + 86400);
  claims.set_id("3f9a0c1d2e4b5a69");
  absl::StatusOr<std::string> token = MintToken(claims, *key);
  CheckOk(token.status(), "mint");
  w.Write("valid", std::string(1, '\0') + *token);
  std::string forged = *token;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  w.Write("forged", std::string(1, '\0') + forged);
  v1::TokenClaims expired = claims;
  expired.set_issued_at(kFuzzNowUnixSeconds - 7200);
  expired.set_expires_at(kFuzzNowUnixSeconds - 3600);
  token = MintToken(expired, *key);
  CheckOk(token.status(), "mint");
  w.Write("expired", std::string(1, '\0') + *token);

  w.Write("json_valid",
          "\x01{\"subject\":\"op\",\"role\":\"operator\",\"region\":\"BO\","
          "\"issued_at\":\"1717200000\",\"expires_at\":\"1717300000\",\"id\":\"01\"}");
  w.Write("json_numbers",
          "\x01{\"subject\":\"rep-1\",\"role\":\"reporter\",\"region\":\"LPZ-1\","
          "\"issued_at\":1717200000,\"expires_at\":1717300000}");
  w.Write("json_unknown_field",
          "\x01{\"subject\":\"x\",\"role\":\"enroller\",\"region\":\"BO\",\"admin\":true,"
          "\"issued_at\":\"1717200000\",\"expires_at\":\"1717300000\"}");
  w.Write("claims_proto", std::string(1, '\x02') + claims.SerializeAsString());
  // Regressions: expires_at - issued_at overflowed int64 in ValidateTokenClaims.
  v1::TokenClaims extreme = claims;
  extreme.set_issued_at(-9223372036854775807);
  extreme.set_expires_at(9223372036854775807);
  w.Write("regression_claims_overflow", std::string(1, '\x02') + extreme.SerializeAsString());
  w.Write("regression_json_overflow",
          "\x01{\"subject\":\"a\",\"role\":\"enroller\",\"region\":\"LPZ\","
          "\"issued_at\":\"-9223372036854775807\",\"expires_at\":\"9223372036854775807\"}");
}

// --- revocation_fuzzer: serialized v1::TokenRevocation ---------------------------------

void RevocationSeeds(const std::filesystem::path& root) {
  SeedWriter w(root, "revocation");
  v1::TokenRevocation by_id;
  by_id.set_token_id("3f9a0c1d2e4b5a69");
  by_id.set_region("LPZ");
  by_id.set_reason("laptop lost");
  by_id.set_revoked_at(kFuzzNowUnixSeconds);
  by_id.set_revoked_by("rosa");
  by_id.set_id(RevocationId("LPZ", RevocationKind::kTokenId, by_id.token_id()));
  CheckOk(ValidateRevocation(by_id), "revocation by id");
  w.Write("by_id", by_id.SerializeAsString());
  v1::TokenRevocation by_subject;
  by_subject.set_subject("ana.mamani@lpz");
  by_subject.set_region("BO-LP");
  by_subject.set_revoked_at(kFuzzNowUnixSeconds);
  by_subject.set_revoked_by("operator-BO");
  by_subject.set_id(RevocationId("BO-LP", RevocationKind::kSubject, by_subject.subject()));
  CheckOk(ValidateRevocation(by_subject), "revocation by subject");
  w.Write("by_subject", by_subject.SerializeAsString());
  v1::TokenRevocation relabelled = by_id;
  relabelled.set_region("CBB");  // the id still says LPZ
  w.Write("relabelled", relabelled.SerializeAsString());
  v1::TokenRevocation both = by_id;
  both.set_subject("ana");
  w.Write("both_targets", both.SerializeAsString());
}

#endif  // PACTO_FUZZ_TOKENS

// --- csv_fuzzer: member files ------------------------------------------------------------

void CsvSeeds(const std::filesystem::path& root) {
  SeedWriter w(root, "csv");
  w.Write("members",
          "chapter,name,national_id,birth_date\n"
          "ch-fz3,Ana Mamani,4.812.337-LP,1980-02-29\n"
          "ch-fz3,Juan Quispe,,\n");
  w.Write("export",
          "chapter,name,national_id,birth_date,since,membership_id,status\n"
          "ch-fz3,\"Mamani, Ana\",4812337LP,1980-02-29,2010-01-15,mb-fz4,active\n"
          "ch-fz3,\"Juan \"\"el Tata\"\" Quispe\",,,2010-01-15,mb-fz5,ended\n");
  w.Write("bom_crlf",
          "\xEF\xBB\xBF"
          "Name , CHAPTER,extra\r\n"
          "\"José\r\nQuispe\",ch-fz3,x\r\n"
          "\r\n"
          "María,ch-fz2\r");
  w.Write("malformed",
          "chapter,name\n"
          "ch-fz3,Ana \"la\" Mamani\n"
          "ch-fz3,\"Juan\" Quispe\n"
          "ch-fz3,Rosa,,  \n"
          "ch-fz3,Pedro,1,2\n"
          "ch-fz3,\"never closed\n");
  w.Write("bad_header", "chapter,name,Chapter\nch-fz3,Ana,ch-fz2\n");
  w.Write("formula_cells",
          "chapter,name\n"
          "ch-fz3,\"'=1+1\"\n"
          "ch-fz3,\"''quoted\"\n"
          "ch-fz3,@SUM(A1)\n"
          "ch-fz3,-5\n");
}

// --- page_token_fuzzer: query byte + token -------------------------------------------

void PageTokenSeeds(const std::filesystem::path& root) {
  SeedWriter w(root, "page_token");
  // The secret and queries of page_token_fuzzer.cc.
  const PageTokens tokens{std::string("fuzz page token secret, 32 bytes")};
  w.Write("regions_page2", std::string(1, '\0') + tokens.Encode("regions", "r/LPZ"));
  w.Write("chapters_page2", std::string(1, '\1') + tokens.Encode("chapters LPZ", "ch-7q2m4x"));
  w.Write("members_page2",
          std::string(1, '\3') + tokens.Encode("members ch-1", std::string("mb-0a1b2c\0x", 11)));
  w.Write("cross_query", std::string(1, '\2') + tokens.Encode("chapters LPZ", "ch-7q2m4x"));
  w.Write("garbage", std::string(1, '\0') + "garbage");
  w.Write("empty_key", std::string(1, '\0') + tokens.Encode("regions", ""));
}

}  // namespace
}  // namespace pacto

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root = argv[1];
  pacto::RequestSeeds(root);
  pacto::EntrySeeds(root);
#if PACTO_FUZZ_TOKENS
  pacto::TokenSeeds(root);
  pacto::RevocationSeeds(root);
#endif
  pacto::CsvSeeds(root);
  pacto::PageTokenSeeds(root);
  return 0;
}
