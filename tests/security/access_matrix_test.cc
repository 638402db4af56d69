// The role × method × region matrix (DESIGN §6), against a real secure pacto-node:
// every RPC of the Registry, Reports, Admin and Replication services is called by
// every kind of caller — no token, a node certificate, and reporter, enroller and
// operator tokens — once on a subject inside the caller's region subtree and once
// outside it, and the answer is checked against the expectations written here,
// independently of the node's own access table.
//
// The cells are generated from the services' descriptors: a method that has no case
// below fails the test, so a new RPC cannot ship without a decision about who may
// call it. Probing an id outside one's scope must give exactly the answer a missing
// id gives (code and message).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "node/security/method_rules.h"
#include "pacto/v1/admin.grpc.pb.h"
#include "pacto/v1/registry.grpc.pb.h"
#include "pacto/v1/replication.grpc.pb.h"
#include "pacto/v1/reports.grpc.pb.h"
#include "tests/security/federation_certs.h"

namespace pacto {
namespace {

enum class Caller { kNoToken, kNodeCert, kReporter, kEnroller, kOperator };
enum class Scope {
  kNone,     // no region check: in and out answer alike
  kSubject,  // out of scope: PERMISSION_DENIED
  kHidden,   // out of scope: the very answer a missing id gets
  kNode,     // the token's region must cover the node's (BO); out: an LPZ token
  kRoot,     // the token's region must be a root region (BO); out: an LPZ token
};

const char* Name(Caller c) {
  switch (c) {
    case Caller::kNoToken:
      return "no-token";
    case Caller::kNodeCert:
      return "node-cert";
    case Caller::kReporter:
      return "reporter";
    case Caller::kEnroller:
      return "enroller";
    case Caller::kOperator:
      return "operator";
  }
  return "?";
}

constexpr char kMissingMembership[] = "mb-0000000000000000";

struct Outcome {
  grpc::Status status;
  std::string subject_id;  // the id probed, for kHidden comparisons
};

class Fixture;

// One call's surroundings: who calls, on which region's subject, and whether to probe
// a missing id instead.
struct Ctx {
  Fixture* fx;
  std::shared_ptr<grpc::Channel> channel;
  std::string token;
  std::string region;  // LPZ (inside the caller's scope) or CBB (outside)
  bool missing = false;

  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    PrepareContext(context.get(), token);
    return context;
  }
  std::unique_ptr<v1::Registry::Stub> Registry() const { return v1::Registry::NewStub(channel); }
  std::unique_ptr<v1::Reports::Stub> Reports() const { return v1::Reports::NewStub(channel); }
  std::unique_ptr<v1::Admin::Stub> Admin() const { return v1::Admin::NewStub(channel); }
  std::unique_ptr<v1::Replication::Stub> Replication() const {
    return v1::Replication::NewStub(channel);
  }
  std::string Membership(const std::string& real) const {
    return missing ? kMissingMembership : real;
  }
};

// Records made with a root-region enroller token, for the calls to work on.
class Fixture {
 public:
  Fixture(std::shared_ptr<grpc::Channel> channel, std::string token)
      : registry_(v1::Registry::NewStub(channel)), token_(std::move(token)) {}

  std::string Region(const std::string& code, const std::string& parent) {
    v1::AddRegionRequest q;
    q.mutable_region()->set_code(code);
    q.mutable_region()->set_name(absl::StrCat("Region ", code));
    q.mutable_region()->set_parent(parent);
    v1::Region r;
    Expect(registry_->AddRegion(Context().get(), q, &r), "AddRegion");
    return r.code();
  }
  std::string Chapter(const std::string& region, const std::string& level = "sindicato") {
    v1::AddChapterRequest q;
    q.set_name(absl::StrCat("Sindicato ", ++counter_));
    q.set_region(region);
    q.set_level(level);
    v1::Chapter r;
    Expect(registry_->AddChapter(Context().get(), q, &r), "AddChapter");
    return r.id();
  }
  std::string Member(const std::string& chapter) {
    v1::EnrolMemberRequest q;
    q.set_chapter(chapter);
    q.set_name(absl::StrCat("Persona ", ++counter_));
    v1::Membership r;
    Expect(registry_->EnrolMember(Context().get(), q, &r), "EnrolMember");
    return r.id();
  }
  void Affiliate(const std::string& child, const std::string& parent) {
    v1::AffiliateRequest q;
    q.set_child(child);
    q.set_parent(parent);
    v1::Affiliation r;
    Expect(registry_->Affiliate(Context().get(), q, &r), "Affiliate");
  }
  // A federation-level chapter of `region`, made once.
  std::string Federation(const std::string& region) {
    std::string& id = federations_[region];
    if (id.empty()) id = Chapter(region, "federation");
    return id;
  }
  std::string NewRegionCode() { return absl::StrCat("R", ++counter_); }
  // What Admin.Backup names: a sub-directory of the node's --backup-dir.
  std::string BackupName() const { return "matrix"; }

 private:
  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    PrepareContext(context.get(), token_);
    return context;
  }
  static void Expect(const grpc::Status& s, const char* what) {
    ASSERT_TRUE(s.ok()) << "fixture " << what << ": " << s.error_code() << " " << s.error_message();
  }

  std::unique_ptr<v1::Registry::Stub> registry_;
  std::string token_;
  std::map<std::string, std::string> federations_;
  int counter_ = 0;
};

template <typename Response, typename Reader>
grpc::Status ReadAll(Reader&& reader) {
  Response chunk;
  while (reader->Read(&chunk)) {
  }
  return reader->Finish();
}

grpc::StatusCode CodeNamed(const std::string& name) {
  static const std::map<std::string, grpc::StatusCode> codes = {
      {"INVALID_ARGUMENT", grpc::INVALID_ARGUMENT},
      {"NOT_FOUND", grpc::NOT_FOUND},
      {"PERMISSION_DENIED", grpc::PERMISSION_DENIED},
      {"UNAUTHENTICATED", grpc::UNAUTHENTICATED},
      {"ALREADY_EXISTS", grpc::ALREADY_EXISTS},
      {"FAILED_PRECONDITION", grpc::FAILED_PRECONDITION}};
  auto it = codes.find(name);
  return it == codes.end() ? grpc::UNKNOWN : it->second;
}

struct Case {
  std::set<Caller> allowed;
  Scope scope;
  std::function<Outcome(Ctx&)> call;
};

using C = Caller;
const std::set<Caller> kReaders = {C::kEnroller, C::kOperator};
const std::set<Caller> kEveryone = {C::kReporter, C::kEnroller, C::kOperator};

// Each method: who may call it, how its region is checked, and a call that succeeds
// when allowed.
std::map<std::string, Case> Cases() {
  std::map<std::string, Case> cases;
  auto add = [&](const std::string& service, const std::string& method, Case c) {
    cases[FullMethodName(service, method)] = std::move(c);
  };
  const std::string reg = "pacto.v1.Registry";
  add(reg, "AddRegion", {{C::kEnroller}, Scope::kSubject, [](Ctx& c) {
                           v1::AddRegionRequest q;
                           q.mutable_region()->set_code(c.fx->NewRegionCode());
                           q.mutable_region()->set_name("Nueva");
                           q.mutable_region()->set_parent(c.region);
                           v1::Region r;
                           return Outcome{c.Registry()->AddRegion(c.Context().get(), q, &r), ""};
                         }});
  add(reg, "GetRegion", {kReaders, Scope::kNone, [](Ctx& c) {
                           v1::GetRegionRequest q;
                           q.set_code(c.region);
                           v1::Region r;
                           return Outcome{c.Registry()->GetRegion(c.Context().get(), q, &r), ""};
                         }});
  add(reg, "ListRegions",
      {kReaders, Scope::kNone, [](Ctx& c) {
         v1::ListRegionsResponse r;
         return Outcome{c.Registry()->ListRegions(c.Context().get(), v1::ListRegionsRequest(), &r),
                        ""};
       }});
  add(reg, "AddChapter", {{C::kEnroller}, Scope::kSubject, [](Ctx& c) {
                            v1::AddChapterRequest q;
                            q.set_name("Sindicato Nuevo");
                            q.set_region(c.region);
                            q.set_level("sindicato");
                            v1::Chapter r;
                            return Outcome{c.Registry()->AddChapter(c.Context().get(), q, &r), ""};
                          }});
  add(reg, "UpdateChapter",
      {{C::kEnroller}, Scope::kSubject, [](Ctx& c) {
         v1::UpdateChapterRequest q;
         q.set_id(c.fx->Chapter(c.region));
         q.set_name("Renombrado");
         v1::Chapter r;
         return Outcome{c.Registry()->UpdateChapter(c.Context().get(), q, &r), q.id()};
       }});
  add(reg, "GetChapter", {kReaders, Scope::kNone, [](Ctx& c) {
                            v1::GetChapterRequest q;
                            q.set_id(c.fx->Federation(c.region));
                            v1::Chapter r;
                            return Outcome{c.Registry()->GetChapter(c.Context().get(), q, &r), ""};
                          }});
  add(reg, "ListChapters",
      {kReaders, Scope::kNone, [](Ctx& c) {
         v1::ListChaptersRequest q;
         q.set_region(c.region);
         v1::ListChaptersResponse r;
         return Outcome{c.Registry()->ListChapters(c.Context().get(), q, &r), ""};
       }});
  add(reg, "Affiliate", {{C::kEnroller}, Scope::kSubject, [](Ctx& c) {
                           v1::AffiliateRequest q;
                           q.set_child(c.fx->Chapter(c.region));
                           q.set_parent(c.fx->Federation(c.region));
                           v1::Affiliation r;
                           return Outcome{c.Registry()->Affiliate(c.Context().get(), q, &r), ""};
                         }});
  add(reg, "Disaffiliate",
      {{C::kEnroller}, Scope::kSubject, [](Ctx& c) {
         v1::DisaffiliateRequest q;
         q.set_child(c.fx->Chapter(c.region));
         q.set_parent(c.fx->Federation(c.region));
         c.fx->Affiliate(q.child(), q.parent());
         v1::Affiliation r;
         return Outcome{c.Registry()->Disaffiliate(c.Context().get(), q, &r), ""};
       }});
  add(reg, "GetAffiliation",
      {kReaders, Scope::kNone, [](Ctx& c) {
         v1::GetAffiliationRequest q;
         q.set_child(c.fx->Federation(c.region));
         v1::Affiliation r;
         return Outcome{c.Registry()->GetAffiliation(c.Context().get(), q, &r), ""};
       }});
  add(reg, "EnrolMember",
      {{C::kEnroller}, Scope::kSubject, [](Ctx& c) {
         v1::EnrolMemberRequest q;
         q.set_chapter(c.fx->Federation(c.region));
         q.set_name("Nueva Persona");
         v1::Membership r;
         return Outcome{c.Registry()->EnrolMember(c.Context().get(), q, &r), ""};
       }});
  add(reg, "GetMember",
      {kReaders, Scope::kHidden, [](Ctx& c) {
         v1::GetMemberRequest q;
         q.set_id(c.Membership(c.fx->Member(c.fx->Federation(c.region))));
         v1::Membership r;
         return Outcome{c.Registry()->GetMember(c.Context().get(), q, &r), q.id()};
       }});
  add(reg, "ListMembers",
      {kReaders, Scope::kSubject, [](Ctx& c) {
         v1::ListMembersRequest q;
         q.set_chapter(c.fx->Federation(c.region));
         v1::ListMembersResponse r;
         return Outcome{c.Registry()->ListMembers(c.Context().get(), q, &r), ""};
       }});
  add(reg, "TransferMember",
      {{C::kEnroller}, Scope::kHidden, [](Ctx& c) {
         v1::TransferMemberRequest q;
         q.set_id(c.Membership(c.fx->Member(c.fx->Federation(c.region))));
         q.set_to_chapter(c.fx->Chapter(c.region));
         v1::Membership r;
         return Outcome{c.Registry()->TransferMember(c.Context().get(), q, &r), q.id()};
       }});
  add(reg, "EndMembership",
      {{C::kEnroller}, Scope::kHidden, [](Ctx& c) {
         v1::EndMembershipRequest q;
         q.set_id(c.Membership(c.fx->Member(c.fx->Federation(c.region))));
         v1::Membership r;
         return Outcome{c.Registry()->EndMembership(c.Context().get(), q, &r), q.id()};
       }});
  add(reg, "RemoveMember",
      {{C::kEnroller}, Scope::kHidden, [](Ctx& c) {
         v1::RemoveMemberRequest q;
         q.set_id(c.Membership(c.fx->Member(c.fx->Federation(c.region))));
         v1::RemoveMemberResponse r;
         return Outcome{c.Registry()->RemoveMember(c.Context().get(), q, &r), q.id()};
       }});
  // Rows outside the caller's scope are refused one by one; the call itself goes on.
  add(reg, "ImportMembers", {{C::kEnroller}, Scope::kSubject, [](Ctx& c) {
                               v1::ImportMembersRequest q;
                               v1::ImportRow* row = q.add_rows();
                               row->set_line(2);
                               row->set_chapter(c.fx->Federation(c.region));
                               row->set_name("Importada");
                               v1::ImportMembersResponse r;
                               auto context = c.Context();
                               auto writer = c.Registry()->ImportMembers(context.get(), &r);
                               writer->Write(q);
                               writer->WritesDone();
                               grpc::Status s = writer->Finish();
                               if (s.ok() && r.errors_size() > 0) {
                                 s = grpc::Status(CodeNamed(r.errors(0).code()),
                                                  r.errors(0).message());
                               }
                               return Outcome{s, ""};
                             }});
  // The member is person data: asked first, answered as if missing when out of scope.
  add(reg, "AppointOfficer",
      {{C::kEnroller}, Scope::kHidden, [](Ctx& c) {
         v1::AppointOfficerRequest q;
         q.set_chapter(c.fx->Federation(c.region));
         q.set_member(c.Membership(c.fx->Member(q.chapter())));
         q.set_role("secretario general");
         v1::OfficerTerm r;
         return Outcome{c.Registry()->AppointOfficer(c.Context().get(), q, &r), q.member()};
       }});
  add(reg, "ListOfficers",
      {kReaders, Scope::kSubject, [](Ctx& c) {
         v1::ListOfficersRequest q;
         q.set_chapter(c.fx->Federation(c.region));
         v1::ListOfficersResponse r;
         return Outcome{c.Registry()->ListOfficers(c.Context().get(), q, &r), ""};
       }});
  add(reg, "RecordFormation",
      {{C::kEnroller}, Scope::kHidden, [](Ctx& c) {
         v1::RecordFormationRequest q;
         q.set_member(c.Membership(c.fx->Member(c.fx->Federation(c.region))));
         q.set_course("Escuela de formación");
         q.set_date("2020-01-01");
         v1::FormationRecord r;
         return Outcome{c.Registry()->RecordFormation(c.Context().get(), q, &r), q.member()};
       }});
  add(reg, "ListFormation",
      {kReaders, Scope::kHidden, [](Ctx& c) {
         v1::ListFormationRequest q;
         q.set_member(c.Membership(c.fx->Member(c.fx->Federation(c.region))));
         v1::ListFormationResponse r;
         return Outcome{c.Registry()->ListFormation(c.Context().get(), q, &r), q.member()};
       }});
  add(reg, "ExportMembers",
      {{C::kOperator}, Scope::kSubject, [](Ctx& c) {
         v1::ExportMembersRequest q;
         q.set_region(c.region);
         auto context = c.Context();
         return Outcome{
             ReadAll<v1::ExportMembersResponse>(c.Registry()->ExportMembers(context.get(), q)), ""};
       }});

  const std::string rep = "pacto.v1.Reports";
  add(rep, "Summary",
      {kEveryone, Scope::kNone, [](Ctx& c) {
         v1::SummaryResponse r;
         return Outcome{c.Reports()->Summary(c.Context().get(), v1::SummaryRequest(), &r), ""};
       }});
  add(rep, "Regions",
      {kEveryone, Scope::kNone, [](Ctx& c) {
         v1::RegionsResponse r;
         return Outcome{c.Reports()->Regions(c.Context().get(), v1::RegionsRequest(), &r), ""};
       }});
  add(rep, "Freshness",
      {kEveryone, Scope::kNone, [](Ctx& c) {
         v1::FreshnessResponse r;
         return Outcome{c.Reports()->Freshness(c.Context().get(), v1::FreshnessRequest(), &r), ""};
       }});
  add(rep, "Tree",
      {kEveryone, Scope::kNone, [](Ctx& c) {
         auto context = c.Context();
         return Outcome{
             ReadAll<v1::TreeResponse>(c.Reports()->Tree(context.get(), v1::TreeRequest())), ""};
       }});
  add(rep, "Formation", {kEveryone, Scope::kNone, [](Ctx& c) {
                           auto context = c.Context();
                           return Outcome{ReadAll<v1::FormationResponse>(c.Reports()->Formation(
                                              context.get(), v1::FormationRequest())),
                                          ""};
                         }});
  add(rep, "Vacancies", {kEveryone, Scope::kNone, [](Ctx& c) {
                           auto context = c.Context();
                           return Outcome{ReadAll<v1::VacanciesResponse>(c.Reports()->Vacancies(
                                              context.get(), v1::VacanciesRequest())),
                                          ""};
                         }});
  add(rep, "Duplicates", {{C::kOperator}, Scope::kNode, [](Ctx& c) {
                            auto context = c.Context();
                            return Outcome{ReadAll<v1::DuplicatesResponse>(c.Reports()->Duplicates(
                                               context.get(), v1::DuplicatesRequest())),
                                           ""};
                          }});
  add(rep, "Conflicts",
      {{C::kOperator}, Scope::kRoot, [](Ctx& c) {
         v1::ConflictsResponse r;
         return Outcome{c.Reports()->Conflicts(c.Context().get(), v1::ConflictsRequest(), &r), ""};
       }});

  const std::string adm = "pacto.v1.Admin";
  add(adm, "Status",
      {{C::kOperator}, Scope::kNode, [](Ctx& c) {
         v1::StatusResponse r;
         return Outcome{c.Admin()->Status(c.Context().get(), v1::StatusRequest(), &r), ""};
       }});
  add(adm, "Peers",
      {{C::kOperator}, Scope::kNode, [](Ctx& c) {
         v1::PeersResponse r;
         return Outcome{c.Admin()->Peers(c.Context().get(), v1::PeersRequest(), &r), ""};
       }});
  add(adm, "Sync", {{C::kOperator}, Scope::kNode, [](Ctx& c) {
                      v1::SyncResponse r;
                      return Outcome{c.Admin()->Sync(c.Context().get(), v1::SyncRequest(), &r), ""};
                    }});
  add(adm, "Backup", {{C::kOperator}, Scope::kNode, [](Ctx& c) {
                        v1::BackupRequest q;
                        q.set_dir(c.fx->BackupName());
                        v1::BackupResponse r;
                        return Outcome{c.Admin()->Backup(c.Context().get(), q, &r), ""};
                      }});
  add(adm, "Audit", {{C::kOperator}, Scope::kHidden, [](Ctx& c) {
                       v1::AuditRequest q;
                       q.set_record(c.Membership(c.fx->Member(c.fx->Federation(c.region))));
                       v1::AuditResponse r;
                       return Outcome{c.Admin()->Audit(c.Context().get(), q, &r), q.record()};
                     }});
  add(adm, "Events",
      {{C::kOperator}, Scope::kNode, [](Ctx& c) {
         v1::EventsResponse r;
         return Outcome{c.Admin()->Events(c.Context().get(), v1::EventsRequest(), &r), ""};
       }});

  // A revocation homed in the region asked for: inside the token's subtree (and the
  // node's) it is written; outside, refused. By token id, so no caller's token is hit.
  add(adm, "RevokeToken", {{C::kOperator}, Scope::kSubject, [](Ctx& c) {
                             v1::RevokeTokenRequest q;
                             q.set_token_id("00000000000000aa");
                             q.set_region(c.region);
                             q.set_reason("access matrix");
                             v1::RevokeTokenResponse r;
                             return Outcome{c.Admin()->RevokeToken(c.Context().get(), q, &r), ""};
                           }});
  // Filtered to the caller's subtree, never refused for a region.
  add(adm, "ListRevocations",
      {{C::kOperator}, Scope::kNone, [](Ctx& c) {
         v1::ListRevocationsResponse r;
         return Outcome{
             c.Admin()->ListRevocations(c.Context().get(), v1::ListRevocationsRequest(), &r), ""};
       }});

  const std::string rpl = "pacto.v1.Replication";
  auto caller = [](v1::NodeInfo* info) {
    info->set_node_id("n2");
    info->set_region("CBB");
  };
  add(rpl, "Pull",
      {{C::kNodeCert}, Scope::kNone, [caller](Ctx& c) {
         v1::PullRequest q;
         caller(q.mutable_caller());
         auto context = c.Context();
         return Outcome{ReadAll<v1::PullResponse>(c.Replication()->Pull(context.get(), q)), ""};
       }});
  add(rpl, "Snapshot",
      {{C::kNodeCert}, Scope::kNone, [caller](Ctx& c) {
         v1::SnapshotRequest q;
         caller(q.mutable_caller());
         auto context = c.Context();
         return Outcome{ReadAll<v1::SnapshotChunk>(c.Replication()->Snapshot(context.get(), q)),
                        ""};
       }});
  add(rpl, "Notify", {{C::kNodeCert}, Scope::kNone, [caller](Ctx& c) {
                        v1::NotifyRequest q;
                        caller(q.mutable_caller());
                        v1::NotifyResponse r;
                        return Outcome{c.Replication()->Notify(c.Context().get(), q, &r), ""};
                      }});
  return cases;
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir();
    certs_ = new FederationCerts(dir_->Sub("certs"), {"n1:BO", "n2:CBB"});
    ASSERT_TRUE(certs_->ok()) << certs_->error();
    absl::StatusOr<std::unique_ptr<NodeProcess>> node = StartSecureNode(
        *certs_, "n1", dir_->Sub("data"), {"--http", "off", "--backup-dir", dir_->Sub("backups")});
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = node->release();
    client_ = certs_->Channel(node_->address(), "client");
    fixture_ = new Fixture(client_, certs_->Token("enroller", "BO", absl::Hours(1), "setup"));
    fixture_->Region("BO", "");
    fixture_->Region("LPZ", "BO");
    fixture_->Region("CBB", "BO");
  }
  static void TearDownTestSuite() {
    delete fixture_;
    client_.reset();  // an open connection would hold up the node's shutdown
    if (node_ != nullptr) {
      EXPECT_EQ(node_->Stop(), 0) << node_->Log();
    }
    delete node_;
    delete certs_;
    delete dir_;
  }

  static ScratchDir* dir_;
  static FederationCerts* certs_;
  static NodeProcess* node_;
  static Fixture* fixture_;
  static std::shared_ptr<grpc::Channel> client_;
};

ScratchDir* AccessMatrixTest::dir_ = nullptr;
FederationCerts* AccessMatrixTest::certs_ = nullptr;
NodeProcess* AccessMatrixTest::node_ = nullptr;
Fixture* AccessMatrixTest::fixture_ = nullptr;
std::shared_ptr<grpc::Channel> AccessMatrixTest::client_;

// Every method of every guarded service, from the descriptors.
std::vector<std::string> AllMethods() {
  std::vector<std::string> methods;
  for (const std::string& service : GuardedServices()) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    if (descriptor == nullptr) {
      ADD_FAILURE() << "no descriptor for " << service;
      continue;
    }
    for (int i = 0; i < descriptor->method_count(); ++i) {
      methods.push_back(FullMethodName(service, descriptor->method(i)->name()));
    }
  }
  return methods;
}

TEST_F(AccessMatrixTest, EveryCellOfEveryMethod) {
  ASSERT_NE(node_, nullptr);
  const std::map<std::string, Case> cases = Cases();
  auto node_channel = certs_->Channel(node_->address(), "n2");
  int cells = 0;
  for (const std::string& method : AllMethods()) {
    auto found = cases.find(method);
    if (found == cases.end()) {
      ADD_FAILURE() << method << " has no case in the access matrix: decide who may call it "
                    << "(node/security/method_rules.cc) and add it to Cases()";
      continue;
    }
    const Case& c = found->second;
    const bool replication = absl::StartsWith(method, "/pacto.v1.Replication/");
    for (Caller caller : {C::kNoToken, C::kNodeCert, C::kReporter, C::kEnroller, C::kOperator}) {
      for (bool in : {true, false}) {
        ++cells;
        Ctx ctx{fixture_, caller == C::kNodeCert ? node_channel : client_, "", in ? "LPZ" : "CBB"};
        const bool node_scoped = c.scope == Scope::kNode || c.scope == Scope::kRoot;
        const std::string token_region = node_scoped ? (in ? "BO" : "LPZ") : "LPZ";
        switch (caller) {
          case C::kReporter:
            ctx.token = certs_->Token("reporter", token_region);
            break;
          case C::kEnroller:
            ctx.token = certs_->Token("enroller", token_region);
            break;
          case C::kOperator:
            ctx.token = certs_->Token("operator", token_region);
            break;
          default:
            break;
        }
        const std::string where = absl::StrCat(method, " as ", Name(caller), " on a subject ",
                                               in ? "inside" : "outside", " its scope");
        Outcome got = c.call(ctx);
        const grpc::Status& s = got.status;
        if (replication) {
          EXPECT_EQ(s.error_code(), caller == C::kNodeCert ? grpc::OK : grpc::PERMISSION_DENIED)
              << where << ": " << s.error_message();
          continue;
        }
        if (caller == C::kNoToken || caller == C::kNodeCert) {
          EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED) << where << ": " << s.error_message();
          continue;
        }
        if (!c.allowed.count(caller)) {
          EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED) << where << ": " << s.error_message();
          continue;
        }
        if (in || c.scope == Scope::kNone) {
          EXPECT_EQ(s.error_code(), grpc::OK) << where << ": " << s.error_message();
          continue;
        }
        if (c.scope != Scope::kHidden) {
          EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED) << where << ": " << s.error_message();
          continue;
        }
        // Out of scope, hidden: exactly what a missing id gets.
        ctx.missing = true;
        Outcome absent = c.call(ctx);
        EXPECT_NE(s.error_code(), grpc::OK) << where;
        EXPECT_EQ(s.error_code(), absent.status.error_code())
            << where << ": " << s.error_message() << " vs " << absent.status.error_message();
        EXPECT_EQ(absl::StrReplaceAll(s.error_message(), {{got.subject_id, "ID"}}),
                  absl::StrReplaceAll(absent.status.error_message(), {{kMissingMembership, "ID"}}))
            << where;
      }
    }
  }
  EXPECT_GE(cells, 10 * 40);
}

// Deny by default: the node's own table has a rule for every method, and no rule for a
// method that does not exist.
TEST(AccessTableTest, NodeTableCoversExactlyTheServices) {
  std::set<std::string> methods;
  for (const std::string& m : AllMethods()) {
    methods.insert(m);
    EXPECT_NE(FindMethodRule(m), nullptr) << m << " has no rule in node/security/method_rules.cc";
  }
  for (const MethodRule& rule : AllMethodRules()) {
    EXPECT_TRUE(methods.count(std::string(rule.method))) << rule.method << " is not an RPC";
  }
  EXPECT_EQ(FindMethodRule("/pacto.v1.Registry/NoSuchMethod"), nullptr);
}

}  // namespace
}  // namespace pacto
