#include "client/csv/formula_cells.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pacto {
namespace {

bool IsTrigger(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// A sign, digits, and at most one '.' followed by digits: "-12", "+3.5".
bool IsPlainNumber(absl::string_view value) {
  size_t i = 0;
  if (i < value.size() && (value[i] == '-' || value[i] == '+')) ++i;
  const size_t digits_start = i;
  while (i < value.size() && absl::ascii_isdigit(static_cast<unsigned char>(value[i]))) ++i;
  if (i == digits_start) return false;
  if (i < value.size() && value[i] == '.') {
    const size_t fraction_start = ++i;
    while (i < value.size() && absl::ascii_isdigit(static_cast<unsigned char>(value[i]))) ++i;
    if (i == fraction_start) return false;
  }
  return i == value.size();
}

}  // namespace

bool NeedsFormulaGuard(absl::string_view value) {
  if (value.empty()) return false;
  if (value.front() == '\'') return true;
  return IsTrigger(value.front()) && !IsPlainNumber(value);
}

std::string GuardFormulaCell(absl::string_view value) {
  if (!NeedsFormulaGuard(value)) return std::string(value);
  return absl::StrCat("'", value);
}

std::string UnguardFormulaCell(absl::string_view cell) {
  if (cell.size() >= 2 && cell[0] == '\'' && (IsTrigger(cell[1]) || cell[1] == '\'')) {
    return std::string(cell.substr(1));
  }
  return std::string(cell);
}

}  // namespace pacto
