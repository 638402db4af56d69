// pacto-demo: loads the demo federation (client/demo/demo_federation.h) into a node, once.
// deploy/quickstart.sh runs it; everything but flag parsing lives in demo_loader.h.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/error_line.h"
#include "client/demo/demo_loader.h"
#include "client/lib/pacto_client.h"
#include "common/args.h"

namespace {

constexpr char kUsage[] =
    "usage: pacto-demo [--node ADDR] [--members N] [--seed N]\n"
    "\n"
    "Loads a demo federation modelled on Bolivia's Pacto de Unidad into a pacto-node:\n"
    "regions, chapters from the pact down to community sindicatos, members, officers and\n"
    "formation records. Does nothing when the node already has chapters.\n"
    "\n"
    "  --node ADDR   the node's gRPC address (env PACTO_NODE; default 127.0.0.1:7400)\n"
    "  --members N   people to enrol (default 3000)\n"
    "  --seed N      the generator's seed (default 1); one seed, one federation\n";

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int Fail(const absl::Status& status, int code) {
  std::cerr << pacto::cli::ErrorLine(status) << std::endl;
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  pacto::Args::Spec spec{.value_flags = {"node", "members", "seed"}, .bool_flags = {"help"}};
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
  const char* env_node = std::getenv("PACTO_NODE");
  if (args->Has("node")) {
    options.address = args->Get("node");
  } else if (env_node != nullptr && env_node[0] != '\0') {
    options.address = env_node;
  }
  absl::StatusOr<std::unique_ptr<pacto::Client>> client = pacto::Client::Connect(options);
  if (!client.ok()) return Fail(client.status(), kExitUsage);

  absl::Status status = pacto::demo::RunDemo(**client, demo, std::cout);
  if (!status.ok()) return Fail(status, kExitFailure);
  return 0;
}
