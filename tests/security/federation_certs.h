// Test support for the security tests: a federation's certificates made by the real
// deploy/certs.sh into a scratch dir, secure pacto-node processes started with them,
// gRPC channels that present a given certificate, and tokens minted with the
// federation's signing key.
//
// Example:
//   FederationCerts certs(dir.Sub("certs"), {"n1:BO"});
//   ASSERT_TRUE(certs.ok()) << certs.error();
//   auto node = StartSecureNode(certs, "n1", dir.Sub("data"));
//   auto channel = certs.Channel((*node)->address(), "client");
//   grpc::ClientContext context;
//   AddToken(&context, certs.Token("enroller", "LPZ"));
#ifndef PACTO_TESTS_SECURITY_FEDERATION_CERTS_H_
#define PACTO_TESTS_SECURITY_FEDERATION_CERTS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tests/support/processes.h"

namespace pacto {

class FederationCerts {
 public:
  // Runs deploy/certs.sh OUT_DIR SPECS... (plus `extra_args` before OUT_DIR).
  FederationCerts(std::string dir, const std::vector<std::string>& specs,
                  const std::vector<std::string>& extra_args = {});

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& dir() const { return dir_; }
  std::string File(const std::string& name) const { return dir_ + "/" + name; }

  // Runs certs.sh again on the same dir: more nodes or clients, or "revoke NAME".
  CommandResult Run(const std::vector<std::string>& args) const;

  // The flags that make a node secure with certificate NAME.crt: TLS, CRL dir, token
  // key and federation key.
  std::vector<std::string> NodeFlags(const std::string& name) const;

  // A channel to `address` presenting certificate `name` (NAME.crt/NAME.key; empty:
  // none), trusting `ca` (default: this federation's CA).
  std::shared_ptr<grpc::Channel> Channel(const std::string& address, const std::string& name,
                                         const std::string& ca = "") const;

  // A token signed with this federation's key, issued at `issued` (default: now).
  std::string Token(const std::string& role, const std::string& region,
                    absl::Duration ttl = absl::Hours(1), const std::string& subject = "",
                    absl::Time issued = absl::InfinitePast()) const;

 private:
  std::string dir_;
  std::string error_;
};

// The path of deploy/certs.sh in the source tree.
std::string CertsScript();

// Sets "authorization: Bearer TOKEN" (nothing when `token` is empty) and a deadline.
void PrepareContext(grpc::ClientContext* context, const std::string& token);

// Starts pacto-node with NodeFlags(name) and `extra` flags.
absl::StatusOr<std::unique_ptr<NodeProcess>> StartSecureNode(
    const FederationCerts& certs, const std::string& name, const std::string& data_dir,
    const std::vector<std::string>& extra = {});

}  // namespace pacto

#endif  // PACTO_TESTS_SECURITY_FEDERATION_CERTS_H_
