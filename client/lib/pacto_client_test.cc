// Connect's checks of its options. Connect opens no connection, so these tests need no
// node; RPCs are covered by the integration tests.
#include "client/lib/pacto_client.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "client/lib/read_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto {
namespace {

using ::testing::HasSubstr;

TEST(ClientConnectTest, InsecureByDefault) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(ClientOptions());
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->options().address, "127.0.0.1:7400");
  EXPECT_EQ((*client)->options().deadline, absl::Seconds(30));
}

TEST(ClientConnectTest, EmptyAddressIsRejected) {
  ClientOptions options;
  options.address = "";
  EXPECT_EQ(Client::Connect(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ClientConnectTest, NonPositiveDeadlineIsRejected) {
  ClientOptions options;
  options.deadline = absl::ZeroDuration();
  EXPECT_EQ(Client::Connect(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.deadline = absl::InfiniteDuration();
  EXPECT_TRUE(Client::Connect(options).ok());
}

TEST(ClientConnectTest, CertWithoutKeyIsRejected) {
  ClientOptions options;
  options.ca_file = "/nonexistent/ca.crt";
  options.cert_file = "/nonexistent/client.crt";
  absl::Status status = Client::Connect(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("together"));
}

TEST(ClientConnectTest, CertWithoutCaIsRejected) {
  ClientOptions options;
  options.cert_file = "/nonexistent/client.crt";
  options.key_file = "/nonexistent/client.key";
  absl::Status status = Client::Connect(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("CA"));
}

TEST(ClientConnectTest, UnreadableCaNamesTheFile) {
  ClientOptions options;
  options.ca_file = "/nonexistent/ca.crt";
  absl::Status status = Client::Connect(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("/nonexistent/ca.crt"));
}

TEST(ReadFileToStringTest, ReadsAndFails) {
  const std::string path = ::testing::TempDir() + "/read_file_test.txt";
  {
    std::ofstream out(path, std::ios::binary);
    out.write("a\0c", 3);
  }
  absl::StatusOr<std::string> contents = ReadFileToString(path);
  ASSERT_TRUE(contents.ok()) << contents.status();
  EXPECT_EQ(*contents, std::string("a\0c", 3));
  std::remove(path.c_str());

  absl::Status missing = ReadFileToString(path).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("cannot read '" + path + "'"));

  EXPECT_FALSE(ReadFileToString(::testing::TempDir()).ok());  // a directory
}

}  // namespace
}  // namespace pacto
