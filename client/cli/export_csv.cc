#include "client/cli/export_csv.h"

#include "client/csv/csv_writer.h"

namespace pacto::cli {

std::string ExportCsvHeader() {
  return CsvLine(
      {"chapter", "name", "national_id", "birth_date", "since", "membership_id", "status"});
}

std::string ExportCsvRows(const v1::ExportMembersResponse& chunk) {
  std::string text;
  for (const v1::ExportRow& r : chunk.rows()) {
    text += CsvLine({r.chapter(), r.name(), r.national_id(), r.birth_date(), r.since(),
                     r.membership_id(), r.status()});
  }
  return text;
}

}  // namespace pacto::cli
