// pacto: the command-line client of a Pacto node (DESIGN §2.1). Everything but this
// function lives in the pacto_cli library (app.h).
#include "client/cli/app.h"

int main(int argc, char** argv) { return pacto::cli::Main(argc, argv); }
