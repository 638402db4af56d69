#include "client/lib/handshake_hint.h"

#include <initializer_list>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace pacto {
namespace {

// Case-insensitive: gRPC's and OpenSSL's spellings vary between versions.
bool HasAny(absl::string_view text, std::initializer_list<absl::string_view> needles) {
  const std::string lower_text = absl::AsciiStrToLower(text);
  for (absl::string_view needle : needles) {
    if (absl::StrContains(lower_text, absl::AsciiStrToLower(needle))) return true;
  }
  return false;
}

}  // namespace

std::string HandshakeHint(absl::string_view grpc_message, const TransportUsed& used) {
  // The node is not there at all: no handshake was tried.
  if (HasAny(grpc_message, {"Connection refused", "Name or service not known",
                            "DNS resolution failed", "No address", "Network is unreachable"})) {
    return "";
  }
  const bool certificate_rejected =
      HasAny(grpc_message, {"CERTIFICATE_VERIFY_FAILED", "certificate verify failed",
                            "unable to get local issuer", "self signed certificate"});
  const bool tls_talks_to_plaintext =
      HasAny(grpc_message, {"WRONG_VERSION_NUMBER", "wrong version number",
                            "packet length too long", "record layer failure"});
  const bool hung_up =
      HasAny(grpc_message, {"Socket closed", "Connection reset", "Broken pipe", "connection closed",
                            "Handshake failed", "handshake failure", "CERTIFICATE_REQUIRED",
                            "alert", "End of TCP stream"});

  if (!used.tls) {
    if (!hung_up) return "";
    return "the handshake failed: the node hung up on a plaintext connection, so it most "
           "likely runs with TLS; pass the federation's CA with --ca (or PACTO_CA), and the "
           "client certificate with --cert and --key (or PACTO_CERT and PACTO_KEY)";
  }
  if (certificate_rejected) {
    return "the TLS handshake failed: the node's certificate is not signed by the CA given "
           "with --ca (or PACTO_CA); pass the ca.crt of the node's federation";
  }
  if (tls_talks_to_plaintext) {
    return "the TLS handshake failed: the node does not speak TLS (a development node?); "
           "leave out --ca, --cert and --key (and PACTO_CA, PACTO_CERT, PACTO_KEY)";
  }
  if (!hung_up) return "";
  if (!used.client_certificate) {
    return "the TLS handshake failed: the node asks for a client certificate and none was "
           "given; pass --cert and --key (or PACTO_CERT and PACTO_KEY) with a client "
           "certificate of the federation";
  }
  return "the TLS handshake failed: the node refused this client certificate (of another "
         "federation, revoked or expired?) or the CA; check --cert, --key and --ca (or "
         "PACTO_CERT, PACTO_KEY and PACTO_CA)";
}

}  // namespace pacto
