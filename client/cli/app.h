// The `pacto` command-line program, minus main(): reads the command line and the
// environment, checks the line against the command's spec, connects, runs the command,
// and reports (DESIGN §2.1).
//
// Every failure ends in exactly one stderr line, "error: CODE: message" (error_line.h).
// Exit codes: kExitOk; kExitFailure when the command ran and failed (an error from the
// node, an unreachable node, an unreadable file, rejected import rows); kExitUsage when
// the command line itself is wrong (unknown command or flag, a missing argument or
// required flag, a flag the command does not take, a bad --timeout), in which case
// nothing was sent.
#ifndef PACTO_CLIENT_CLI_APP_H_
#define PACTO_CLIENT_CLI_APP_H_

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pacto::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

inline constexpr char kDefaultNode[] = "127.0.0.1:7400";

struct Io {
  std::ostream* out;
  std::ostream* err;
  bool err_is_terminal = false;
  // The environment variable's value, or nullopt when it is not set.
  std::function<std::optional<std::string>(const char* name)> getenv;
};

// Runs `pacto` with `args` (the command line without the program name) and returns the
// exit code.
int Run(const std::vector<std::string>& args, const Io& io);

// Run() with the process's real stdout, stderr and environment.
int Main(int argc, char** argv);

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_APP_H_
