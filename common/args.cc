#include "common/args.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pacto {

absl::StatusOr<Args> Args::Parse(int argc, const char* const* argv, const Spec& spec) {
  Args args;
  bool flags_done = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (flags_done || !absl::StartsWith(arg, "--") || arg.size() == 2) {
      if (arg == "--" && !flags_done) {
        flags_done = true;
        continue;
      }
      args.positional_.push_back(std::move(arg));
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline_value = true;
    }
    if (spec.bool_flags.count(name)) {
      if (has_inline_value && value != "true" && value != "false") {
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " takes no value"));
      }
      if (!has_inline_value) value = "true";
      if (value == "true") args.values_[name] = value;
      continue;
    }
    if (!spec.value_flags.count(name)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (!has_inline_value) {
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
      }
      value = argv[++i];
    }
    args.values_[name] = std::move(value);
  }
  return args;
}

bool Args::Has(absl::string_view flag) const { return values_.find(flag) != values_.end(); }

std::string Args::Get(absl::string_view flag, absl::string_view fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::string(fallback) : it->second;
}

std::vector<std::string> Args::Given() const {
  std::vector<std::string> names;
  for (const auto& [name, value] : values_) names.push_back(name);
  return names;
}

absl::Status Args::OnlyAllow(const std::set<std::string>& allowed,
                             absl::string_view context) const {
  for (const auto& [name, value] : values_) {
    if (!allowed.count(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", name, " does not apply to '", context, "'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace pacto
