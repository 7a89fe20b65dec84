// Package sheet is the one model of a spreadsheet that convert's
// workbook readers hand over: a workbook's sheets ([Sheet]), the rows of a
// sheet ([Rows]) and the cells of a row ([Cell]), laid out by column. The
// .xlsx, .ods and .xls readers ([github.com/ovsync/ovsync/convert/xlsx],
// [github.com/ovsync/ovsync/convert/ods] and
// [github.com/ovsync/ovsync/convert/xls]) each read their format's bytes
// and lay every row out through the same assembly ([Row]); convert, and
// ovsync build through it, read every workbook through this model alone.
//
// Positions are 0-based here (A1 is row 0, column 0); [Ref] writes them
// as a spreadsheet shows them.
package sheet

import (
	"errors"
	"fmt"
	"strconv"
)

// MaxCols and MaxRows are the size of the largest sheet a spreadsheet
// program makes (A1:XFD1048576).
const (
	MaxCols = 16384
	MaxRows = 1 << 20
)

// Sheet is one sheet of a workbook, as its reader lists it.
type Sheet struct {
	// Name is the sheet's name, as the workbook's tab shows it ("" for
	// the one sheet of a text file).
	Name string
	// Hidden is true for a sheet the workbook hides.
	Hidden bool
}

// Cell is one cell of a row. An empty cell has no Value, no Err and no
// Unknown.
type Cell struct {
	// Row and Col are 0-based: A1 is row 0, column 0.
	Row, Col int
	// Value is the cell's value as a person reads it (rendered by
	// convert/cellfmt): the stored result for a formula; "" for an error.
	Value string
	// Err is the error an error cell, or a formula's result, shows
	// ("#N/A", "#DIV/0!", LibreOffice's "Err:502", …).
	Err string
	// Computed is set for a formula whose result the workbook does not
	// store, or stores stale, and whose value (or error) ovsync computed.
	Computed bool
	// Unknown is set for a formula whose value cannot be known (none
	// stored, or one its formula cannot give, and none computable): it
	// says why.
	Unknown string
}

// Empty reports whether the cell holds nothing: no value, no error and
// no formula without a value.
func (c Cell) Empty() bool { return c.Value == "" && c.Err == "" && c.Unknown == "" }

// Ref returns the cell's A1-style reference, such as "G12".
func (c Cell) Ref() string { return Ref(c.Row, c.Col) }

// Ref returns the A1-style reference of the 0-based row and column, such
// as "G12" for row 11, column 6.
func Ref(row, col int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(strconv.AppendInt(b, int64(row)+1, 10))
}

// ErrCorrupt means a truncated or damaged file. Every reader's own error
// for one wraps it ("workbook is truncated or corrupt"), so that
// errors.Is tells a damaged file whatever its format.
var ErrCorrupt = errors.New("truncated or corrupt")

// Corrupt returns the error base (a reader's error wrapping [ErrCorrupt])
// saying what was wrong, followed by the fix every reader gives.
func Corrupt(base error, format string, args ...any) error {
	return fmt.Errorf("%w (%s): open it in a spreadsheet program and save it again", base, fmt.Sprintf(format, args...))
}

// Rows is the rows of a sheet as a reader hands them over, read as
//
//	for rows.Next() {
//		cells := rows.Cells()
//		...
//	}
//	if err := rows.Err(); err != nil { ... }
//
// Only rows holding a value are given, in increasing order, each once
// (but for repeats, see [Copier]): compare Row from one to the next to
// find the empty rows between them.
type Rows interface {
	// Next moves to the next row holding a value, reporting false at the
	// end of the sheet or on an error.
	Next() bool
	// Row returns the 0-based index of the current row.
	Row() int
	// Cells returns the cells of the current row, from column A to its
	// last non-empty cell: Cells()[c] is column c. The slice is reused by
	// the next call of Next.
	Cells() []Cell
	// Err returns the error that ended the rows early, naming the sheet
	// and the place.
	Err() error
	// Progress returns how much of the sheet has been read, in units
	// that total counts (bytes of XML, rows); total is 0 when unknown.
	Progress() (done, total int64)
	// Close releases the sheet.
	Close() error
}

// Limiter is [Rows] that can keep the cells of the first columns only
// (those a header names), counting the others: a value far away, or
// repeated across the sheet, then costs nothing past them. A reader that
// holds a sheet in memory whole has no need of it.
type Limiter interface {
	// Limit keeps the cells of the first cols columns, from the next row
	// read on.
	Limit(cols int)
	// Beyond returns the number of non-empty cells of the current row
	// past the limit, and the 0-based column of the first.
	Beyond() (n, col int)
}

// Book is a workbook as its reader opens it: its sheets, and the rows of
// each in the sheet model, R being the reader's own [Rows].
type Book[R Rows] interface {
	// Sheets lists the sheets in the workbook's order.
	Sheets() []Sheet
	// Rows opens sheet i, an index into Sheets.
	Rows(i int) (R, error)
}

// Copier is [Rows] whose rows may be the row before given again
// (OpenDocument's repeated rows).
type Copier interface {
	// Copy reports whether the current row is the row before it given
	// again: the same cells.
	Copy() bool
}
