#include "client/csv/csv_reader.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pacto {
namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsLineBreak(char c) { return c == '\n' || c == '\r'; }

// "(field 2)", or "(field 2, line 7)" when the problem is on a later line than the one
// the record starts on (inside a quoted field that spans lines).
std::string Where(size_t field, uint64_t record_line, uint64_t line) {
  if (line == record_line) return absl::StrCat("(field ", field, ")");
  return absl::StrCat("(field ", field, ", line ", line, ")");
}

}  // namespace

CsvReader::CsvReader(absl::string_view text) : text_(text) {
  if (absl::StartsWith(text_, kUtf8Bom)) pos_ = kUtf8Bom.size();
}

void CsvReader::ConsumeLineBreak() {
  if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
  ++pos_;
  ++line_;
}

void CsvReader::Fail(CsvRecord* record, size_t record_start, absl::string_view message) {
  record->fields.clear();
  record->status = absl::InvalidArgumentError(message);
  pos_ = record_start;
  line_ = record->line;
  while (pos_ < text_.size() && !IsLineBreak(text_[pos_])) ++pos_;
  if (pos_ < text_.size()) ConsumeLineBreak();
}

bool CsvReader::Next(CsvRecord* record) {
  while (pos_ < text_.size() && IsLineBreak(text_[pos_])) ConsumeLineBreak();
  if (pos_ >= text_.size()) return false;

  const size_t record_start = pos_;
  record->line = line_;
  record->fields.clear();
  record->status = absl::OkStatus();

  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  State state = State::kFieldStart;
  uint64_t quote_line = line_;  // where the open quoted field began
  std::string field;
  auto end_field = [&] {
    record->fields.push_back(std::move(field));
    field.clear();
  };

  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    switch (state) {
      case State::kFieldStart:
        if (c == '"') {
          state = State::kQuoted;
          quote_line = line_;
          ++pos_;
        } else {
          state = State::kUnquoted;
        }
        break;
      case State::kUnquoted:
        if (c == ',') {
          end_field();
          state = State::kFieldStart;
          ++pos_;
        } else if (IsLineBreak(c)) {
          end_field();
          ConsumeLineBreak();
          return true;
        } else if (c == '"') {
          Fail(record, record_start,
               absl::StrCat("quote inside an unquoted field ",
                            Where(record->fields.size() + 1, record->line, line_)));
          return true;
        } else {
          field.push_back(c);
          ++pos_;
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            field.push_back('"');
            pos_ += 2;
          } else {
            state = State::kAfterQuote;
            ++pos_;
          }
        } else {
          field.push_back(c);
          // A CRLF is one line break: count it at its LF.
          if (c == '\n' || (c == '\r' && (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '\n'))) {
            ++line_;
          }
          ++pos_;
        }
        break;
      case State::kAfterQuote:
        if (c == ',') {
          end_field();
          state = State::kFieldStart;
          ++pos_;
        } else if (IsLineBreak(c)) {
          end_field();
          ConsumeLineBreak();
          return true;
        } else {
          Fail(record, record_start,
               absl::StrCat("unexpected text after a closing quote ",
                            Where(record->fields.size() + 1, record->line, line_)));
          return true;
        }
        break;
    }
  }

  // End of text: it ends the record too, unless a quoted field is still open.
  if (state == State::kQuoted) {
    Fail(record, record_start,
         absl::StrCat("unterminated quoted field ",
                      Where(record->fields.size() + 1, record->line, quote_line)));
    return true;
  }
  end_field();
  return true;
}

std::vector<CsvRecord> ReadCsv(absl::string_view text) {
  std::vector<CsvRecord> records;
  CsvReader reader(text);
  CsvRecord record;
  while (reader.Next(&record)) records.push_back(std::move(record));
  return records;
}

}  // namespace pacto
