package convert

import (
	"io"
	"strconv"

	"github.com/ovsync/ovsync/internal/table"
)

// printSummary draws the table of what each sheet became: source file and
// sheet, kind, rows written and output file; a skipped sheet says why.
// The kind is named as in its format's schemas (users or members), which
// tells the format too.
//
// When ovsync computed formula cells the workbook stored no value for, a
// COMPUTED column counts them by sheet.
func printSummary(w io.Writer, sheets []SheetResult) error {
	anyComputed := false
	for _, s := range sheets {
		anyComputed = anyComputed || s.Computed > 0
	}
	var rows [][]string
	for _, s := range sheets {
		if s.Skipped == "" && !s.Converted {
			continue // a sheet that failed: its error says why
		}
		sheet := s.Sheet
		if sheet == "" {
			sheet = "-"
		}
		row := []string{s.File, sheet, "-", "-", "skipped (" + s.Skipped + ")"}
		if s.Converted {
			row = []string{s.File, sheet, kindName(s), strconv.Itoa(s.Rows), s.Output}
		}
		if anyComputed {
			n := "-"
			if s.Converted {
				n = strconv.Itoa(s.Computed)
			}
			row = append(row[:4], n, row[4])
		}
		rows = append(rows, row)
	}
	if anyComputed {
		return table.Write(w, []string{"SOURCE", "SHEET", "KIND", "ROWS", "COMPUTED", "OUTPUT"}, rows, 3, 4)
	}
	return table.Write(w, []string{"SOURCE", "SHEET", "KIND", "ROWS", "OUTPUT"}, rows, 3)
}

// kindName names the kind of a converted sheet in its format: users,
// groups, mapping, or members, teams, teams-mappings.
func kindName(s SheetResult) string {
	if s.Format == nil {
		return s.Kind.String()
	}
	return s.Format.Schemas[s.Kind]
}
