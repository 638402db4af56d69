#include "client/cli/table.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "absl/strings/ascii.h"
#include "client/cli/display_text.h"
#include "client/csv/csv_writer.h"

namespace pacto::cli {
namespace {

void AppendLine(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
                std::string* out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    *out += cells[i];
    if (i + 1 < cells.size()) out->append(widths[i] - DisplayWidth(cells[i]) + 2, ' ');
  }
  out->push_back('\n');
}

}  // namespace

Table::Table(std::vector<std::string> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<std::string> cells) {
  assert(cells.size() == columns_.size());
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::ToText() const {
  std::vector<std::vector<std::string>> shown;
  shown.reserve(rows_.size() + 1);
  std::vector<std::string> header;
  for (const std::string& column : columns_) header.push_back(absl::AsciiStrToUpper(column));
  shown.push_back(std::move(header));
  for (const std::vector<std::string>& row : rows_) {
    std::vector<std::string> cells;
    for (const std::string& cell : row) cells.push_back(ForDisplay(cell));
    shown.push_back(std::move(cells));
  }

  std::vector<size_t> widths(columns_.size(), 0);
  for (const std::vector<std::string>& cells : shown) {
    for (size_t i = 0; i < cells.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(cells[i]));
    }
  }
  std::string text;
  for (const std::vector<std::string>& cells : shown) AppendLine(cells, widths, &text);
  return text;
}

std::string Table::ToCsv() const {
  std::string csv = CsvLine(columns_);
  for (const std::vector<std::string>& row : rows_) csv += CsvLine(row);
  return csv;
}

}  // namespace pacto::cli
