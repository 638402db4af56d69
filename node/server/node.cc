#include "node/server/node.h"

#include <atomic>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/version.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "node/admin/admin_events.h"
#include "node/admin/backup.h"
#include "node/admin/backup_root.h"
#include "node/admin/status.h"
#include "node/base/log.h"
#include "node/registry/replica.h"
#include "node/replication/endpoint.h"
#include "node/replication/grpc_transport.h"
#include "node/replication/peer_directory.h"
#include "node/replication/syncer.h"
#include "node/security/node_security.h"
#include "node/security/revocation_check.h"
#include "node/security/scope_resolver.h"
#include "node/server/admin_service.h"
#include "node/server/http_endpoint.h"
#include "node/server/metrics.h"
#include "node/server/node_config.h"
#include "node/server/registry_service.h"
#include "node/server/replication_service.h"
#include "node/server/reports_service.h"
#include "node/server/rpc_metrics.h"
#include "node/server/server_limits.h"

namespace pacto {
namespace {

constexpr std::chrono::seconds kDrainTime(3);

}  // namespace

struct Node::Parts {
  // Who the node is and what it holds: constant once Start returns.
  v1::NodeConfig config;
  std::unique_ptr<NodeSecurity> security;
  std::unique_ptr<EntryAuthenticator> authenticator;  // outlives the replica
  std::unique_ptr<Replica> replica;
  // Deciding who may do what, and the operator's own acts.
  std::unique_ptr<ScopeResolver> resolver;
  std::unique_ptr<RevocationChecker> revocations;
  std::unique_ptr<CallGuard> guard;
  std::unique_ptr<AdminEventLog> events;
  std::unique_ptr<BackupTaker> backups;
  std::unique_ptr<TokenRevocations> token_revocations;

  // Replication; built once the gRPC port is bound (the node's address is part of
  // its identity), so the services reach it through pointers set then.
  struct Replication {
    std::unique_ptr<PeerDirectory> peers;
    std::unique_ptr<GrpcTransport> transport;
    std::unique_ptr<ReplicationEndpoint> endpoint;
    std::unique_ptr<Syncer> syncer;
    std::atomic<Syncer*> live_syncer{nullptr};
    std::string advertise;
  } replication;

  // What answers calls.
  struct Services {
    std::unique_ptr<ReplicationService> replication;
    std::unique_ptr<RegistryService> registry;
    std::unique_ptr<ReportsService> reports;
    std::unique_ptr<AdminService> admin;
    std::unique_ptr<grpc::Server> server;
    std::unique_ptr<HttpEndpoint> http;
    RpcMetrics rpcs;
  } services;

  // The node's life.
  // A new (or restored) data dir with seeds to learn from is not ready for traffic
  // until a first sync with one of them has completed.
  bool bootstrapping = false;
  std::atomic<bool> bootstrapped{false};
  std::atomic<bool> serving{false};
  std::atomic<int> grpc_port{0};
  absl::Time started;
  bool shut_down = false;
};

// What the data dir's preparation hands to the steps after it.
struct Node::DataDirPlan {
  FederationKey key = FederationKey::Development();
  std::unique_ptr<BackupRoot> backup_root;  // null without --backup-dir
  v1::AdminEvent restore_event;             // kind empty unless a backup was restored
};

Node::Node(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Node::~Node() { Shutdown(); }

const std::string& Node::node_id() const { return parts_->replica->node_id(); }
int Node::grpc_port() const { return parts_->grpc_port; }
int Node::http_port() const { return parts_->services.http ? parts_->services.http->port() : 0; }
bool Node::development_mode() const { return parts_->security->development(); }
bool Node::encrypted() const { return parts_->security->encrypted(); }
const std::string& Node::region() const { return parts_->config.region(); }

absl::StatusOr<std::unique_ptr<Node>> Node::Start(const v1::NodeConfig& flags) {
  auto parts = std::make_unique<Parts>();
  PACTO_RETURN_IF_ERROR(LoadIdentity(flags, *parts));
  PACTO_ASSIGN_OR_RETURN(DataDirPlan plan, PrepareDataDir(*parts));
  PACTO_RETURN_IF_ERROR(OpenReplica(*parts, std::move(plan.key)));
  PACTO_RETURN_IF_ERROR(OpenAdministration(*parts, std::move(plan)));
  PACTO_RETURN_IF_ERROR(BuildServices(*parts));
  PACTO_RETURN_IF_ERROR(StartGrpc(*parts));
  PACTO_RETURN_IF_ERROR(StartReplication(*parts, parts->grpc_port));
  PACTO_RETURN_IF_ERROR(StartHttp(*parts));
  parts->serving = true;
  return std::unique_ptr<Node>(new Node(std::move(parts)));
}

absl::Status Node::LoadIdentity(const v1::NodeConfig& flags, Parts& p) {
  PACTO_ASSIGN_OR_RETURN(NodeSecurity security, NodeSecurity::Load(flags, absl::Now()));
  p.security = std::make_unique<NodeSecurity>(std::move(security));
  // With TLS, the node is who its certificate says.
  p.config = flags;
  p.config.set_node_id(p.security->node_id());
  p.config.set_region(p.security->region());
  return absl::OkStatus();
}

absl::StatusOr<Node::DataDirPlan> Node::PrepareDataDir(Parts& p) {
  const v1::NodeConfig& config = p.config;
  DataDirPlan plan;
  if (!config.federation_key_file().empty()) {
    PACTO_ASSIGN_OR_RETURN(plan.key, FederationKey::FromFile(config.federation_key_file()));
  }
  std::error_code no_dir;
  p.bootstrapping = !config.peers().empty() &&
                    (!std::filesystem::exists(config.data_dir() + "/CURRENT", no_dir) ||
                     !config.restore_from().empty());
  if (!config.backup_dir().empty()) {
    PACTO_ASSIGN_OR_RETURN(plan.backup_root, BackupRoot::Open(config.backup_dir()));
  }
  if (config.restore_from().empty()) return plan;

  // A relative --restore-from names a backup below --backup-dir (backup.h).
  PACTO_ASSIGN_OR_RETURN(const std::string from,
                         RestoreSource(config.restore_from(), config.backup_dir()));
  // The restored data dir gets a node id of its own (backup.h says why).
  PACTO_ASSIGN_OR_RETURN(
      RestoreReport restored,
      RestoreBackup(from, config.data_dir(), p.security->encryption_key(), config.node_id()));
  LogInfo("restored a backup; catching up with peers",
          {{"backup", from},
           {"backup_id", absl::StrCat(restored.backup_id)},
           {"backed_up_node", restored.original_node_id},
           {"node", restored.node_id}});
  p.config.set_node_id(restored.node_id);
  plan.restore_event.set_kind("restore");
  plan.restore_event.set_principal("command-line");
  plan.restore_event.set_name(config.restore_from());
  plan.restore_event.set_outcome("ok");
  plan.restore_event.set_detail(
      absl::StrCat(from, " backup ", restored.backup_id, " of node ", restored.original_node_id));
  return plan;
}

absl::Status Node::OpenReplica(Parts& p, FederationKey key) {
  Replica::Options options;
  options.database.path = p.config.data_dir();
  options.database.node_id = p.config.node_id();
  options.database.encryption_key = p.security->encryption_key();
  options.region = p.config.region();
  options.federation_key = std::move(key);
  PACTO_ASSIGN_OR_RETURN(p.authenticator, p.security->MakeEntryAuthenticator());
  options.authenticator = p.authenticator.get();
  PACTO_ASSIGN_OR_RETURN(p.replica, Replica::Open(std::move(options)));
  p.started = absl::Now();
  return absl::OkStatus();
}

absl::Status Node::OpenAdministration(Parts& p, DataDirPlan plan) {
  Database* db = &p.replica->db();
  p.resolver = std::make_unique<ScopeResolver>(db);
  p.revocations = std::make_unique<RevocationChecker>(db, p.resolver.get());
  p.guard = p.security->MakeGuard(p.resolver.get(), p.revocations.get(), SystemClock());
  PACTO_ASSIGN_OR_RETURN(p.events, AdminEventLog::Open(db));
  if (!plan.restore_event.kind().empty()) {
    PACTO_RETURN_IF_ERROR(p.events->Record(plan.restore_event));
  }
  p.backups = std::make_unique<BackupTaker>(db, p.security->encryption_key(),
                                            std::move(plan.backup_root), p.events.get());
  p.token_revocations = std::make_unique<TokenRevocations>(db, &p.replica->pipeline(),
                                                           p.resolver.get(), SystemClock());
  return absl::OkStatus();
}

absl::Status Node::BuildServices(Parts& p) {
  const CallGuard* guard = p.guard.get();
  Parts* raw = &p;
  p.services.registry =
      std::make_unique<RegistryService>(&p.replica->registry(), &p.replica->db(), guard);
  PACTO_ASSIGN_OR_RETURN(RequiredRoleMap required_roles,
                         p.config.required_roles().empty()
                             ? absl::StatusOr<RequiredRoleMap>(DefaultRequiredRoles())
                             : ParseRequiredRoles(p.config.required_roles()));
  p.services.reports = std::make_unique<ReportsService>(
      [raw, required_roles] {
        ReportContext context;
        context.db = &raw->replica->db();
        context.peers =
            raw->replication.live_syncer.load() != nullptr ? raw->replication.peers.get() : nullptr;
        context.now = absl::Now();
        context.required_roles = required_roles;
        return context;
      },
      guard);
  p.services.replication = std::make_unique<ReplicationService>(guard);
  p.services.admin = MakeAdminService(p);
  return absl::OkStatus();
}

std::unique_ptr<AdminService> Node::MakeAdminService(Parts& p) {
  Parts* raw = &p;
  AdminService::Deps admin;
  admin.db = &p.replica->db();
  admin.facts = [raw] {
    NodeFacts facts;
    facts.region = raw->config.region();
    facts.development_mode = raw->security->development();
    facts.started = raw->started;
    const std::string& listen = raw->config.listen();
    facts.listen = absl::StrCat(listen.substr(0, listen.rfind(':')), ":", raw->grpc_port.load());
    facts.advertise = raw->replication.advertise;
    return facts;
  };
  admin.guard = p.guard.get();
  admin.resolver = p.resolver.get();
  admin.backups = p.backups.get();
  admin.events = p.events.get();
  admin.revocations = p.token_revocations.get();
  admin.peers_provider = [raw]() -> const PeerDirectory* { return raw->replication.peers.get(); };
  admin.sync_now = [raw] {
    v1::SyncResponse response;
    Syncer* syncer = raw->replication.live_syncer.load();
    if (syncer == nullptr) return response;
    for (auto& [address, status] : syncer->SyncNow()) {
      v1::SyncResult* result = response.add_results();
      result->set_address(address);
      result->set_ok(status.ok());
      result->set_error(std::string(status.message()));
    }
    return response;
  };
  return std::make_unique<AdminService>(std::move(admin));
}

absl::Status Node::StartGrpc(Parts& p) {
  // Linked in so that server reflection can describe grpc.health.v1 too (the
  // default health service itself is built on upb and needs none of it).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(p.config.listen(), p.security->ServerCredentials(), &bound_port);
  ApplyServerLimits(&builder);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(NewRpcMetricsInterceptorFactory(&p.services.rpcs));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(p.services.registry.get());
  builder.RegisterService(p.services.reports.get());
  builder.RegisterService(p.services.admin.get());
  builder.RegisterService(p.services.replication.get());
  p.services.server = builder.BuildAndStart();
  if (p.services.server == nullptr || bound_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("--listen: cannot listen on ", p.config.listen(), " (is the port in use?)"));
  }
  p.grpc_port = bound_port;
  return absl::OkStatus();
}

absl::Status Node::StartHttp(Parts& p) {
  if (p.config.http() == "off") return absl::OkStatus();
  Parts* raw = &p;
  HttpEndpoint::Handlers handlers;
  handlers.healthy = [raw] { return raw->serving.load(); };
  auto not_ready = [raw]() -> std::string {
    if (!raw->serving.load()) return "not serving";
    if (!raw->bootstrapping || raw->bootstrapped.load()) return "";
    const Syncer* syncer = raw->replication.live_syncer.load();
    if (syncer != nullptr) {
      const SyncerStats stats = syncer->stats();
      if (stats.sessions > stats.failures) raw->bootstrapped = true;
    }
    return raw->bootstrapped.load() ? "" : "bootstrapping: no sync with a peer has completed yet";
  };
  handlers.not_ready = not_ready;
  handlers.metrics = [raw, not_ready] {
    MetricsSources sources;
    sources.rpcs = &raw->services.rpcs;
    sources.ready = not_ready().empty();
    sources.db = &raw->replica->db();
    sources.pipeline = raw->replica->pipeline().stats();
    sources.syncer = raw->replication.live_syncer.load();
    if (sources.syncer != nullptr) {
      sources.endpoint = raw->replication.endpoint.get();
      sources.peers = raw->replication.peers.get();
      sources.rejections = &sources.syncer->rejections();
    }
    return RenderMetrics(sources);
  };
  absl::StatusOr<std::unique_ptr<HttpEndpoint>> http =
      HttpEndpoint::Start(p.config.http(), std::move(handlers));
  if (!http.ok()) {
    p.services.server->Shutdown();
    return http.status();
  }
  p.services.http = *std::move(http);
  return absl::OkStatus();
}

absl::Status Node::StartReplication(Parts& p, int bound_port) {
  const v1::NodeConfig& config = p.config;
  Parts::Replication& r = p.replication;
  PACTO_ASSIGN_OR_RETURN(absl::Duration interval, SyncInterval(config));
  const std::string& listen = config.listen();
  r.advertise = !config.advertise().empty()
                    ? config.advertise()
                    : absl::StrCat(listen.substr(0, listen.rfind(':')), ":", bound_port);
  v1::NodeInfo self;
  self.set_node_id(p.replica->node_id());
  self.set_region(config.region());
  self.set_address(r.advertise);
  PACTO_ASSIGN_OR_RETURN(r.peers, PeerDirectory::Load(&p.replica->db(), self));
  for (const std::string& seed : config.peers()) r.peers->AddSeed(seed);
  GrpcTransport::Options transport;
  transport.credentials = p.security->PeerChannelCredentials();
  r.transport = std::make_unique<GrpcTransport>(std::move(transport));
  Parts::Replication* raw = &r;
  r.endpoint = std::make_unique<ReplicationEndpoint>(&p.replica->db(), r.peers.get(), self,
                                                     [raw](const std::string& address) {
                                                       if (Syncer* syncer = raw->live_syncer.load())
                                                         syncer->RequestPull(address);
                                                     });
  Syncer::Options options;
  options.interval = interval;
  if (!config.log_retention().empty()) {
    if (!absl::SimpleAtoi(config.log_retention(), &options.log_retention)) {
      return absl::InvalidArgumentError("--log-retention: not a number of entries");
    }
  }
  r.syncer = std::make_unique<Syncer>(p.replica.get(), r.peers.get(), r.transport.get(), options);
  r.live_syncer = r.syncer.get();
  p.services.replication->SetEndpoint(r.endpoint.get());
  return absl::OkStatus();
}

void Node::Shutdown() {
  Parts& p = *parts_;
  if (p.shut_down) return;
  p.shut_down = true;
  p.serving = false;
  p.replication.live_syncer = nullptr;
  // A backup in progress gives up now rather than holding the drain below for as long
  // as its copy takes (the server waits for every call to finish).
  if (p.backups) p.backups->Stop();
  if (p.services.server) {
    // Health answers NOT_SERVING while in-flight calls drain. gRPC also waits out the
    // deadline for idle connections that never acknowledge its GOAWAY, so the drain
    // is kept short; a write already acknowledged is durable either way.
    p.services.server->GetHealthCheckService()->Shutdown();
    p.services.server->Shutdown(std::chrono::system_clock::now() + kDrainTime);
  }
  // Every Admin call has finished; its threads may still be unwinding.
  if (p.services.admin) p.services.admin->StopTasks();
  if (p.replication.syncer) p.replication.syncer->Stop();
  if (p.services.http) p.services.http->Stop();
  if (p.replica) p.replica->Close();
}

}  // namespace pacto
