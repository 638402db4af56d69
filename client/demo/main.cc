// pacto-demo: loads the demo federation (client/demo/demo_federation.h) into a node, once.
// deploy/quickstart.sh runs it; everything but flag parsing lives in demo_loader.h.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/error_line.h"
#include "client/demo/demo_loader.h"
#include "client/lib/pacto_client.h"
#include "common/args.h"

namespace {

constexpr char kUsage[] =
    "usage: pacto-demo [--node ADDR] [--token TOKEN] [--ca FILE --cert FILE --key FILE]\n"
    "                  [--members N] [--seed N] [--region-levels N]\n"
    "\n"
    "Loads a demo federation modelled on Bolivia's Pacto de Unidad into a pacto-node:\n"
    "regions, chapters from the pact down to community sindicatos, members, officers and\n"
    "formation records. Does nothing when the node already has chapters.\n"
    "\n"
    "  --node ADDR   the node's gRPC address (env PACTO_NODE; default 127.0.0.1:7400)\n"
    "  --token T     bearer token, an enroller's of the root region on a secure node\n"
    "                (env PACTO_TOKEN)\n"
    "  --ca, --cert, --key FILE\n"
    "                mutual TLS, as for pacto (env PACTO_CA, PACTO_CERT, PACTO_KEY)\n"
    "  --members N   people to enrol (default 3000)\n"
    "  --seed N      the generator's seed (default 1); one seed, one federation\n"
    "  --region-levels N\n"
    "                only the regions of the tree's first N levels (1 the country, 2 its\n"
    "                departments, 3 their provinces), skipping those already there\n";

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// The flag's value, else the environment variable's when set and not empty, else "".
std::string FlagOrEnv(const pacto::Args& args, const char* flag, const char* env) {
  if (args.Has(flag)) return args.Get(flag);
  const char* value = std::getenv(env);
  return value != nullptr ? std::string(value) : std::string();
}

int Fail(const absl::Status& status, int code) {
  std::cerr << pacto::cli::ErrorLine(status) << std::endl;
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  pacto::Args::Spec spec{
      .value_flags = {"node", "token", "ca", "cert", "key", "members", "seed", "region-levels"},
      .bool_flags = {"help"}};
  absl::StatusOr<pacto::Args> args = pacto::Args::Parse(argc - 1, argv + 1, spec);
  if (!args.ok()) return Fail(args.status(), kExitUsage);
  if (args->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!args->positional().empty()) {
    return Fail(absl::InvalidArgumentError(
                    absl::StrCat("unexpected argument '", args->positional()[0], "'")),
                kExitUsage);
  }

  pacto::demo::DemoOptions demo;
  if (args->Has("members") && !absl::SimpleAtoi(args->Get("members"), &demo.members)) {
    return Fail(absl::InvalidArgumentError("--members: not a whole number"), kExitUsage);
  }
  if (args->Has("seed") && !absl::SimpleAtoi(args->Get("seed"), &demo.seed)) {
    return Fail(absl::InvalidArgumentError("--seed: not a whole number"), kExitUsage);
  }
  if (demo.members < pacto::demo::MinDemoMembers() || demo.members > pacto::demo::kMaxDemoMembers) {
    return Fail(absl::InvalidArgumentError(absl::StrCat("--members: must be between ",
                                                        pacto::demo::MinDemoMembers(), " and ",
                                                        pacto::demo::kMaxDemoMembers)),
                kExitUsage);
  }

  pacto::ClientOptions options;
  const std::string node = FlagOrEnv(*args, "node", "PACTO_NODE");
  if (!node.empty()) options.address = node;
  options.token = FlagOrEnv(*args, "token", "PACTO_TOKEN");
  options.ca_file = FlagOrEnv(*args, "ca", "PACTO_CA");
  options.cert_file = FlagOrEnv(*args, "cert", "PACTO_CERT");
  options.key_file = FlagOrEnv(*args, "key", "PACTO_KEY");
  absl::StatusOr<std::unique_ptr<pacto::Client>> client = pacto::Client::Connect(options);
  if (!client.ok()) return Fail(client.status(), kExitUsage);

  absl::Status status;
  if (args->Has("region-levels")) {
    pacto::demo::RegionLevels levels;
    if (!absl::SimpleAtoi(args->Get("region-levels"), &levels.levels) || levels.levels < 1) {
      return Fail(absl::InvalidArgumentError("--region-levels: not a whole number above 0"),
                  kExitUsage);
    }
    status = pacto::demo::RunDemoRegions(**client, demo, levels, std::cout);
  } else {
    status = pacto::demo::RunDemo(**client, demo, std::cout);
  }
  if (!status.ok()) return Fail(status, kExitFailure);
  return 0;
}
