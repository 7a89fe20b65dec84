package xlsx

import (
	"github.com/ovsync/ovsync/convert/internal/xmlscan"

	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/convert/cellfmt"
	"github.com/ovsync/ovsync/convert/formula"
	"github.com/ovsync/ovsync/convert/sheet"
)

// Rows streams the rows of a worksheet: the [sheet.Rows] of the sheet
// model, each row laid out by its assembly ([sheet.Row]). Only rows
// holding a value or an error are returned, in order. A sheet whose rows,
// or the cells of a row, are out of order or repeated is refused as
// corrupt.
type Rows struct {
	wb      *Workbook
	name    string
	rc      io.ReadCloser
	s       *xmlscan.Scanner
	size    int64 // of the sheet's XML, uncompressed
	row     int   // 0-based index of the current row
	last    int   // index of the row before the next <row> without r=
	cells   sheet.Row
	val     []byte // value text being assembled
	formula []byte // formula text of the cell being read
	err     error
	done    bool
}

// Rows opens worksheet i (an index into [Workbook.Sheets]) for reading.
func (w *Workbook) Rows(i int) (*Rows, error) {
	if i < 0 || i >= len(w.sheets) {
		return nil, fmt.Errorf("no sheet %d: the workbook has %d worksheets", i, len(w.sheets))
	}
	f := w.files[w.parts[i]]
	rc, err := openPart(f)
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", w.sheets[i].Name, corrupt("%v", err))
	}
	r := w.newRows(w.sheets[i].Name, rc)
	r.size = int64(f.UncompressedSize64)
	return r, nil
}

// newRows reads the sheet XML of rc.
func (w *Workbook) newRows(name string, rc io.ReadCloser) *Rows {
	return &Rows{wb: w, name: name, rc: rc, s: xmlscan.New(rc), last: -1, cells: sheet.NewRow(nil)}
}

// Limit keeps the cells of the first cols columns only, from the next row
// read on: a non-empty cell past them is counted by [Rows.Beyond], not
// laid out (nor computed), so a far-away cell costs nothing past the
// columns a caller uses.
func (r *Rows) Limit(cols int) { r.cells.Limit(cols) }

// Beyond returns the number of non-empty cells of the current row past
// the [Rows.Limit] and the 0-based column of the first of them.
func (r *Rows) Beyond() (n, col int) { return r.cells.Beyond() }

// Close releases the sheet's part.
func (r *Rows) Close() error {
	r.done = true
	if r.rc != nil {
		err := r.rc.Close()
		r.rc = nil
		return err
	}
	return nil
}

// Row returns the 0-based index of the current row.
func (r *Rows) Row() int { return r.row }

// Cells returns the cells of the current row, from column A to its last
// non-empty cell (or the limit): Cells()[c] is column c. The slice is
// reused by the next call of [Rows.Next].
func (r *Rows) Cells() []sheet.Cell { return r.cells.Cells() }

// Err returns the error that ended the rows early, if any: a damaged part
// or a cell that refers to nothing. It names the sheet and the cell.
func (r *Rows) Err() error { return r.err }

// Progress returns how many bytes of the sheet's XML have been read, and
// its size.
func (r *Rows) Progress() (done, total int64) { return r.s.Offset(), r.size }

// Next moves to the next row that holds a value or an error, reporting
// false at the end of the sheet or on an error.
func (r *Rows) Next() bool {
	if r.done {
		return false
	}
	s := r.s
	for s.Child("sheetData") {
		if string(s.Name) != "row" {
			continue
		}
		if ok := r.readRow(); !ok {
			return false
		}
		if !r.cells.Empty() {
			return true
		}
	}
	r.done = true
	if err := s.Err(); err != nil && s.Kind == xmlscan.EOF {
		r.fail(corrupt("%s", xmlscan.ErrText(err)))
	}
	return false
}

// fail records err, naming the sheet and the current place.
func (r *Rows) fail(err error) {
	r.done = true
	if r.err == nil {
		r.err = fmt.Errorf("sheet %q near row %d: %w", r.name, r.row+1, err)
	}
}

// readRow reads the <row> element whose start tag was just read into
// r.cells. It reports false on an error.
func (r *Rows) readRow() bool {
	s := r.s
	row := r.last + 1
	if v, ok := xmlscan.Attr(s.Attrs, "r"); ok {
		n, err := strconv.Atoi(string(v))
		if err != nil || n < 1 || n > sheet.MaxRows {
			r.fail(corrupt("row number %q", v))
			return false
		}
		row = n - 1
	}
	if row <= r.last {
		// Excel writes rows in order, each once: a row again, or out of
		// order, would hide or replace values.
		r.fail(corrupt("row %d after row %d: rows out of order", row+1, r.last+1))
		return false
	}
	r.row, r.last = row, row
	r.cells.Start(row)
	if s.Empty {
		return true
	}
	col := -1
	for s.Child("row") {
		if string(s.Name) != "c" {
			s.SkipElement()
			continue
		}
		c, ok := r.readCell(col + 1)
		if !ok {
			return false
		}
		col = c
	}
	return r.inside()
}

// inside reports whether the element being read ended with its end tag,
// failing the rows when the sheet's XML ended inside it.
func (r *Rows) inside() bool {
	if r.s.Kind == xmlscan.EOF {
		r.fail(corrupt("%s", r.s.Ended("the sheet's XML ends inside a row")))
		return false
	}
	return true
}

// readCell reads the <c> element whose start tag was just read, at column
// col unless its r= attribute says otherwise (a column after col, never
// before it), and stores it. It returns the cell's column.
func (r *Rows) readCell(col int) (int, bool) {
	s := r.s
	col, ok := r.cellColumn(col)
	if !ok {
		return 0, false
	}
	var style int
	var typ string
	if v, ok := xmlscan.Attr(s.Attrs, "s"); ok {
		style, _ = strconv.Atoi(string(v))
	}
	if v, ok := xmlscan.Attr(s.Attrs, "t"); ok {
		typ = string(v)
	}
	if s.Empty {
		return col, true
	}
	r.val = r.val[:0]
	r.formula = r.formula[:0]
	hasV, hasF := false, false
	for s.Child("c") {
		switch string(s.Name) {
		case "v":
			r.val = s.ElementText(r.val[:0])
			hasV = true
		case "is":
			if !s.Empty {
				r.val = stringItem(s, r.val[:0], "is")
			}
			hasV = true
		case "f":
			r.formula = s.ElementText(r.formula[:0])
			hasF = true
		default: // <extLst>, …
			s.SkipElement()
		}
	}
	if !r.inside() {
		return 0, false
	}
	return col, r.settle(col, style, typ, hasV, hasF)
}

// cellColumn returns the column of the cell whose start tag was just
// read: col, or the one its r= attribute names, refusing one before col
// or past the last column.
func (r *Rows) cellColumn(col int) (int, bool) {
	if v, ok := xmlscan.Attr(r.s.Attrs, "r"); ok {
		c, ok := parseCol(v)
		if !ok {
			r.fail(corrupt("cell reference %q", v))
			return 0, false
		}
		if c < col {
			r.fail(corrupt("cell %s after %s: cells out of order", sheet.Ref(r.row, c), sheet.Ref(r.row, col-1)))
			return 0, false
		}
		col = c
	}
	if col >= sheet.MaxCols {
		r.fail(corrupt("cell in column %d, past the last column XFD", col+1))
		return 0, false
	}
	return col, true
}

// settle stores the cell just read at column col, of style and type typ,
// with a value (r.val, when hasV) and a formula (r.formula, when hasF):
// its stored value, or its formula computed when the workbook stores no
// result, may store stale ones, or stores one its formula cannot give.
func (r *Rows) settle(col, style int, typ string, hasV, hasF bool) bool {
	switch {
	case hasF && (!hasV || len(bytes.TrimSpace(r.val)) == 0 && typ != "str" && typ != "inlineStr"):
		// A formula without a stored result: a program that writes
		// formulas without calculating them.
		r.compute(col, style, noResult)
		return true
	case !hasV:
		return true
	case hasF && r.wb.recalc:
		// The workbook asks to be recalculated when opened: its stored
		// results may be anything (XlsxWriter stores 0).
		r.compute(col, style, recalcResult)
		return true
	case hasF && r.wb.stale(string(r.formula), typ):
		// A stored result its formula cannot give: computed again, as if
		// none were stored.
		r.compute(col, style, staleResult)
		return true
	}
	return r.store(col, style, typ)
}

// store renders the value text r.val of a cell of type typ and style, and
// puts it at column col of the current row.
func (r *Rows) store(col, style int, typ string) bool {
	var c sheet.Cell
	switch typ {
	case "s":
		if len(bytes.TrimSpace(r.val)) == 0 {
			return true // <v/>: no string, an empty cell (as a number's empty <v/> is)
		}
		i, err := strconv.Atoi(string(bytes.TrimSpace(r.val)))
		v, ok := r.wb.sharedString(i)
		if err != nil || !ok {
			r.fail(corrupt("cell %s refers to shared string %q of %d", sheet.Ref(r.row, col), r.val, len(r.wb.sst)))
			return false
		}
		c.Value = v
	case "str", "inlineStr":
		c.Value = string(decodeEscapes(r.val))
	case "b":
		v := strings.TrimSpace(string(r.val))
		c.Value = cellfmt.Bool(v == "1" || strings.EqualFold(v, "true"))
	case "e":
		c.Err = strings.TrimSpace(string(r.val))
	case "d":
		c.Value = isoDate(strings.TrimSpace(string(r.val)), r.wb.format(style))
	default: // "n" or none: a number
		text := bytes.TrimSpace(r.val)
		if len(text) == 0 {
			return true
		}
		v, err := strconv.ParseFloat(string(text), 64)
		if err != nil {
			r.fail(corrupt("cell %s holds %q, not a number", sheet.Ref(r.row, col), text))
			return false
		}
		c.Value = r.wb.format(style).Render(v, r.wb.date1904)
	}
	r.cells.Put(&c, col, 1)
	return true
}

// stale reports whether a result of cell type typ cannot come from the
// formula expr: a number for a formula that gives text, or text for one
// that gives a number. The formula's constants are computed within the
// workbook's budget: only its kind counts here.
func (w *Workbook) stale(expr, typ string) bool {
	stored := formula.Number
	switch typ {
	case "str", "s", "inlineStr":
		stored = formula.Text
	case "b", "e":
		return false
	}
	return formula.Stale(w.budget.Parse(expr), stored)
}

// compute stores the value of the formula r.formula at column col of the
// current row, computed by the workbook's calculation engine.
func (r *Rows) compute(col, style int, why string) {
	if !r.cells.Keeps(col) {
		r.cells.Count(col, 1) // a formula: a value, whatever it gives
		return
	}
	ref := sheet.Ref(r.row, col)
	c := r.wb.compute(r.name, ref, string(decodeEscapes(r.formula)), r.wb.format(style), why)
	r.cells.Put(&c, col, 1)
}

// parseCol returns the 0-based column of an A1-style reference such as
// "AB12" (or of a bare column "AB").
func parseCol(ref []byte) (int, bool) {
	col, n := 0, 0
	for ; n < len(ref); n++ {
		c := ref[n] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > sheet.MaxCols {
			return 0, false
		}
	}
	if n == 0 {
		return 0, false
	}
	for _, c := range ref[n:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return col - 1, true
}

// isoDate renders the ISO 8601 value of a t="d" cell (written by strict
// Office Open XML producers) as cellfmt would a date serial: the date
// alone for a date format or a midnight time, date and time otherwise.
func isoDate(v string, f cellfmt.Format) string {
	v = strings.TrimSuffix(v, "Z")
	date, clock, hasClock := strings.Cut(v, "T")
	if i := strings.IndexByte(clock, '.'); i >= 0 {
		clock = clock[:i]
	}
	switch {
	case f.Kind() == cellfmt.KindTime && hasClock:
		return clock
	case !hasClock || f.Kind() == cellfmt.KindDate || clock == "00:00:00":
		return date
	}
	return date + "T" + clock
}
