#include "client/cli/printer.h"

#include <string>

#include "client/cli/json.h"
#include "common/status_macros.h"

namespace pacto::cli {

absl::Status Printer::PrintJson(const google::protobuf::Message& message) {
  PACTO_ASSIGN_OR_RETURN(std::string json, ToJson(message));
  out_ << json << '\n' << std::flush;
  return absl::OkStatus();
}

absl::Status Printer::PrintId(absl::string_view id, const google::protobuf::Message& record) {
  if (format_ == OutputFormat::kJson) return PrintJson(record);
  out_ << id << '\n' << std::flush;
  return absl::OkStatus();
}

absl::Status Printer::PrintTable(const Table& table, const google::protobuf::Message& message) {
  switch (format_) {
    case OutputFormat::kJson:
      return PrintJson(message);
    case OutputFormat::kCsv:
      out_ << table.ToCsv() << std::flush;
      return absl::OkStatus();
    case OutputFormat::kText:
      break;
  }
  out_ << table.ToText() << std::flush;
  return absl::OkStatus();
}

absl::Status Printer::PrintFields(const FieldList& fields,
                                  const google::protobuf::Message& message) {
  switch (format_) {
    case OutputFormat::kJson:
      return PrintJson(message);
    case OutputFormat::kCsv:
      out_ << fields.ToCsv() << std::flush;
      return absl::OkStatus();
    case OutputFormat::kText:
      break;
  }
  out_ << fields.ToText() << std::flush;
  return absl::OkStatus();
}

}  // namespace pacto::cli
