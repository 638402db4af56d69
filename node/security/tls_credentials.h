// gRPC credentials for mutual TLS under the federation CA (DESIGN §6), built from
// files that are read again every `reload_interval`, so a renewed certificate, key or
// CA takes effect without a restart (gRPC's FileWatcherCertificateProvider; replace
// the files atomically, e.g. by rename). With a CRL directory, certificates it revokes
// are refused in every handshake, both ways.
//
// The server asks every caller for a certificate and refuses any that the federation
// CA did not sign: plain clients, and nodes of another federation, cannot connect at
// all. Node-to-node channels present the node's own certificate and check the peer's
// against the CA and the address dialled (localhost, 127.0.0.1 and the names given to
// deploy/certs.sh).
#ifndef PACTO_NODE_SECURITY_TLS_CREDENTIALS_H_
#define PACTO_NODE_SECURITY_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace pacto {

struct TlsFiles {
  std::string cert;     // PEM certificate chain: --tls-cert
  std::string key;      // PEM private key: --tls-key
  std::string ca;       // PEM federation CA: --tls-ca
  std::string crl_dir;  // hashed CRL directory: --tls-crl-dir; empty for none
  absl::Duration reload_interval = absl::Seconds(60);
};

// For pacto-node's gRPC port.
std::shared_ptr<grpc::ServerCredentials> ServerTlsCredentials(const TlsFiles& files);

// For the node's outgoing channels to its peers.
std::shared_ptr<grpc::ChannelCredentials> NodeChannelCredentials(const TlsFiles& files);

}  // namespace pacto

#endif  // PACTO_NODE_SECURITY_TLS_CREDENTIALS_H_
