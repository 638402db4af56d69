// Why a connection to a node failed, in words a user can act on.
//
// gRPC answers a failed TLS handshake with UNAVAILABLE and its transport's last words,
// often only "Socket closed": the node hung up because the client sent no certificate
// or spoke plaintext to it. HandshakeHint reads those words together with what the
// client did (plaintext or TLS, with or without a client certificate) and names the
// likely cause and the flags that fix it (--ca, --cert, --key and PACTO_CA,
// PACTO_CERT, PACTO_KEY).
//
// Pure function; thread-safe.
#ifndef PACTO_CLIENT_LIB_HANDSHAKE_HINT_H_
#define PACTO_CLIENT_LIB_HANDSHAKE_HINT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pacto {

// What the client offered the node.
struct TransportUsed {
  bool tls = false;                 // --ca given
  bool client_certificate = false;  // --cert and --key given
};

// For the message of an UNAVAILABLE status: a sentence saying that the handshake
// failed and why it likely did, naming the flags to fix it, e.g. "the TLS handshake
// failed: the node asks for a client certificate and none was given; pass --cert and
// --key (or PACTO_CERT and PACTO_KEY)". Empty when the message does not point at the
// handshake (a refused connection, an unknown host: the node is not there at all).
std::string HandshakeHint(absl::string_view grpc_message, const TransportUsed& used);

}  // namespace pacto

#endif  // PACTO_CLIENT_LIB_HANDSHAKE_HINT_H_
