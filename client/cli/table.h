// A table of text, shown to a person as aligned columns or to a script as CSV.
//
// Example:
//   Table table({"code", "name"});
//   table.AddRow({"LPZ", "La Paz"});
//   std::cout << table.ToText();
//   // CODE  NAME
//   // LPZ   La Paz
#ifndef PACTO_CLIENT_CLI_TABLE_H_
#define PACTO_CLIENT_CLI_TABLE_H_

#include <string>
#include <vector>

namespace pacto::cli {

class Table {
 public:
  // `columns` are the CSV header names in lower snake case ("membership_id"); the text
  // header shows them upper-cased ("MEMBERSHIP_ID").
  explicit Table(std::vector<std::string> columns);

  // REQUIRES: `cells` has one entry per column.
  void AddRow(std::vector<std::string> cells);

  size_t row_count() const { return rows_.size(); }

  // The header and then one line per row. Every column but the last is padded to its
  // widest cell (DisplayWidth) and columns are separated by two spaces; cells are shown
  // through ForDisplay (an empty cell is "-"); no line has trailing spaces.
  std::string ToText() const;

  // The header (column names as given) and one line per row, RFC 4180 quoted, cells
  // exactly as they are, "\n" line ends.
  std::string ToCsv() const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_TABLE_H_
