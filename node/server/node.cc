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
#include "node/replica/replica.h"
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
  v1::NodeConfig config;
  std::unique_ptr<NodeSecurity> security;
  std::unique_ptr<EntryAuthenticator> authenticator;  // outlives the replica
  std::unique_ptr<Replica> replica;
  std::unique_ptr<ScopeResolver> resolver;
  std::unique_ptr<RevocationChecker> revocations;
  std::unique_ptr<TokenRevocations> token_revocations;
  std::unique_ptr<CallGuard> guard;
  std::unique_ptr<AdminEventLog> events;
  std::unique_ptr<BackupTaker> backups;
  RpcMetrics rpcs;
  // A new (or restored) data dir with seeds to learn from is not ready for traffic
  // until a first sync with one of them has completed.
  bool bootstrapping = false;
  std::atomic<bool> bootstrapped{false};
  // Replication; built once the gRPC port is bound (the node's address is part of
  // its identity), so the services reach it through pointers set then.
  std::unique_ptr<PeerDirectory> peers;
  std::unique_ptr<GrpcTransport> transport;
  std::unique_ptr<ReplicationEndpoint> endpoint;
  std::unique_ptr<Syncer> syncer;
  std::atomic<Syncer*> live_syncer{nullptr};
  std::string advertise;
  std::unique_ptr<ReplicationService> replication_service;
  std::unique_ptr<RegistryService> registry_service;
  std::unique_ptr<ReportsService> reports_service;
  std::unique_ptr<AdminService> admin_service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<HttpEndpoint> http;
  std::atomic<bool> serving{false};
  std::atomic<int> grpc_port{0};
  absl::Time started;
  bool shut_down = false;
};

Node::Node(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Node::~Node() { Shutdown(); }

const std::string& Node::node_id() const { return parts_->replica->node_id(); }
int Node::grpc_port() const { return parts_->grpc_port; }
int Node::http_port() const { return parts_->http ? parts_->http->port() : 0; }
bool Node::development_mode() const { return parts_->security->development(); }
bool Node::encrypted() const { return parts_->security->encrypted(); }
const std::string& Node::region() const { return parts_->config.region(); }

absl::StatusOr<std::unique_ptr<Node>> Node::Start(const v1::NodeConfig& flags) {
  auto parts = std::make_unique<Parts>();
  PACTO_ASSIGN_OR_RETURN(NodeSecurity security, NodeSecurity::Load(flags, absl::Now()));
  parts->security = std::make_unique<NodeSecurity>(std::move(security));
  // With TLS, the node is who its certificate says.
  parts->config = flags;
  parts->config.set_node_id(parts->security->node_id());
  parts->config.set_region(parts->security->region());
  const v1::NodeConfig& config = parts->config;

  FederationKey key = FederationKey::Development();
  if (!config.federation_key_file().empty()) {
    PACTO_ASSIGN_OR_RETURN(key, FederationKey::FromFile(config.federation_key_file()));
  }

  std::error_code no_dir;
  parts->bootstrapping = !config.peers().empty() &&
                         (!std::filesystem::exists(config.data_dir() + "/CURRENT", no_dir) ||
                          !config.restore_from().empty());
  std::unique_ptr<BackupRoot> backup_root;
  if (!config.backup_dir().empty()) {
    PACTO_ASSIGN_OR_RETURN(backup_root, BackupRoot::Open(config.backup_dir()));
  }
  v1::AdminEvent restore_event;
  if (!config.restore_from().empty()) {
    // A relative --restore-from names a backup below --backup-dir (backup.h).
    PACTO_ASSIGN_OR_RETURN(const std::string from,
                           RestoreSource(config.restore_from(), config.backup_dir()));
    // The restored data dir gets a node id of its own (backup.h says why).
    PACTO_ASSIGN_OR_RETURN(RestoreReport restored,
                           RestoreBackup(from, config.data_dir(), parts->security->encryption_key(),
                                         config.node_id()));
    LogInfo("restored a backup; catching up with peers",
            {{"backup", from},
             {"backup_id", absl::StrCat(restored.backup_id)},
             {"backed_up_node", restored.original_node_id},
             {"node", restored.node_id}});
    parts->config.set_node_id(restored.node_id);
    restore_event.set_kind("restore");
    restore_event.set_principal("command-line");
    restore_event.set_name(config.restore_from());
    restore_event.set_outcome("ok");
    restore_event.set_detail(
        absl::StrCat(from, " backup ", restored.backup_id, " of node ", restored.original_node_id));
  }

  Replica::Options replica_options;
  replica_options.database.path = config.data_dir();
  replica_options.database.node_id = config.node_id();
  replica_options.database.encryption_key = parts->security->encryption_key();
  replica_options.region = config.region();
  replica_options.federation_key = std::move(key);
  PACTO_ASSIGN_OR_RETURN(parts->authenticator, parts->security->MakeEntryAuthenticator());
  replica_options.authenticator = parts->authenticator.get();
  PACTO_ASSIGN_OR_RETURN(parts->replica, Replica::Open(std::move(replica_options)));
  Database* db = &parts->replica->db();
  Parts* raw = parts.get();
  parts->resolver = std::make_unique<ScopeResolver>(db);
  parts->revocations = std::make_unique<RevocationChecker>(db, parts->resolver.get());
  parts->guard =
      parts->security->MakeGuard(parts->resolver.get(), parts->revocations.get(), SystemClock());
  const CallGuard* guard = parts->guard.get();

  PACTO_ASSIGN_OR_RETURN(parts->events, AdminEventLog::Open(db));
  if (!restore_event.kind().empty()) PACTO_RETURN_IF_ERROR(parts->events->Record(restore_event));

  parts->started = absl::Now();
  parts->registry_service =
      std::make_unique<RegistryService>(&parts->replica->registry(), db, guard);
  PACTO_ASSIGN_OR_RETURN(RequiredRoleMap required_roles,
                         config.required_roles().empty()
                             ? absl::StatusOr<RequiredRoleMap>(DefaultRequiredRoles())
                             : ParseRequiredRoles(config.required_roles()));
  parts->reports_service = std::make_unique<ReportsService>(
      [raw, required_roles] {
        ReportContext context;
        context.db = &raw->replica->db();
        context.peers = raw->live_syncer.load() != nullptr ? raw->peers.get() : nullptr;
        context.now = absl::Now();
        context.required_roles = required_roles;
        return context;
      },
      guard);
  parts->replication_service = std::make_unique<ReplicationService>(guard);
  AdminService::Deps admin;
  admin.db = db;
  admin.facts = [raw] {
    NodeFacts facts;
    facts.region = raw->config.region();
    facts.development_mode = raw->security->development();
    facts.started = raw->started;
    const std::string& listen = raw->config.listen();
    facts.listen = absl::StrCat(listen.substr(0, listen.rfind(':')), ":", raw->grpc_port.load());
    facts.advertise = raw->advertise;
    return facts;
  };
  admin.guard = guard;
  admin.resolver = parts->resolver.get();
  parts->backups = std::make_unique<BackupTaker>(db, parts->security->encryption_key(),
                                                 std::move(backup_root), parts->events.get());
  admin.backups = parts->backups.get();
  admin.events = parts->events.get();
  parts->token_revocations = std::make_unique<TokenRevocations>(
      db, &parts->replica->pipeline(), parts->resolver.get(), SystemClock());
  admin.revocations = parts->token_revocations.get();
  admin.peers_provider = [raw]() -> const PeerDirectory* { return raw->peers.get(); };
  admin.sync_now = [raw] {
    v1::SyncResponse response;
    Syncer* syncer = raw->live_syncer.load();
    if (syncer == nullptr) return response;
    for (auto& [address, status] : syncer->SyncNow()) {
      v1::SyncResult* result = response.add_results();
      result->set_address(address);
      result->set_ok(status.ok());
      result->set_error(std::string(status.message()));
    }
    return response;
  };
  parts->admin_service = std::make_unique<AdminService>(std::move(admin));

  // Linked in so that server reflection can describe grpc.health.v1 too (the
  // default health service itself is built on upb and needs none of it).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(config.listen(), parts->security->ServerCredentials(), &bound_port);
  ApplyServerLimits(&builder);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(NewRpcMetricsInterceptorFactory(&parts->rpcs));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(parts->registry_service.get());
  builder.RegisterService(parts->reports_service.get());
  builder.RegisterService(parts->admin_service.get());
  builder.RegisterService(parts->replication_service.get());
  parts->server = builder.BuildAndStart();
  if (parts->server == nullptr || bound_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("--listen: cannot listen on ", config.listen(), " (is the port in use?)"));
  }
  parts->grpc_port = bound_port;
  PACTO_RETURN_IF_ERROR(StartReplication(*parts, bound_port));

  if (config.http() != "off") {
    HttpEndpoint::Handlers handlers;
    handlers.healthy = [raw] { return raw->serving.load(); };
    auto not_ready = [raw]() -> std::string {
      if (!raw->serving.load()) return "not serving";
      if (!raw->bootstrapping || raw->bootstrapped.load()) return "";
      const Syncer* syncer = raw->live_syncer.load();
      if (syncer != nullptr) {
        const SyncerStats stats = syncer->stats();
        if (stats.sessions > stats.failures) raw->bootstrapped = true;
      }
      return raw->bootstrapped.load() ? "" : "bootstrapping: no sync with a peer has completed yet";
    };
    handlers.not_ready = not_ready;
    handlers.metrics = [raw, not_ready] {
      MetricsSources sources;
      sources.rpcs = &raw->rpcs;
      sources.ready = not_ready().empty();
      sources.db = &raw->replica->db();
      sources.pipeline = raw->replica->pipeline().stats();
      sources.syncer = raw->live_syncer.load();
      if (sources.syncer != nullptr) {
        sources.endpoint = raw->endpoint.get();
        sources.peers = raw->peers.get();
        sources.rejections = &sources.syncer->rejections();
      }
      return RenderMetrics(sources);
    };
    absl::StatusOr<std::unique_ptr<HttpEndpoint>> http =
        HttpEndpoint::Start(config.http(), std::move(handlers));
    if (!http.ok()) {
      parts->server->Shutdown();
      return http.status();
    }
    parts->http = *std::move(http);
  }
  parts->serving = true;
  return std::unique_ptr<Node>(new Node(std::move(parts)));
}

absl::Status Node::StartReplication(Parts& p, int bound_port) {
  const v1::NodeConfig& config = p.config;
  PACTO_ASSIGN_OR_RETURN(absl::Duration interval, SyncInterval(config));
  const std::string& listen = config.listen();
  p.advertise = !config.advertise().empty()
                    ? config.advertise()
                    : absl::StrCat(listen.substr(0, listen.rfind(':')), ":", bound_port);
  v1::NodeInfo self;
  self.set_node_id(p.replica->node_id());
  self.set_region(config.region());
  self.set_address(p.advertise);
  PACTO_ASSIGN_OR_RETURN(p.peers, PeerDirectory::Load(&p.replica->db(), self));
  for (const std::string& seed : config.peers()) p.peers->AddSeed(seed);
  GrpcTransport::Options transport;
  transport.credentials = p.security->PeerChannelCredentials();
  p.transport = std::make_unique<GrpcTransport>(std::move(transport));
  Parts* raw = &p;
  p.endpoint = std::make_unique<ReplicationEndpoint>(&p.replica->db(), p.peers.get(), self,
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
  p.syncer = std::make_unique<Syncer>(p.replica.get(), p.peers.get(), p.transport.get(), options);
  p.live_syncer = p.syncer.get();
  p.replication_service->SetEndpoint(p.endpoint.get());
  return absl::OkStatus();
}

void Node::Shutdown() {
  Parts& p = *parts_;
  if (p.shut_down) return;
  p.shut_down = true;
  p.serving = false;
  p.live_syncer = nullptr;
  // A backup in progress gives up now rather than holding the drain below for as long
  // as its copy takes (the server waits for every call to finish).
  if (p.backups) p.backups->Stop();
  if (p.server) {
    // Health answers NOT_SERVING while in-flight calls drain. gRPC also waits out the
    // deadline for idle connections that never acknowledge its GOAWAY, so the drain
    // is kept short; a write already acknowledged is durable either way.
    p.server->GetHealthCheckService()->Shutdown();
    p.server->Shutdown(std::chrono::system_clock::now() + kDrainTime);
  }
  // Every Admin call has finished; its threads may still be unwinding.
  if (p.admin_service) p.admin_service->StopTasks();
  if (p.syncer) p.syncer->Stop();
  if (p.http) p.http->Stop();
  if (p.replica) p.replica->Close();
}

}  // namespace pacto
