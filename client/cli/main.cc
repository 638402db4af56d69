// pacto: the command-line client of a Pacto node (DESIGN §2.1). Everything but this
// function lives in the pacto_cli library (app.h).
#include <grpc/support/log.h>

#include "client/cli/app.h"

int main(int argc, char** argv) {
  // gRPC's own log lines ("Handshake failed with fatal error ...") would make a second
  // stderr line; the CLI says what failed in its one `error:` line (handshake_hint.h).
  gpr_set_log_function([](gpr_log_func_args*) {});
  return pacto::cli::Main(argc, argv);
}
