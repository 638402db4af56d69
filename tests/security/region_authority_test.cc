// Region authority (DESIGN §5, invariant 9) over the real pull path: nodes with
// certificates made by deploy/certs.sh sign their entries, and every receiver checks
// the signature, the origin's hash chain and that the origin's certified region covers
// what each entry writes. A rogue node whose certificate says BO-LP and that writes
// a chapter of BO-SC is refused by every honest node, so its write never travels on.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "node/registry/registry.h"
#include "node/replica/replica.h"
#include "node/replication/batch_apply.h"
#include "node/replication/endpoint.h"
#include "node/replication/log_shipper.h"
#include "node/replication/peer_directory.h"
#include "node/replication/pull_session.h"
#include "node/security/entry_signing.h"
#include "node/store/committed_state.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "tests/reports/loopback_transport.h"
#include "tests/security/federation_certs.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One node of the federation, in-process, secure.
struct Site {
  std::unique_ptr<SignedEntries> signer;
  std::unique_ptr<Replica> replica;
  std::unique_ptr<PeerDirectory> peers;
  std::unique_ptr<ReplicationEndpoint> endpoint;
  v1::NodeInfo info;
};

class RegionAuthorityTest : public ::testing::Test {
 protected:
  RegionAuthorityTest() : certs_(dir_.Sub("certs"), {"nat:BO", "lp:BO-LP", "sc:BO-SC"}) {}

  // `address` defaults to loopback:ID; the data dir is named after it.
  Site& Open(const std::string& id, const std::string& region, std::string address = "") {
    if (address.empty()) address = "loopback:" + id;
    auto site = std::make_unique<Site>();
    absl::StatusOr<std::unique_ptr<SignedEntries>> signer = SignedEntries::Create(
        ReadFile(certs_.File(id + ".crt")), ReadFile(certs_.File(id + ".key")),
        ReadFile(certs_.File("ca.crt")), certs_.File("crl"));
    EXPECT_TRUE(signer.ok()) << signer.status();
    site->signer = std::move(*signer);
    Replica::Options options;
    options.database.path = dir_.Sub(address.substr(address.find(':') + 1));
    options.database.node_id = id;
    options.database.write_buffer_bytes = 8 << 20;
    options.region = region;
    options.authenticator = site->signer.get();
    absl::StatusOr<std::unique_ptr<Replica>> replica = Replica::Open(options);
    EXPECT_TRUE(replica.ok()) << replica.status();
    site->replica = std::move(*replica);
    site->info.set_node_id(id);
    site->info.set_region(region);
    site->info.set_address(address);
    site->peers = std::move(*PeerDirectory::Load(&site->replica->db(), site->info));
    site->endpoint = std::make_unique<ReplicationEndpoint>(&site->replica->db(), site->peers.get(),
                                                           site->info, [](const std::string&) {});
    transport_.Attach(site->info.address(), site->endpoint.get());
    sites_.push_back(std::move(site));
    return *sites_.back();
  }

  absl::Status Sync(Site& receiver, Site& source) {
    return PullFrom(*receiver.replica, *receiver.peers, transport_, source.info.address()).status();
  }

  static void AddRegion(Site& site, const std::string& code, const std::string& parent) {
    v1::AddRegionRequest req;
    req.mutable_region()->set_code(code);
    req.mutable_region()->set_name(code);
    req.mutable_region()->set_parent(parent);
    absl::StatusOr<v1::Region> r = Await<v1::Region>([&](v1::Region* out, auto done) {
      site.replica->registry().AddRegion(req, "t", out, done);
    });
    ASSERT_TRUE(r.ok()) << r.status();
  }

  static std::string AddChapter(Site& site, const std::string& region) {
    v1::AddChapterRequest req;
    req.set_name("Sindicato de " + region);
    req.set_level("sindicato");
    req.set_region(region);
    absl::StatusOr<v1::Chapter> c = Await<v1::Chapter>([&](v1::Chapter* out, auto done) {
      site.replica->registry().AddChapter(req, "t", out, done);
    });
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->id() : "";
  }

  static bool Has(Site& site, const std::string& chapter) {
    v1::RecordState state;
    ReadView view(&site.replica->db());
    absl::StatusOr<bool> found = ReadState(view, v1::RECORD_TYPE_CHAPTER, chapter, &state);
    return found.ok() && *found;
  }

  // The national node makes the regions; the others take them from it.
  void Federation() {
    nat_ = &Open("nat", "BO");
    lp_ = &Open("lp", "BO-LP");
    sc_ = &Open("sc", "BO-SC");
    AddRegion(*nat_, "BO", "");
    AddRegion(*nat_, "BO-LP", "BO");
    AddRegion(*nat_, "BO-SC", "BO");
    ASSERT_TRUE(Sync(*lp_, *nat_).ok());
    ASSERT_TRUE(Sync(*sc_, *nat_).ok());
  }

  TempDir dir_;
  FederationCerts certs_;
  LoopbackTransport transport_;
  std::vector<std::unique_ptr<Site>> sites_;
  Site* nat_ = nullptr;
  Site* lp_ = nullptr;
  Site* sc_ = nullptr;
};

TEST_F(RegionAuthorityTest, WritesInsideTheOriginsRegionTravelEverywhere) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  Federation();
  const std::string chapter = AddChapter(*lp_, "BO-LP");
  ASSERT_TRUE(Sync(*nat_, *lp_).ok());
  ASSERT_TRUE(Sync(*sc_, *nat_).ok());  // forwarded by nat, still lp's signature
  EXPECT_TRUE(Has(*sc_, chapter));
}

TEST_F(RegionAuthorityTest, ARogueWriteOutsideItsRegionIsRefusedAndNeverForwarded) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  Federation();
  // lp's own registry lets it write (the RPC layer's authorizer would not); its
  // certificate says BO-LP, so no honest node takes the BO-SC chapter.
  const std::string rogue = AddChapter(*lp_, "BO-SC");
  absl::Status direct = Sync(*sc_, *lp_);
  EXPECT_TRUE(absl::IsPermissionDenied(direct)) << direct;
  EXPECT_NE(direct.message().find("does not cover"), absl::string_view::npos) << direct;
  EXPECT_FALSE(Has(*sc_, rogue));
  absl::Status via_nat = Sync(*nat_, *lp_);
  EXPECT_TRUE(absl::IsPermissionDenied(via_nat)) << via_nat;
  EXPECT_FALSE(Has(*nat_, rogue));
  ASSERT_TRUE(Sync(*sc_, *nat_).ok());
  EXPECT_FALSE(Has(*sc_, rogue));
}

TEST_F(RegionAuthorityTest, TamperedForgedAndReplayedEntriesAreRefused) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  Federation();
  AddChapter(*lp_, "BO-LP");
  AddChapter(*lp_, "BO-LP");
  // lp's entries as they would travel, read from its log.
  std::vector<v1::Entry> shipped;
  v1::PullRequest request;
  {
    ReadView view(&sc_->replica->db());
    absl::StatusOr<CommittedState> state = ReadCommittedState(view);
    ASSERT_TRUE(state.ok());
    state->version_vector.ToProto(request.mutable_version_vector());
  }
  ShipStats stats;
  ASSERT_TRUE(ShipLog(
                  lp_->replica->db(), request, v1::PullDone(),
                  [&](const v1::PullResponse& r) {
                    for (const v1::Entry& e : r.batch().entries()) shipped.push_back(e);
                    for (const std::string& pem : r.batch().origin_certificates()) {
                      EXPECT_TRUE(sc_->signer->AddCertificate(pem).ok());
                    }
                    return true;
                  },
                  &stats)
                  .ok());
  ASSERT_EQ(shipped.size(), 2u);
  auto apply = [&](std::vector<v1::Entry> entries) {
    return ApplyBatch(sc_->replica->pipeline(), sc_->replica->hlc(), entries, "node:sc", nullptr);
  };

  std::vector<v1::Entry> tampered = shipped;
  v1::Chapter chapter;
  ASSERT_TRUE(chapter.ParseFromString(tampered[0].ops(0).value()));
  chapter.set_name("Sindicato Falso");
  tampered[0].mutable_ops(0)->set_value(chapter.SerializeAsString());
  EXPECT_TRUE(absl::IsPermissionDenied(apply(tampered)));

  std::vector<v1::Entry> forged = {shipped[0]};
  forged[0].set_origin("nat");  // lp's signature under nat's name
  forged[0].set_seq(4);         // nat's next
  EXPECT_TRUE(absl::IsPermissionDenied(apply(forged)));

  EXPECT_TRUE(apply(shipped).ok());
}

// A node id whose history forks (a clone of lp's certificate on a fresh data dir,
// or a node restored from an old backup that writes again under its old id): its
// entries past the fork do not continue the chain the others hold, and are refused.
TEST_F(RegionAuthorityTest, AForkedOriginHistoryIsRefused) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  Federation();
  AddChapter(*lp_, "BO-LP");
  AddChapter(*lp_, "BO-LP");
  ASSERT_TRUE(Sync(*sc_, *lp_).ok());

  // The clone: lp's certificate and id, but a history of its own.
  Site& fork = Open("lp", "BO-LP", "loopback:lp-clone");  // lp's key, a fresh data dir
  ASSERT_TRUE(Sync(fork, *nat_).ok());
  AddChapter(fork, "BO-LP");
  AddChapter(fork, "BO-LP");
  AddChapter(fork, "BO-LP");  // lp:3, chained to the clone's lp:2, not lp's
  absl::Status pulled =
      PullFrom(*sc_->replica, *sc_->peers, transport_, "loopback:lp-clone").status();
  EXPECT_TRUE(absl::IsPermissionDenied(pulled)) << pulled;
  EXPECT_NE(pulled.message().find("forked"), absl::string_view::npos) << pulled;
}

}  // namespace
}  // namespace pacto
