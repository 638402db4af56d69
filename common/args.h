// A small command-line parser shared by `pacto` and `pacto-node`: positional
// arguments and --flags, in any order, as `--flag value` or `--flag=value`. A flag
// declared boolean takes no value. "--" ends flag parsing.
//
// Example:
//   Args::Spec spec{.value_flags = {"node", "name"}, .bool_flags = {"json"}};
//   absl::StatusOr<Args> args = Args::Parse(argc - 1, argv + 1, spec);
//   if (args->Has("json")) ...
#ifndef PACTO_COMMON_ARGS_H_
#define PACTO_COMMON_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pacto {

class Args {
 public:
  struct Spec {
    std::set<std::string> value_flags;
    std::set<std::string> bool_flags;
  };

  // Parses `argv[0..argc)` (without the program name). Fails on an unknown flag, a
  // value flag without a value, or a boolean flag given a value.
  static absl::StatusOr<Args> Parse(int argc, const char* const* argv, const Spec& spec);

  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(absl::string_view flag) const;
  // The flag's last value, or `fallback` when it was not given.
  std::string Get(absl::string_view flag, absl::string_view fallback = "") const;
  // Names of every flag given, in sorted order.
  std::vector<std::string> Given() const;

  // Fails naming the first given flag not in `allowed`; lets a sub-command reject
  // flags that belong to others.
  absl::Status OnlyAllow(const std::set<std::string>& allowed, absl::string_view context) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace pacto

#endif  // PACTO_COMMON_ARGS_H_
