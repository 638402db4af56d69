// The bounds pacto-node's gRPC server puts on every connection and call, so that a
// misbehaving or hostile client cannot exhaust the node (DESIGN §6):
//   - messages of at most kMaxMessageBytes either way (an import batch is ~1 MiB);
//   - at most kMaxConcurrentStreams calls at once on one connection;
//   - a TLS handshake must finish within kHandshakeTimeout;
//   - keepalive enforcement: a client may ping at most every kMinPingInterval without
//     data (more often twice and the connection is closed), and the server pings idle
//     connections itself to find dead peers; a connection idle for kMaxIdle is closed;
//   - list pages are capped by the registry (page_size at most 1000, see pagination.h),
//     import messages at 10,000 rows (import_reactor.h).
// Client-side deadlines are the client's: libpacto sets one on every call.
#ifndef PACTO_NODE_SERVER_SERVER_LIMITS_H_
#define PACTO_NODE_SERVER_SERVER_LIMITS_H_

#include "absl/time/time.h"
#include "grpcpp/server_builder.h"

namespace pacto {

inline constexpr int kMaxMessageBytes = 16 << 20;
inline constexpr int kMaxConcurrentStreams = 128;
inline constexpr absl::Duration kHandshakeTimeout = absl::Seconds(10);
inline constexpr absl::Duration kMinPingInterval = absl::Seconds(10);
inline constexpr int kMaxPingStrikes = 2;
inline constexpr absl::Duration kServerKeepalive = absl::Minutes(1);
inline constexpr absl::Duration kKeepaliveTimeout = absl::Seconds(20);
inline constexpr absl::Duration kMaxIdle = absl::Minutes(30);

void ApplyServerLimits(grpc::ServerBuilder* builder);

}  // namespace pacto

#endif  // PACTO_NODE_SERVER_SERVER_LIMITS_H_
