// Region authority (DESIGN §5, invariant 9) over the real pull path: nodes with
// certificates made by deploy/certs.sh sign their entries, and every receiver checks
// the signature, the origin's hash chain and that the origin's certified region covers
// what each entry writes. A rogue node whose certificate says BO-LP and that writes
// a chapter of BO-SC is refused by every honest node, so its write never travels on.
// Snapshots carry the signed entry of every version, so a rogue node cannot forge
// records through them either. Every refusal shows on /metrics by reason.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "node/admin/revocations.h"
#include "node/registry/registry.h"
#include "node/registry/replica.h"
#include "node/replication/batch_apply.h"
#include "node/replication/endpoint.h"
#include "node/replication/log_shipper.h"
#include "node/replication/log_truncation.h"
#include "node/replication/peer_directory.h"
#include "node/replication/pull_session.h"
#include "node/replication/rejection_counts.h"
#include "node/replication/snapshot.h"
#include "node/security/entry_signing.h"
#include "node/security/revocation.h"
#include "node/security/revocation_check.h"
#include "node/server/http_endpoint.h"
#include "node/server/metrics.h"
#include "node/store/committed_state.h"
#include "node/store/read_view.h"
#include "node/store/record_io.h"
#include "node/store/sha256.h"
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

using ::testing::HasSubstr;

// Messages a test wrote, replayed as one call's stream.
template <typename Message>
class Replay : public Incoming<Message> {
 public:
  explicit Replay(std::vector<Message> messages) : messages_(std::move(messages)) {}
  absl::StatusOr<bool> Next(Message* out) override {
    if (next_ == messages_.size()) return false;
    *out = messages_[next_++];
    return true;
  }
  uint64_t bytes_received() const override { return 0; }

 private:
  std::vector<Message> messages_;
  size_t next_ = 0;
};

// A rogue peer's replication, as the test writes it: a pull is told to take a
// snapshot, the snapshot is what Serve was given, and the pull after it ends at once.
class RogueSnapshots : public Transport {
 public:
  void Serve(std::vector<v1::SnapshotChunk> serve) {
    chunks_ = std::move(serve);
    served_ = false;
  }

  std::unique_ptr<Incoming<v1::PullResponse>> Pull(const std::string&,
                                                   const v1::PullRequest&) override {
    v1::PullResponse response;
    if (served_) {
      response.mutable_done();
    } else {
      response.mutable_snapshot_needed()->set_reason("rogue");
    }
    return std::make_unique<Replay<v1::PullResponse>>(std::vector<v1::PullResponse>{response});
  }
  std::unique_ptr<Incoming<v1::SnapshotChunk>> Snapshot(const std::string&,
                                                        const v1::SnapshotRequest&) override {
    served_ = true;
    return std::make_unique<Replay<v1::SnapshotChunk>>(chunks_);
  }
  absl::Status Notify(const std::string&, const v1::NotifyRequest&) override {
    return absl::OkStatus();
  }

 private:
  std::vector<v1::SnapshotChunk> chunks_;
  bool served_ = false;
};

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
  RegionAuthorityTest()
      : certs_(dir_.Sub("certs"), {"nat:BO", "lp:BO-LP", "sc:BO-SC", "lp2:BO-LP"}) {}

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
    return SyncFrom(receiver, source.info.address(), transport_);
  }
  // One pull session, its refusals counted in rejections_.
  absl::Status SyncFrom(Site& receiver, const std::string& address, Transport& transport) {
    SessionOptions options;
    options.rejections = &rejections_;
    return PullFrom(*receiver.replica, *receiver.peers, transport, address, options).status();
  }

  // GET /metrics from an HTTP endpoint serving `site`'s metrics and this test's
  // refusal counts, as pacto-node serves them.
  std::string ScrapeMetrics(Site& site) {
    HttpEndpoint::Handlers handlers;
    handlers.healthy = [] { return true; };
    handlers.not_ready = [] { return std::string(); };
    handlers.metrics = [&] {
      MetricsSources sources;
      sources.db = &site.replica->db();
      sources.pipeline = site.replica->pipeline().stats();
      sources.rejections = &rejections_;
      return RenderMetrics(sources);
    };
    absl::StatusOr<std::unique_ptr<HttpEndpoint>> http =
        HttpEndpoint::Start("127.0.0.1:0", std::move(handlers));
    EXPECT_TRUE(http.ok()) << http.status();
    if (!http.ok()) return "";
    httplib::Client client("127.0.0.1", (*http)->port());
    httplib::Result result = client.Get("/metrics");
    std::string body = result && result->status == 200 ? result->body : "";
    (*http)->Stop();
    return body;
  }
  static std::string Rejected(absl::string_view reason, int count) {
    return absl::StrCat("pacto_replication_rejected_entries_total{reason=\"", reason, "\"} ", count,
                        "\n");
  }

  // `site`'s snapshot as it serves it.
  static std::vector<v1::SnapshotChunk> SnapshotOf(Site& site) {
    std::vector<v1::SnapshotChunk> chunks;
    uint64_t records = 0;
    absl::Status s = ShipSnapshot(
        site.replica->db(), 0,
        [&](const v1::SnapshotChunk& chunk) {
          chunks.push_back(chunk);
          return true;
        },
        &records);
    EXPECT_TRUE(s.ok()) << s;
    return chunks;
  }
  // The record (type, id) in `chunks`; null when absent.
  static v1::SnapshotRecord* FindRecord(std::vector<v1::SnapshotChunk>& chunks, v1::RecordType type,
                                        const std::string& id) {
    for (v1::SnapshotChunk& chunk : chunks) {
      for (v1::SnapshotRecord& record : *chunk.mutable_records()) {
        if (record.type() == type && record.id() == id) return &record;
      }
    }
    return nullptr;
  }
  static void DropRecord(std::vector<v1::SnapshotChunk>& chunks, v1::RecordType type,
                         const std::string& id) {
    for (v1::SnapshotChunk& chunk : chunks) {
      auto* records = chunk.mutable_records();
      for (int i = 0; i < records->size(); ++i) {
        if (records->Get(i).type() == type && records->Get(i).id() == id) {
          records->DeleteSubrange(i, 1);
          return;
        }
      }
    }
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
  RejectionCounts rejections_;
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

// A region and what is written under it travel in one batch: the region counts for
// the entries after it before it is applied (docs/OPERATIONS.md had this refused).
TEST_F(RegionAuthorityTest, ARegionTreeReplicatedWholeIsTaken) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  nat_ = &Open("nat", "BO");
  lp_ = &Open("lp", "BO-LP");
  AddRegion(*nat_, "BO", "");
  AddRegion(*nat_, "BO-LP", "BO");
  AddRegion(*nat_, "BO-LP-OMA", "BO-LP");
  AddRegion(*nat_, "BO-LP-OMA-1", "BO-LP-OMA");
  const std::string chapter = AddChapter(*nat_, "BO-LP-OMA-1");
  absl::Status pulled = Sync(*lp_, *nat_);
  ASSERT_TRUE(pulled.ok()) << pulled;
  EXPECT_TRUE(Has(*lp_, chapter));
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
  // Both refusals counted, by reason, on /metrics.
  const std::string metrics = ScrapeMetrics(*nat_);
  EXPECT_THAT(metrics, HasSubstr(Rejected("region", 2)));
  EXPECT_THAT(metrics, HasSubstr(Rejected("signature", 0)));
  EXPECT_THAT(metrics, HasSubstr(Rejected("chain", 0)));
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
  absl::Status pulled = SyncFrom(*sc_, "loopback:lp-clone", transport_);
  EXPECT_TRUE(absl::IsPermissionDenied(pulled)) << pulled;
  EXPECT_NE(pulled.message().find("forked"), absl::string_view::npos) << pulled;
  EXPECT_THAT(ScrapeMetrics(*sc_), HasSubstr(Rejected("chain", 1)));
}

// Snapshots carry each version's signed entry, kept aside when the log that held it
// is truncated or when it came in a snapshot itself, so they travel onwards: nat's
// log is truncated, sc catches up from nat by snapshot, and a new node from sc, whose
// log never held lp's entries.
TEST_F(RegionAuthorityTest, SnapshotsCarryEveryVersionsSignedEntryOnwards) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  Federation();
  const std::string first = AddChapter(*lp_, "BO-LP");
  const std::string second = AddChapter(*lp_, "BO-LP");
  ASSERT_TRUE(Sync(*nat_, *lp_).ok());
  absl::StatusOr<TruncationResult> truncated = TruncateLog(*nat_->replica, {}, 0);
  ASSERT_TRUE(truncated.ok()) << truncated.status();
  EXPECT_GT(truncated->removed, 0u);

  absl::StatusOr<SessionOutcome> by_snapshot =
      PullFrom(*sc_->replica, *sc_->peers, transport_, nat_->info.address());
  ASSERT_TRUE(by_snapshot.ok()) << by_snapshot.status();
  EXPECT_GT(by_snapshot->snapshot_records, 0u);
  EXPECT_TRUE(Has(*sc_, first));
  EXPECT_TRUE(Has(*sc_, second));

  Site& fresh = Open("lp2", "BO-LP");
  absl::StatusOr<SessionOutcome> onwards =
      PullFrom(*fresh.replica, *fresh.peers, transport_, sc_->info.address());
  ASSERT_TRUE(onwards.ok()) << onwards.status();
  EXPECT_GT(onwards->snapshot_records, 0u);
  EXPECT_TRUE(Has(fresh, first));
  EXPECT_TRUE(Has(fresh, second));
  // Its copies came with their entries: a snapshot from it proves every version too.
  for (const v1::SnapshotChunk& chunk : SnapshotOf(fresh)) {
    for (const v1::SnapshotRecord& record : chunk.records()) {
      for (const v1::Version& version : record.state().versions()) {
        bool proven = false;
        for (const v1::Entry& entry : chunk.evidence()) {
          proven |= entry.origin() == version.dot().origin() && entry.seq() == version.dot().seq();
        }
        EXPECT_TRUE(proven) << record.id() << " " << version.dot().origin() << ":"
                            << version.dot().seq();
      }
    }
  }
}

// A rogue node (certificate BO-LP) serving forged snapshots: a chapter of a region
// its certificate does not cover, under its own valid signature; another origin's
// record with a changed value; a version without its entry; and a version whose entry
// it re-signed. Each is refused whole, nothing of it lands, and /metrics counts each
// by reason. The same snapshot without the forgery is taken.
TEST_F(RegionAuthorityTest, ARogueNodesForgedSnapshotsAreRefused) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  Federation();
  const std::string honest = AddChapter(*sc_, "BO-SC");
  ASSERT_TRUE(Sync(*lp_, *sc_).ok());
  const std::string rogue = AddChapter(*lp_, "BO-SC");  // its registry lets it
  const std::vector<v1::SnapshotChunk> served = SnapshotOf(*lp_);
  ASSERT_FALSE(served.empty());
  ASSERT_GT(served[0].evidence_size(), 0);
  ASSERT_GT(served[0].origin_certificates_size(), 0);
  RogueSnapshots rogue_lp;
  auto take = [&](std::vector<v1::SnapshotChunk> chunks) {
    rogue_lp.Serve(std::move(chunks));
    return SyncFrom(*nat_, "loopback:rogue-lp", rogue_lp);
  };

  // 1. Its own write outside its region, signed by itself.
  absl::Status outside = take(served);
  EXPECT_TRUE(absl::IsPermissionDenied(outside)) << outside;
  EXPECT_THAT(std::string(outside.message()), HasSubstr("does not cover"));

  // 2. sc's chapter with another name, under sc's signed entry.
  std::vector<v1::SnapshotChunk> renamed = served;
  DropRecord(renamed, v1::RECORD_TYPE_CHAPTER, rogue);
  v1::SnapshotRecord* record = FindRecord(renamed, v1::RECORD_TYPE_CHAPTER, honest);
  ASSERT_NE(record, nullptr);
  ASSERT_EQ(record->state().versions_size(), 1);
  v1::Chapter chapter;
  ASSERT_TRUE(chapter.ParseFromString(record->state().versions(0).value()));
  chapter.set_name("Sindicato Falso");
  const std::string forged_value = chapter.SerializeAsString();
  record->mutable_state()->mutable_versions(0)->set_value(forged_value);
  absl::Status forged = take(renamed);
  EXPECT_TRUE(absl::IsPermissionDenied(forged)) << forged;
  EXPECT_THAT(std::string(forged.message()), HasSubstr("not the one its origin signed"));

  // 3. The same without any entries to show for it.
  std::vector<v1::SnapshotChunk> bare = renamed;
  for (v1::SnapshotChunk& chunk : bare) chunk.clear_evidence();
  absl::Status unproven = take(bare);
  EXPECT_TRUE(absl::IsPermissionDenied(unproven)) << unproven;
  EXPECT_THAT(std::string(unproven.message()), HasSubstr("without the signed entry"));

  // 4. The forged value with sc's entry made to match, signed with the rogue's key.
  std::vector<v1::SnapshotChunk> resigned = renamed;
  const v1::Dot& dot = record->state().versions(0).dot();
  bool found = false;
  for (v1::SnapshotChunk& chunk : resigned) {
    for (v1::Entry& entry : *chunk.mutable_evidence()) {
      if (entry.origin() != dot.origin() || entry.seq() != dot.seq()) continue;
      for (v1::Op& op : *entry.mutable_ops()) {
        if (op.id() == honest) op.set_value_hash(Sha256(forged_value));
      }
      ASSERT_TRUE(lp_->signer->Sign(&entry).ok());
      found = true;
    }
  }
  ASSERT_TRUE(found);
  absl::Status resigned_status = take(resigned);
  EXPECT_TRUE(absl::IsPermissionDenied(resigned_status)) << resigned_status;
  EXPECT_THAT(std::string(resigned_status.message()), HasSubstr("signature does not check"));

  EXPECT_FALSE(Has(*nat_, rogue));
  EXPECT_FALSE(Has(*nat_, honest));  // refused chunks land nothing
  const std::string metrics = ScrapeMetrics(*nat_);
  EXPECT_THAT(metrics, HasSubstr(Rejected("region", 1)));
  EXPECT_THAT(metrics, HasSubstr(Rejected("evidence", 2)));
  EXPECT_THAT(metrics, HasSubstr(Rejected("signature", 1)));

  // Without the forgery, the rogue's snapshot is taken: sc's chapter as sc wrote it.
  std::vector<v1::SnapshotChunk> clean = served;
  DropRecord(clean, v1::RECORD_TYPE_CHAPTER, rogue);
  absl::Status taken = take(clean);
  EXPECT_TRUE(taken.ok()) << taken;
  EXPECT_TRUE(Has(*nat_, honest));
  EXPECT_FALSE(Has(*nat_, rogue));
}

// Token revocations are records homed in a region like any other (revocation.h): a
// node whose certificate says BO-LP cannot originate one for BO-SC, nor pass one off
// as BO-LP's by its op's home region; where it is refused it revokes nothing.
TEST_F(RegionAuthorityTest, ARogueRevocationForAnotherRegionIsRefusedAndRevokesNothing) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  Federation();
  absl::StatusOr<v1::TokenClaims> victim =
      NewTokenClaims("victim", "enroller", "BO-SC", absl::Hours(1), absl::Now());
  ASSERT_TRUE(victim.ok()) << victim.status();
  // lp's own node lets it write (the RPC layer's authorizer would not).
  ScopeResolver lp_scope(&lp_->replica->db());
  TokenRevocations revocations(&lp_->replica->db(), &lp_->replica->pipeline(), &lp_scope,
                               SystemClock());
  Principal rogue;
  rogue.kind = Principal::Kind::kToken;
  rogue.role = Role::kOperator;
  rogue.name = "rogue";
  rogue.region = "BO-SC";
  v1::RevokeTokenRequest request;
  request.set_token_id(victim->id());
  absl::StatusOr<v1::RevokeTokenResponse> written =
      Await<v1::RevokeTokenResponse>([&](v1::RevokeTokenResponse* out, auto done) {
        revocations.Revoke(request, rogue, out, done);
      });
  ASSERT_TRUE(written.ok()) << written.status();
  ScopeResolver lp_resolver(&lp_->replica->db());
  EXPECT_TRUE(
      absl::IsUnauthenticated(RevocationChecker(&lp_->replica->db(), &lp_resolver).Check(*victim)));

  absl::Status direct = Sync(*sc_, *lp_);
  EXPECT_TRUE(absl::IsPermissionDenied(direct)) << direct;
  EXPECT_THAT(std::string(direct.message()), HasSubstr("does not cover"));
  absl::Status via_nat = Sync(*nat_, *lp_);
  EXPECT_TRUE(absl::IsPermissionDenied(via_nat)) << via_nat;
  for (Site* site : {sc_, nat_}) {
    ScopeResolver resolver(&site->replica->db());
    EXPECT_TRUE(RevocationChecker(&site->replica->db(), &resolver).Check(*victim).ok())
        << site->info.node_id();
  }
}

TEST_F(RegionAuthorityTest, ARevocationDisguisedAsTheOriginsRegionIsRefused) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  Federation();
  absl::StatusOr<v1::TokenClaims> victim =
      NewTokenClaims("victim", "enroller", "BO-SC", absl::Hours(1), absl::Now());
  ASSERT_TRUE(victim.ok()) << victim.status();
  v1::TokenRevocation record;
  record.set_token_id(victim->id());
  record.set_region("BO-SC");
  record.set_revoked_at(absl::ToUnixSeconds(absl::Now()));
  record.set_revoked_by("rogue");
  record.set_id(RevocationId("BO-SC", RevocationKind::kTokenId, victim->id()));
  ASSERT_TRUE(ValidateRevocation(record).ok());
  // Labelled BO-LP, which lp's certificate covers; the value says BO-SC.
  absl::Status written = lp_->replica->pipeline().Execute(
      [&](WriteContext& ctx) {
        v1::Op op;
        op.set_type(v1::RECORD_TYPE_TOKEN_REVOCATION);
        op.set_id(record.id());
        op.set_kind(v1::Op::PUT);
        op.set_value(record.SerializeAsString());
        op.set_home_region("BO-LP");
        return ctx.Emit(std::move(op));
      },
      "rogue");
  ASSERT_TRUE(written.ok()) << written;
  absl::Status pulled = Sync(*sc_, *lp_);
  EXPECT_TRUE(absl::IsPermissionDenied(pulled)) << pulled;
  EXPECT_THAT(std::string(pulled.message()), HasSubstr("belongs to region BO-SC"));
  ScopeResolver resolver(&sc_->replica->db());
  EXPECT_TRUE(RevocationChecker(&sc_->replica->db(), &resolver).Check(*victim).ok());
}

}  // namespace
}  // namespace pacto
