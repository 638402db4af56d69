#include "client/cli/error_line.h"

#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

TEST(ErrorLineTest, CodeNameAndMessage) {
  EXPECT_EQ(ErrorLine(absl::InvalidArgumentError("name: must not be empty")),
            "error: INVALID_ARGUMENT: name: must not be empty");
  EXPECT_EQ(ErrorLine(absl::NotFoundError("id: no membership 'mb-x'")),
            "error: NOT_FOUND: id: no membership 'mb-x'");
  EXPECT_EQ(ErrorLine(absl::UnavailableError("cannot reach 127.0.0.1:7400: refused")),
            "error: UNAVAILABLE: cannot reach 127.0.0.1:7400: refused");
  EXPECT_EQ(ErrorLine(absl::PermissionDeniedError("x")), "error: PERMISSION_DENIED: x");
  EXPECT_EQ(ErrorLine(absl::UnauthenticatedError("x")), "error: UNAUTHENTICATED: x");
  EXPECT_EQ(ErrorLine(absl::AlreadyExistsError("x")), "error: ALREADY_EXISTS: x");
  EXPECT_EQ(ErrorLine(absl::FailedPreconditionError("x")), "error: FAILED_PRECONDITION: x");
  EXPECT_EQ(ErrorLine(absl::DeadlineExceededError("x")), "error: DEADLINE_EXCEEDED: x");
}

TEST(ErrorLineTest, StaysOnOneLine) {
  EXPECT_EQ(ErrorLine(absl::InternalError("first\nsecond\r\nthird")),
            "error: INTERNAL: first second  third");
}

TEST(ErrorLineTest, EmptyMessage) {
  EXPECT_EQ(ErrorLine(absl::UnknownError("")), "error: UNKNOWN");
}

}  // namespace
}  // namespace pacto::cli
