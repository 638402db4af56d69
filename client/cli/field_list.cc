#include "client/cli/field_list.h"

#include <algorithm>

#include "client/cli/display_text.h"
#include "client/csv/csv_writer.h"

namespace pacto::cli {

void FieldList::Add(std::string key, std::string value) {
  fields_.emplace_back(std::move(key), std::move(value));
}

std::string FieldList::ToText() const {
  size_t key_width = 0;
  for (const auto& [key, value] : fields_) key_width = std::max(key_width, DisplayWidth(key));
  std::string text;
  for (const auto& [key, value] : fields_) {
    text += key;
    text += ':';
    text.append(key_width - DisplayWidth(key) + 1, ' ');
    text += ForDisplay(value);
    text.push_back('\n');
  }
  return text;
}

std::string FieldList::ToCsv() const {
  std::string csv = CsvLine({"field", "value"});
  for (const auto& [key, value] : fields_) csv += CsvLine({key, value});
  return csv;
}

}  // namespace pacto::cli
