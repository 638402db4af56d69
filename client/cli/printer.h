// Where a command's result goes: stdout, in the format the user chose (--json, --csv
// or, by default, text for a person).
//
// Each Print method takes both a text view of the result and the response message, and
// prints the one the format asks for. Not thread-safe; `out` must outlive the printer.
#ifndef PACTO_CLIENT_CLI_PRINTER_H_
#define PACTO_CLIENT_CLI_PRINTER_H_

#include <ostream>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli/field_list.h"
#include "client/cli/table.h"
#include "google/protobuf/message.h"

namespace pacto::cli {

enum class OutputFormat { kText, kJson, kCsv };

class Printer {
 public:
  Printer(OutputFormat format, std::ostream* out) : format_(format), out_(*out) {}

  OutputFormat format() const { return format_; }
  std::ostream& out() { return out_; }

  // `message` as JSON (see json.h) and a newline, whatever the format.
  absl::Status PrintJson(const google::protobuf::Message& message);

  // A newly created record: its id alone on a line (text and CSV), so that scripts can
  // write ID=$(pacto chapter add ...); with --json the whole record.
  absl::Status PrintId(absl::string_view id, const google::protobuf::Message& record);

  // A list: the table as text or CSV, or `message` as JSON.
  absl::Status PrintTable(const Table& table, const google::protobuf::Message& message);

  // One record: the fields as text or CSV, or `message` as JSON.
  absl::Status PrintFields(const FieldList& fields, const google::protobuf::Message& message);

 private:
  const OutputFormat format_;
  std::ostream& out_;
};

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_PRINTER_H_
