#include "node/server/node.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/version.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "node/admin/status.h"
#include "node/base/log.h"
#include "node/replica/replica.h"
#include "node/server/admin_service.h"
#include "node/server/http_endpoint.h"
#include "node/server/metrics.h"
#include "node/server/registry_service.h"
#include "node/server/reports_service.h"

namespace pacto {
namespace {

constexpr int kMaxMessageBytes = 16 << 20;
constexpr std::chrono::seconds kDrainTime(3);

}  // namespace

struct Node::Parts {
  v1::NodeConfig config;
  std::unique_ptr<Replica> replica;
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

absl::StatusOr<std::unique_ptr<Node>> Node::Start(const v1::NodeConfig& config) {
  auto parts = std::make_unique<Parts>();
  parts->config = config;

  FederationKey key = FederationKey::Development();
  if (!config.federation_key_file().empty()) {
    PACTO_ASSIGN_OR_RETURN(key, FederationKey::FromFile(config.federation_key_file()));
  }

  Replica::Options replica_options;
  replica_options.database.path = config.data_dir();
  replica_options.database.node_id = config.node_id();
  replica_options.region = config.region();
  replica_options.federation_key = std::move(key);
  PACTO_ASSIGN_OR_RETURN(parts->replica, Replica::Open(std::move(replica_options)));
  Database* db = &parts->replica->db();

  parts->started = absl::Now();
  parts->registry_service = std::make_unique<RegistryService>(&parts->replica->registry());
  parts->reports_service = std::make_unique<ReportsService>(db);
  Parts* raw = parts.get();
  parts->admin_service = std::make_unique<AdminService>(db, [raw] {
    NodeFacts facts;
    facts.region = raw->config.region();
    facts.development_mode = true;
    facts.started = raw->started;
    const std::string& listen = raw->config.listen();
    facts.listen = absl::StrCat(listen.substr(0, listen.rfind(':')), ":", raw->grpc_port.load());
    return facts;
  });

  // Linked in so that server reflection can describe grpc.health.v1 too (the
  // default health service itself is built on upb and needs none of it).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(config.listen(), grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.RegisterService(parts->registry_service.get());
  builder.RegisterService(parts->reports_service.get());
  builder.RegisterService(parts->admin_service.get());
  parts->server = builder.BuildAndStart();
  if (parts->server == nullptr || bound_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("--listen: cannot listen on ", config.listen(), " (is the port in use?)"));
  }
  parts->grpc_port = bound_port;

  if (config.http() != "off") {
    HttpEndpoint::Handlers handlers;
    handlers.healthy = [raw] { return raw->serving.load(); };
    handlers.metrics = [raw] {
      return RenderMetrics(raw->replica->db(), raw->replica->pipeline().stats());
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

void Node::Shutdown() {
  Parts& p = *parts_;
  if (p.shut_down) return;
  p.shut_down = true;
  p.serving = false;
  if (p.server) {
    // Health answers NOT_SERVING while in-flight calls drain. gRPC also waits out the
    // deadline for idle connections that never acknowledge its GOAWAY, so the drain
    // is kept short; a write already acknowledged is durable either way.
    p.server->GetHealthCheckService()->Shutdown();
    p.server->Shutdown(std::chrono::system_clock::now() + kDrainTime);
  }
  if (p.http) p.http->Stop();
  if (p.replica) p.replica->Close();
}

}  // namespace pacto
