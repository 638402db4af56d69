// The client's server-streaming calls against a real gRPC server in this process that
// serves hand-made chunks: merging, the per-chunk callback, stopping early, errors.
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <atomic>
#include <memory>
#include <string>

#include "client/lib/pacto_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::ReportHeader Header() {
  v1::ReportHeader header;
  header.set_as_of_node("n1");
  header.set_as_of("2026-11-27T23:10:50+00:00");
  header.add_stale_regions("PND");
  header.set_stale_after("24h");
  (*header.mutable_version_vector())["n1"] = 42;
  return header;
}

// Serves Tree in three chunks (header first), Vacancies with the rules in the first
// chunk, Duplicates as an error after one chunk, and ExportMembers as `export_chunks`
// chunks of two rows, counting what it managed to write.
class FakeReports final : public v1::Reports::Service {
 public:
  grpc::Status Tree(grpc::ServerContext*, const v1::TreeRequest* request,
                    grpc::ServerWriter<v1::TreeResponse>* writer) override {
    last_root = request->root();
    v1::TreeResponse chunk;
    *chunk.mutable_header() = Header();
    chunk.add_rows()->set_id("ch-1");
    writer->Write(chunk);
    for (const char* id : {"ch-2", "ch-3"}) {
      v1::TreeResponse more;
      more.add_rows()->set_id(id);
      writer->Write(more);
    }
    return grpc::Status::OK;
  }

  grpc::Status Vacancies(grpc::ServerContext*, const v1::VacanciesRequest*,
                         grpc::ServerWriter<v1::VacanciesResponse>* writer) override {
    v1::VacanciesResponse first;
    *first.mutable_header() = Header();
    v1::RequiredRoles* rule = first.add_required();
    rule->set_level("sindicato");
    rule->add_roles("secretario general");
    writer->Write(first);
    v1::VacanciesResponse second;
    second.add_rows()->set_chapter_id("ch-9");
    writer->Write(second);
    return grpc::Status::OK;
  }

  grpc::Status Duplicates(grpc::ServerContext*, const v1::DuplicatesRequest*,
                          grpc::ServerWriter<v1::DuplicatesResponse>* writer) override {
    v1::DuplicatesResponse first;
    *first.mutable_header() = Header();
    writer->Write(first);
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "stale_after: 'x' is not a duration");
  }

  std::string last_root;
};

class FakeRegistry final : public v1::Registry::Service {
 public:
  grpc::Status ExportMembers(grpc::ServerContext* context, const v1::ExportMembersRequest*,
                             grpc::ServerWriter<v1::ExportMembersResponse>* writer) override {
    for (int i = 0; i < export_chunks; ++i) {
      v1::ExportMembersResponse chunk;
      for (int j = 0; j < 2; ++j)
        chunk.add_rows()->set_membership_id("mb-" + std::to_string(2 * i + j));
      if (context->IsCancelled() || !writer->Write(chunk)) return grpc::Status::CANCELLED;
      ++chunks_written;
    }
    return grpc::Status::OK;
  }

  int export_chunks = 3;
  std::atomic<int> chunks_written{0};
};

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&reports_);
    builder.RegisterService(&registry_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ClientOptions options;
    options.address = "127.0.0.1:" + std::to_string(port);
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }
  void TearDown() override { server_->Shutdown(); }

  FakeReports reports_;
  FakeRegistry registry_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Client> client_;
};

std::vector<std::string> Ids(const v1::TreeResponse& tree) {
  std::vector<std::string> ids;
  for (const v1::TreeRow& row : tree.rows()) ids.push_back(row.id());
  return ids;
}

TEST(MergeChunksTest, HeaderOnceAndRowsInOrder) {
  MergeChunks<v1::TreeResponse> all;
  ChunkHandler<v1::TreeResponse> handler = all.Handler();
  v1::TreeResponse first;
  *first.mutable_header() = Header();
  first.add_rows()->set_id("a");
  first.add_rows()->set_id("b");
  v1::TreeResponse second;
  second.add_rows()->set_id("c");
  ASSERT_TRUE(handler(first).ok());
  ASSERT_TRUE(handler(second).ok());
  ASSERT_TRUE(handler(v1::TreeResponse()).ok());
  EXPECT_EQ(all.chunks(), 3);
  EXPECT_THAT(Ids(all.merged()), ElementsAre("a", "b", "c"));
  EXPECT_THAT(all.merged().header().stale_regions(), ElementsAre("PND"));
  EXPECT_EQ(all.merged().header().as_of_node(), "n1");
}

TEST_F(StreamTest, MergedTreeIsEveryChunkInOrder) {
  v1::TreeRequest request;
  request.set_root("ch-1");
  absl::StatusOr<v1::TreeResponse> tree = client_->Tree(request);
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(reports_.last_root, "ch-1");
  EXPECT_THAT(Ids(*tree), ElementsAre("ch-1", "ch-2", "ch-3"));
  EXPECT_EQ(tree->header().as_of(), "2026-11-27T23:10:50+00:00");
  EXPECT_THAT(tree->header().stale_regions(), ElementsAre("PND"));
}

TEST_F(StreamTest, CallbackSeesEachChunk) {
  std::vector<int> sizes;
  absl::Status status = client_->StreamTree(v1::TreeRequest(), [&](const v1::TreeResponse& chunk) {
    sizes.push_back(chunk.rows_size() + (chunk.has_header() ? 100 : 0));
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(sizes, ElementsAre(101, 1, 1));
}

TEST_F(StreamTest, VacanciesKeepTheRulesOnce) {
  absl::StatusOr<v1::VacanciesResponse> vacancies = client_->Vacancies(v1::VacanciesRequest());
  ASSERT_TRUE(vacancies.ok()) << vacancies.status();
  ASSERT_EQ(vacancies->required_size(), 1);
  EXPECT_THAT(vacancies->required(0).roles(), ElementsAre("secretario general"));
  ASSERT_EQ(vacancies->rows_size(), 1);
  EXPECT_EQ(vacancies->rows(0).chapter_id(), "ch-9");
}

TEST_F(StreamTest, NodeErrorAfterSomeChunksIsTheResult) {
  int chunks = 0;
  absl::Status status =
      client_->StreamDuplicates(v1::DuplicatesRequest(), [&](const v1::DuplicatesResponse&) {
        ++chunks;
        return absl::OkStatus();
      });
  EXPECT_EQ(chunks, 1);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "stale_after: 'x' is not a duration");
  EXPECT_EQ(client_->Duplicates(v1::DuplicatesRequest()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StreamTest, CallbackErrorStopsTheStream) {
  registry_.export_chunks = 100000;
  int chunks = 0;
  absl::Status status = client_->StreamExportMembers(v1::ExportMembersRequest(),
                                                     [&](const v1::ExportMembersResponse&) {
                                                       if (++chunks == 2)
                                                         return absl::InternalError("disk full");
                                                       return absl::OkStatus();
                                                     });
  EXPECT_EQ(status, absl::InternalError("disk full"));
  EXPECT_EQ(chunks, 2);
  EXPECT_LT(registry_.chunks_written.load(), 100000);
}

TEST_F(StreamTest, MergedExport) {
  absl::StatusOr<v1::ExportMembersResponse> all =
      client_->ExportMembers(v1::ExportMembersRequest());
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->rows_size(), 6);
  EXPECT_EQ(all->rows(5).membership_id(), "mb-5");
}

TEST_F(StreamTest, RequestThatIsNotUtf8IsRefusedBeforeSending) {
  v1::TreeRequest request;
  request.set_root("ch-\xff");
  absl::Status status = client_->Tree(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("root"));
  EXPECT_EQ(reports_.last_root, "");
}

TEST(StreamUnreachableTest, NamesTheAddress) {
  ClientOptions options;
  options.address = "127.0.0.1:1";
  options.stream_deadline = absl::Seconds(5);
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
  ASSERT_TRUE(client.ok());
  absl::Status status = (*client)->Tree(v1::TreeRequest()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("cannot reach 127.0.0.1:1"));
}

TEST(StreamDeadlineTest, MustBePositive) {
  ClientOptions options;
  options.stream_deadline = absl::ZeroDuration();
  EXPECT_EQ(Client::Connect(options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pacto
