// pacto-node as an operator meets it (DESIGN §2.1, §7): the refusals to start, each
// with a message that says what is wrong; the config file round trip; a clean stop on
// SIGTERM; and the endpoints generic tools use: /healthz, /metrics, gRPC health and
// server reflection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/lib/pacto_client.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/text_format.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "pacto/v1/config.pb.h"
#include "rocksdb/db.h"
#include "tests/support/http_get.h"
#include "tests/support/processes.h"

namespace pacto {
namespace {

using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;

// --- tiny clients ------------------------------------------------------------------

// A listening socket on 127.0.0.1 that holds a port for the test's lifetime.
class HeldPort {
 public:
  HeldPort() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    socklen_t length = sizeof(address);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        listen(fd_, 4) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port_ = ntohs(address.sin_port);
    }
  }
  ~HeldPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::shared_ptr<grpc::Channel> Channel(const NodeProcess& node) {
  return grpc::CreateChannel(node.address(), grpc::InsecureChannelCredentials());
}

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

// --- fixture ------------------------------------------------------------------------

class NodeLifecycleTest : public ::testing::Test {
 protected:
  std::string DataDir() const { return dir_.Sub("data"); }

  std::unique_ptr<NodeProcess> Start(const std::string& node_id = "n1",
                                     std::vector<std::string> extra_args = {}) {
    absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
        {.data_dir = DataDir(), .node_id = node_id, .region = "BO", .extra_args = extra_args});
    EXPECT_TRUE(node.ok()) << node.status();
    return node.ok() ? *std::move(node) : nullptr;
  }

  // Runs pacto-node in the foreground: for starts that must be refused.
  CommandResult RunNode(const std::vector<std::string>& args) {
    return RunCommand(NodeBinary(), args, "", absl::Seconds(60));
  }

  std::string Cli(const NodeProcess& node, std::vector<std::string> args) {
    args.insert(args.begin(), {"--node", node.address()});
    CommandResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << ": " << r.err;
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  // The node's status through libpacto.
  v1::StatusResponse Status(const NodeProcess& node) {
    ClientOptions options;
    options.address = node.address();
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
    EXPECT_TRUE(client.ok()) << client.status();
    if (!client.ok()) return {};
    absl::StatusOr<v1::StatusResponse> status = (*client)->Status(v1::StatusRequest());
    EXPECT_TRUE(status.ok()) << status.status();
    return status.ok() ? *status : v1::StatusResponse();
  }

  ScratchDir dir_;
};

// The refused node says why on its last stderr line, "error: ...".
std::string LastLine(const std::string& text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  return lines.empty() ? "" : std::string(lines.back());
}

TEST_F(NodeLifecycleTest, SecondNodeOnTheSameDataDirIsRefused) {
  std::unique_ptr<NodeProcess> first = Start();
  ASSERT_NE(first, nullptr);
  CommandResult second = RunNode({"--data-dir", DataDir(), "--node-id", "n1", "--listen",
                                  "127.0.0.1:0", "--http", "127.0.0.1:0"});
  EXPECT_NE(second.exit_code, 0) << second.err;
  EXPECT_TRUE(absl::StartsWith(LastLine(second.err), "error: ")) << second.err;
  EXPECT_THAT(second.err, HasSubstr("another process")) << second.err;
  EXPECT_THAT(second.err, HasSubstr(DataDir())) << second.err;
  // The first one never noticed.
  EXPECT_TRUE(first->Running());
  EXPECT_EQ(Status(*first).node_id(), "n1");
  EXPECT_EQ(first->Stop(), 0) << first->Log();
}

TEST_F(NodeLifecycleTest, DataDirOfAnotherNodeIdIsRefused) {
  std::unique_ptr<NodeProcess> node = Start("n1");
  ASSERT_NE(node, nullptr);
  Cli(*node, {"region", "add", "BO", "--name", "Bolivia"});
  ASSERT_EQ(node->Stop(), 0) << node->Log();

  CommandResult other = RunNode({"--data-dir", DataDir(), "--node-id", "n2", "--listen",
                                 "127.0.0.1:0", "--http", "127.0.0.1:0"});
  EXPECT_NE(other.exit_code, 0) << other.err;
  EXPECT_TRUE(absl::StartsWith(LastLine(other.err), "error: ")) << other.err;
  EXPECT_THAT(other.err, HasSubstr("'n1'")) << other.err;  // whose dir it is
  EXPECT_THAT(other.err, HasSubstr("n2")) << other.err;

  // Without --node-id the dir's own id is taken.
  absl::StatusOr<std::unique_ptr<NodeProcess>> again =
      NodeProcess::Start({.data_dir = DataDir(), .node_id = "", .region = "BO", .extra_args = {}});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Status(**again).node_id(), "n1");
}

TEST_F(NodeLifecycleTest, PortsInUseAreRefused) {
  HeldPort held;
  ASSERT_GT(held.port(), 0);
  const std::string taken = absl::StrCat("127.0.0.1:", held.port());

  CommandResult grpc_taken = RunNode(
      {"--data-dir", DataDir(), "--node-id", "n1", "--listen", taken, "--http", "127.0.0.1:0"});
  EXPECT_NE(grpc_taken.exit_code, 0) << grpc_taken.err;
  EXPECT_TRUE(absl::StartsWith(LastLine(grpc_taken.err), "error: --listen: ")) << grpc_taken.err;
  EXPECT_THAT(LastLine(grpc_taken.err), HasSubstr(taken));
  EXPECT_THAT(LastLine(grpc_taken.err), HasSubstr("in use"));

  CommandResult http_taken = RunNode(
      {"--data-dir", DataDir(), "--node-id", "n1", "--listen", "127.0.0.1:0", "--http", taken});
  EXPECT_NE(http_taken.exit_code, 0) << http_taken.err;
  EXPECT_TRUE(absl::StartsWith(LastLine(http_taken.err), "error: --http: ")) << http_taken.err;
  EXPECT_THAT(LastLine(http_taken.err), HasSubstr("in use"));

  // Neither refusal left the data dir locked.
  std::unique_ptr<NodeProcess> node = Start();
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->Stop(), 0);
}

TEST_F(NodeLifecycleTest, BadConfigFileIsRefusedWithLineAndColumn) {
  const std::string path = dir_.Sub("node.conf");
  ASSERT_TRUE(WriteFile(path,
                        "# Pacto node\n"
                        "node_id: \"n1\"\n"
                        "listen: 7400\n"));
  CommandResult bad = RunNode({"--config", path, "--data-dir", DataDir()});
  EXPECT_NE(bad.exit_code, 0) << bad.err;
  EXPECT_TRUE(absl::StartsWith(LastLine(bad.err), "error: --config ")) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr(path));
  // `7400` begins in column 9 of line 3.
  EXPECT_THAT(bad.err, HasSubstr("line 3, column 9")) << bad.err;

  ASSERT_TRUE(WriteFile(path, "node_id: \"n1\"\nlisten_address: \"127.0.0.1:0\"\n"));
  CommandResult unknown_field = RunNode({"--config", path, "--data-dir", DataDir()});
  EXPECT_NE(unknown_field.exit_code, 0);
  EXPECT_THAT(unknown_field.err, HasSubstr("line 2, column ")) << unknown_field.err;
  EXPECT_THAT(unknown_field.err, HasSubstr("listen_address")) << unknown_field.err;

  CommandResult missing = RunNode({"--config", dir_.Sub("nowhere.conf")});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.err, HasSubstr("nowhere.conf")) << missing.err;
  // None of them created the data dir.
  EXPECT_FALSE(std::filesystem::exists(DataDir()));
}

TEST_F(NodeLifecycleTest, UnknownFlagsAndBadValuesAreRefused) {
  CommandResult unknown = RunNode({"--data-dir", DataDir(), "--bogus-flag", "1"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(absl::StartsWith(LastLine(unknown.err), "error: ")) << unknown.err;
  EXPECT_THAT(unknown.err, HasSubstr("--bogus-flag"));

  CommandResult positional = RunNode({"--data-dir", DataDir(), "serve"});
  EXPECT_NE(positional.exit_code, 0);
  EXPECT_THAT(positional.err, HasSubstr("serve"));

  CommandResult bad_interval = RunNode({"--data-dir", DataDir(), "--sync-interval", "often"});
  EXPECT_NE(bad_interval.exit_code, 0);
  EXPECT_THAT(bad_interval.err, HasSubstr("--sync-interval"));

  CommandResult bad_listen = RunNode({"--data-dir", DataDir(), "--listen", "localhost"});
  EXPECT_NE(bad_listen.exit_code, 0);
  EXPECT_THAT(bad_listen.err, HasSubstr("--listen"));
  EXPECT_FALSE(std::filesystem::exists(DataDir()));
}

TEST_F(NodeLifecycleTest, DefaultConfigParsesBackThroughConfig) {
  CommandResult printed = RunNode({"--print-default-config"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  // The documented defaults (DESIGN §2.1).
  v1::NodeConfig defaults;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(printed.out, &defaults)) << printed.out;
  EXPECT_EQ(defaults.data_dir(), "./pacto-data");
  EXPECT_EQ(defaults.listen(), "127.0.0.1:7400");
  EXPECT_EQ(defaults.http(), "127.0.0.1:7480");

  // The printed text, plus an id and a region, is a config pacto-node starts from.
  // (The test's flags override data dir and ports, as flags always win.)
  const std::string path = dir_.Sub("node.conf");
  ASSERT_TRUE(WriteFile(
      path, absl::StrCat(printed.out, "node_id: \"from-config\"\n", "region: \"LPZ\"\n")));
  std::unique_ptr<NodeProcess> node = Start("", {"--config", path});
  ASSERT_NE(node, nullptr);
  const v1::StatusResponse status = Status(*node);
  EXPECT_EQ(status.node_id(), "from-config");
  // --region given by the test wins over the file's.
  EXPECT_EQ(status.region(), "BO");
  EXPECT_EQ(node->Stop(), 0);

  // And a file alone (no overriding flags but the ports and dir) sets the region.
  absl::StatusOr<std::unique_ptr<NodeProcess>> from_file = NodeProcess::Start(
      {.data_dir = DataDir(), .node_id = "", .region = "", .extra_args = {"--config", path}});
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_EQ(Status(**from_file).region(), "LPZ");
}

TEST_F(NodeLifecycleTest, SigtermStopsCleanlyAndTheNextStartReplaysNothing) {
  std::unique_ptr<NodeProcess> node = Start();
  ASSERT_NE(node, nullptr);
  Cli(*node, {"region", "add", "BO", "--name", "Bolivia"});
  const std::string chapter =
      Cli(*node, {"chapter", "add", "--name", "S1", "--region", "BO", "--level", "sindicato"});
  for (int i = 0; i < 20; ++i) {
    Cli(*node, {"member", "enrol", "--chapter", chapter, "--name", absl::StrCat("Persona ", i)});
  }
  const v1::StatusResponse before = Status(*node);

  EXPECT_EQ(node->Stop(), 0) << node->Log();
  const std::string log = node->Log();
  EXPECT_THAT(log, HasSubstr("msg=\"shutting down\" signal=SIGTERM")) << log;
  EXPECT_THAT(log, HasSubstr("msg=stopped")) << log;
  EXPECT_THAT(log, Not(HasSubstr("level=error"))) << log;
  // Every write was flushed out of the WAL: the write-ahead logs left behind are empty,
  // so the next start has nothing to replay.
  int wal_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DataDir())) {
    if (entry.path().extension() != ".log") continue;
    ++wal_files;
    EXPECT_EQ(entry.file_size(), 0u) << entry.path() << " still holds WAL records";
  }
  EXPECT_GT(wal_files, 0);

  node = Start();
  ASSERT_NE(node, nullptr);
  const v1::StatusResponse after = Status(*node);
  EXPECT_EQ(after.digest(), before.digest());
  EXPECT_EQ(after.log_entries(), before.log_entries());
  EXPECT_THAT(node->Log(), Not(HasSubstr("level=error"))) << node->Log();

  // SIGINT stops it as cleanly.
  ASSERT_TRUE(node->Running());
  kill(node->pid(), SIGINT);
  for (int i = 0; i < 3000 && node->Running(); ++i) usleep(10000);
  EXPECT_EQ(node->Stop(), 0) << node->Log();
  EXPECT_THAT(node->Log(), HasSubstr("signal=SIGINT"));
  EXPECT_THAT(node->Log(), HasSubstr("msg=stopped"));
}

// Writes a node's data dir with one record, stops the node cleanly, and applies
// `damage` to every file of the dir whose name begins with `prefix`.
class CorruptDataDirTest : public NodeLifecycleTest {
 protected:
  void Damage(const std::string& prefix, const std::string& suffix,
              const std::function<std::string(std::string)>& damage) {
    std::unique_ptr<NodeProcess> node = Start();
    ASSERT_NE(node, nullptr);
    Cli(*node, {"region", "add", "BO", "--name", "Bolivia"});
    ASSERT_EQ(node->Stop(), 0);
    int damaged = 0;
    for (const auto& entry : std::filesystem::directory_iterator(DataDir())) {
      const std::string name = entry.path().filename().string();
      if (!absl::StartsWith(name, prefix) || !absl::EndsWith(name, suffix)) continue;
      ++damaged;
      ASSERT_TRUE(WriteFile(entry.path().string(), damage(ReadFile(entry.path().string()))));
    }
    ASSERT_GT(damaged, 0) << "no " << prefix << "*" << suffix << " file in " << DataDir();
  }

  // Starts a node on the damaged dir, which must refuse, saying the dir is corrupt.
  void ExpectRefusedAsCorrupt() {
    CommandResult refused = RunNode({"--data-dir", DataDir(), "--node-id", "n1", "--listen",
                                     "127.0.0.1:0", "--http", "127.0.0.1:0"});
    EXPECT_NE(refused.exit_code, 0) << refused.err;
    EXPECT_TRUE(absl::StartsWith(LastLine(refused.err), "error: ")) << refused.err;
    EXPECT_THAT(refused.err, HasSubstr("corrupt")) << refused.err;
    EXPECT_THAT(refused.err, HasSubstr(DataDir())) << refused.err;
  }
};

std::string FlipMiddleBytes(std::string bytes) {
  for (size_t i = 64; i + 64 < bytes.size(); ++i) bytes[i] ^= 0x55;
  return bytes;
}

TEST_F(CorruptDataDirTest, DamagedTableFilesAreRefused) {
  Damage("", ".sst", FlipMiddleBytes);
  ExpectRefusedAsCorrupt();
}

// A MANIFEST overwritten with garbage is a damaged pacto dir, not someone else's
// database: an operator told "not a pacto registry" may well delete it.
TEST_F(CorruptDataDirTest, DamagedManifestIsReportedAsCorrupt) {
  Damage("MANIFEST-", "", [](const std::string&) { return std::string(4096, 'Z'); });
  ExpectRefusedAsCorrupt();
}

// A RocksDB database that is not a pacto registry (someone else's data, or a wrong
// path) is refused untouched, and said to be foreign rather than corrupt.
TEST_F(NodeLifecycleTest, ForeignRocksDbDirIsRefusedUntouched) {
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, DataDir(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "theirs", "keep").ok());
  }
  CommandResult refused = RunNode({"--data-dir", DataDir(), "--node-id", "n1", "--listen",
                                   "127.0.0.1:0", "--http", "127.0.0.1:0"});
  EXPECT_NE(refused.exit_code, 0) << refused.err;
  EXPECT_TRUE(absl::StartsWith(LastLine(refused.err), "error: ")) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("not a pacto registry")) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr(DataDir())) << refused.err;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::Options(), DataDir(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string value;
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), "theirs", &value).ok());
  EXPECT_EQ(value, "keep");
}

TEST_F(NodeLifecycleTest, DataDirThatIsAFileIsRefused) {
  ASSERT_TRUE(WriteFile(DataDir(), "not a directory"));
  CommandResult refused = RunNode({"--data-dir", DataDir(), "--listen", "127.0.0.1:0"});
  EXPECT_NE(refused.exit_code, 0) << refused.err;
  EXPECT_TRUE(absl::StartsWith(LastLine(refused.err), "error: ")) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("not a directory")) << refused.err;
  EXPECT_EQ(ReadFile(DataDir()), "not a directory");
}

// A key file that cannot be read stops the start before the data dir is created.
TEST_F(NodeLifecycleTest, MissingFederationKeyFileIsRefusedBeforeTouchingTheDataDir) {
  const std::string missing = dir_.Sub("federation.key");
  CommandResult refused = RunNode({"--data-dir", DataDir(), "--federation-key-file", missing,
                                   "--listen", "127.0.0.1:0", "--http", "off"});
  EXPECT_NE(refused.exit_code, 0) << refused.err;
  EXPECT_TRUE(absl::StartsWith(LastLine(refused.err), "error: ")) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr(missing)) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(DataDir()));
}

TEST_F(NodeLifecycleTest, HealthzAndMetricsOnTheHttpPort) {
  std::unique_ptr<NodeProcess> node = Start();
  ASSERT_NE(node, nullptr);
  ASSERT_GT(node->http_port(), 0);
  const HttpResponse health = HttpGet(node->http_port(), "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(absl::StripAsciiWhitespace(health.body), "ok");
  EXPECT_EQ(HttpGet(node->http_port(), "/no-such-page").status, 404);

  // One write is one commit group at least.
  Cli(*node, {"region", "add", "BO", "--name", "Bolivia"});
  const HttpResponse metrics = HttpGet(node->http_port(), "/metrics");
  EXPECT_EQ(metrics.status, 200);
  double groups = -1;
  for (absl::string_view line : absl::StrSplit(metrics.body, '\n')) {
    if (absl::ConsumePrefix(&line, "pacto_commit_groups_total ")) {
      EXPECT_TRUE(absl::SimpleAtod(line, &groups)) << line;
    }
  }
  EXPECT_GE(groups, 1) << metrics.body;
  EXPECT_THAT(metrics.body, HasSubstr("# TYPE pacto_commit_groups_total counter"));
}

TEST_F(NodeLifecycleTest, GrpcHealthAnswersServing) {
  std::unique_ptr<NodeProcess> node = Start();
  ASSERT_NE(node, nullptr);
  auto health = grpc::health::v1::Health::NewStub(Channel(*node));
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  // A service the node does not know is NOT_FOUND, as the health protocol says.
  grpc::ClientContext unknown_context;
  SetDeadline(&unknown_context);
  request.set_service("no.such.Service");
  EXPECT_EQ(health->Check(&unknown_context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(NodeLifecycleTest, ServerReflectionDescribesTheRegistry) {
  namespace reflection = grpc::reflection::v1alpha;
  std::unique_ptr<NodeProcess> node = Start();
  ASSERT_NE(node, nullptr);
  auto stub = reflection::ServerReflection::NewStub(Channel(*node));
  grpc::ClientContext context;
  SetDeadline(&context);
  auto stream = stub->ServerReflectionInfo(&context);

  reflection::ServerReflectionRequest list;
  list.set_list_services("");
  ASSERT_TRUE(stream->Write(list));
  reflection::ServerReflectionResponse listed;
  ASSERT_TRUE(stream->Read(&listed));
  std::vector<std::string> services;
  for (const auto& service : listed.list_services_response().service()) {
    services.push_back(service.name());
  }
  EXPECT_THAT(services, IsSupersetOf({"pacto.v1.Registry", "pacto.v1.Reports", "pacto.v1.Admin"}))
      << listed.DebugString();

  // A generic tool can fetch the schema of each.
  for (const std::string& symbol : {std::string("pacto.v1.Registry"), std::string("pacto.v1.Admin"),
                                    std::string("pacto.v1.Reports")}) {
    reflection::ServerReflectionRequest describe;
    describe.set_file_containing_symbol(symbol);
    ASSERT_TRUE(stream->Write(describe));
    reflection::ServerReflectionResponse described;
    ASSERT_TRUE(stream->Read(&described));
    ASSERT_TRUE(described.has_file_descriptor_response())
        << symbol << ": " << described.DebugString();
    std::set<std::string> methods;
    for (const std::string& bytes : described.file_descriptor_response().file_descriptor_proto()) {
      google::protobuf::FileDescriptorProto file;
      ASSERT_TRUE(file.ParseFromString(bytes));
      for (const auto& service : file.service()) {
        if (absl::StrCat(file.package(), ".", service.name()) != symbol) continue;
        for (const auto& method : service.method()) methods.insert(method.name());
      }
    }
    if (symbol == "pacto.v1.Registry") {
      EXPECT_THAT(methods, IsSupersetOf({"EnrolMember", "ImportMembers", "RemoveMember"}));
    } else if (symbol == "pacto.v1.Admin") {
      EXPECT_THAT(methods, IsSupersetOf({"Status"}));
    } else {
      EXPECT_THAT(methods, IsSupersetOf({"Summary"}));
    }
  }
  stream->WritesDone();
  grpc::Status finished = stream->Finish();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
}

// DESIGN §2.2: health and reflection "so generic gRPC tools work": a tool that knows
// no .proto file learns the health service's schema through reflection.
TEST_F(NodeLifecycleTest, ServerReflectionDescribesTheHealthService) {
  namespace reflection = grpc::reflection::v1alpha;
  std::unique_ptr<NodeProcess> node = Start();
  ASSERT_NE(node, nullptr);
  auto stub = reflection::ServerReflection::NewStub(Channel(*node));
  grpc::ClientContext context;
  SetDeadline(&context);
  auto stream = stub->ServerReflectionInfo(&context);
  reflection::ServerReflectionRequest list;
  list.set_list_services("");
  ASSERT_TRUE(stream->Write(list));
  reflection::ServerReflectionResponse listed;
  ASSERT_TRUE(stream->Read(&listed));
  std::vector<std::string> services;
  for (const auto& service : listed.list_services_response().service()) {
    services.push_back(service.name());
  }
  EXPECT_THAT(services, ::testing::Contains("grpc.health.v1.Health"));

  reflection::ServerReflectionRequest describe;
  describe.set_file_containing_symbol("grpc.health.v1.Health");
  ASSERT_TRUE(stream->Write(describe));
  reflection::ServerReflectionResponse described;
  ASSERT_TRUE(stream->Read(&described));
  ASSERT_TRUE(described.has_file_descriptor_response()) << described.DebugString();
  bool has_check = false;
  for (const std::string& bytes : described.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(file.ParseFromString(bytes));
    for (const auto& service : file.service()) {
      for (const auto& method : service.method()) {
        has_check = has_check || (service.name() == "Health" && method.name() == "Check");
      }
    }
  }
  EXPECT_TRUE(has_check) << described.DebugString();
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace pacto
