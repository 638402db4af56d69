#include "client/lib/handshake_hint.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pacto {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr TransportUsed kPlaintext{.tls = false, .client_certificate = false};
constexpr TransportUsed kCaOnly{.tls = true, .client_certificate = false};
constexpr TransportUsed kMutual{.tls = true, .client_certificate = true};

TEST(HandshakeHintTest, PlaintextToATlsNodeNamesTheTlsFlags) {
  EXPECT_THAT(HandshakeHint("Socket closed", kPlaintext),
              AllOf(HasSubstr("handshake failed"), HasSubstr("--ca"), HasSubstr("PACTO_CA"),
                    HasSubstr("--cert"), HasSubstr("--key")));
}

TEST(HandshakeHintTest, NoClientCertificateNamesCertAndKey) {
  EXPECT_THAT(HandshakeHint("Socket closed", kCaOnly),
              AllOf(HasSubstr("TLS handshake failed"), HasSubstr("client certificate"),
                    HasSubstr("--cert"), HasSubstr("PACTO_KEY")));
}

TEST(HandshakeHintTest, WrongCaNamesCa) {
  EXPECT_THAT(HandshakeHint("failed to connect to all addresses; last error: UNKNOWN: "
                            "ipv4:127.0.0.1:1: Ssl handshake failed: SSL_ERROR_SSL: "
                            "error:1000007d:SSL routines:OPENSSL_internal:"
                            "CERTIFICATE_VERIFY_FAILED",
                            kMutual),
              AllOf(HasSubstr("not signed by the CA"), HasSubstr("--ca")));
}

TEST(HandshakeHintTest, TlsToAPlaintextNode) {
  EXPECT_THAT(HandshakeHint("Ssl handshake failed: SSL_ERROR_SSL: WRONG_VERSION_NUMBER", kMutual),
              HasSubstr("does not speak TLS"));
}

TEST(HandshakeHintTest, RefusedCertificate) {
  EXPECT_THAT(HandshakeHint("Socket closed", kMutual),
              AllOf(HasSubstr("refused this client certificate"), HasSubstr("--cert")));
}

TEST(HandshakeHintTest, NoHintWhenNothingWasThere) {
  EXPECT_THAT(HandshakeHint("failed to connect to all addresses; last error: UNKNOWN: "
                            "ipv4:127.0.0.1:1: Failed to connect to remote host: "
                            "Connection refused",
                            kPlaintext),
              IsEmpty());
  EXPECT_THAT(HandshakeHint("Deadline Exceeded", kMutual), IsEmpty());
}

}  // namespace
}  // namespace pacto
