// An RFC 4180 CSV reader over text held in memory.
//
// Records are separated by LF, CRLF or a lone CR; fields by commas. A field may be
// quoted with '"', and then may hold commas, line breaks and doubled quotes ("" reads
// as "). A UTF-8 byte order mark at the very start is skipped. Completely empty lines
// yield no record. Field text is returned as it is: no trimming, no encoding checks.
//
// Each record carries the 1-based line number where it starts, counting every line
// break in the text (including those inside quoted fields), so a caller can name a row
// the way an editor shows it.
//
// A malformed record (a quote inside an unquoted field, text after a closing quote, a
// quoted field never closed) comes back with a non-OK status and no fields, and reading
// goes on from the line after the one where that record started: one stray quote costs
// one record, not the rest of the file.
//
// Example:
//   CsvReader reader(text);
//   CsvRecord record;
//   while (reader.Next(&record)) {
//     if (!record.status.ok()) { report(record.line, record.status); continue; }
//     use(record.fields);
//   }
//
// Not thread-safe; the text must outlive the reader.
#ifndef PACTO_CLIENT_CSV_CSV_READER_H_
#define PACTO_CLIENT_CSV_CSV_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pacto {

struct CsvRecord {
  // 1-based line number of the record's first character.
  uint64_t line = 0;
  // The fields, unquoted. Empty when `status` is not OK.
  std::vector<std::string> fields;
  // OK, or INVALID_ARGUMENT saying what is malformed, e.g.
  // "quote inside an unquoted field (field 2)".
  absl::Status status;
};

class CsvReader {
 public:
  explicit CsvReader(absl::string_view text);

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `*record`. Returns false, leaving `*record` alone, at the
  // end of the text.
  bool Next(CsvRecord* record);

 private:
  // Marks `*record` malformed and resumes after the line where it started.
  void Fail(CsvRecord* record, size_t record_start, absl::string_view message);
  // Consumes the line break at pos_ (LF, CRLF or CR) and counts it.
  void ConsumeLineBreak();

  const absl::string_view text_;
  size_t pos_ = 0;
  uint64_t line_ = 1;  // the line pos_ is on
};

// Every record of `text`, malformed ones included.
std::vector<CsvRecord> ReadCsv(absl::string_view text);

}  // namespace pacto

#endif  // PACTO_CLIENT_CSV_CSV_READER_H_
