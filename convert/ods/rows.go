package ods

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/convert/cellfmt"
	"github.com/ovsync/ovsync/convert/formula"
	"github.com/ovsync/ovsync/convert/internal/xmlscan"
	"github.com/ovsync/ovsync/convert/sheet"
)

// Text budget of a row: the spaces text:s elements claim may add this
// much to the row's own bytes, and 32 bytes for each.
const (
	spaceBudget  = 64 << 10
	spacePerByte = 32
)

// Rows streams the rows of a sheet: the [sheet.Rows] of the sheet model,
// each row laid out by its assembly ([sheet.Row]); see [Workbook.Rows].
// Only rows holding a value are returned, in order: compare [Rows.Row]
// from one to the next to find the empty ones.
type Rows struct {
	name     string
	wb       *Workbook // nil for rows read by newRows
	cur      *cursor   // the pass read, given back on Close
	rc       io.ReadCloser
	s        *xmlscan.Scanner
	size     int64 // of the content XML, as far as known
	row      int   // 0-based index of the current row
	next     int   // index of the next row to read
	repeat   int   // times the current row is still to be given again
	copy     bool  // the current row is a copy of the one before
	cells    sheet.Row
	text     []byte // text being assembled
	budget   int64  // text:s spaces the current row may still add
	formulas *formula.Budget
	end      int64 // where the sheet's XML ends, as the sheet list found it; 0 when unknown
	err      error
	done     bool
}

// Rows opens sheet i (an index into [Workbook.Sheets]) for reading. It
// continues the pass over the content that the last sheet read left
// (when sheet i comes after where it stopped), so reading the sheets in
// order reads the content once; Close the rows to hand the pass on.
func (w *Workbook) Rows(i int) (*Rows, error) {
	if i < 0 || i >= len(w.sheets) {
		return nil, fmt.Errorf("no sheet %d: the spreadsheet has %d sheets", i, len(w.sheets))
	}
	name, sp := w.sheets[i].Name, w.spans[i]
	c, err := w.take(sp.offset)
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", name, err)
	}
	r := &Rows{name: name, wb: w, cur: c, rc: c.rc, s: c.s, size: w.size, cells: sheet.NewRow(c.cells), text: c.text[:0], formulas: w.budget, end: sp.end}
	if r.s.Next() != xmlscan.Start || string(r.s.Name) != "table" {
		c.rc.Close()
		return nil, fmt.Errorf("sheet %q: %w", name, corrupt("the sheet moved in content.xml"))
	}
	if r.s.Empty {
		r.done = true
	}
	return r, nil
}

// take returns a pass over the content at offset: the pass the last sheet
// read left, when offset is not behind it, or a new one.
func (w *Workbook) take(offset int64) (*cursor, error) {
	w.mu.Lock()
	c := w.cur
	w.cur = nil
	if c == nil || c.s.Offset() > offset {
		w.passes++
	}
	w.mu.Unlock()
	if c != nil && c.s.Offset() > offset {
		c.rc.Close()
		c = nil
	}
	if c == nil {
		rc, err := w.open()
		if err != nil {
			return nil, corrupt("%v", err)
		}
		c = &cursor{rc: rc, s: xmlscan.New(rc)}
	}
	if !c.s.Discard(offset - c.s.Offset()) {
		err := c.s.Err()
		c.rc.Close()
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, corrupt("%s", xmlscan.ErrText(err))
	}
	return c, nil
}

// give keeps the pass c for the next sheet read, or closes it when
// another is kept already or c failed.
func (w *Workbook) give(c *cursor) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cur == nil && c.s.Err() == nil {
		w.cur = c
		return
	}
	c.rc.Close()
}

// newRows reads the rows of the table whose start tag comes next in rc,
// or, for tests, the rows of any XML.
func newRows(name string, rc io.ReadCloser) *Rows {
	return &Rows{name: name, rc: rc, s: xmlscan.New(rc), cells: sheet.NewRow(nil), formulas: formula.NewBudget()}
}

// Close releases the content, handing the pass on to the next sheet
// read.
func (r *Rows) Close() error {
	r.done = true
	if r.cur != nil {
		c := r.cur
		r.cur, r.rc = nil, nil
		c.cells, c.text = r.cells.Cells()[:0], r.text[:0]
		r.cells = sheet.Row{}
		if r.err != nil {
			return c.rc.Close()
		}
		r.wb.give(c)
		return nil
	}
	if r.rc != nil {
		err := r.rc.Close()
		r.rc = nil
		return err
	}
	return nil
}

// Limit keeps the cells of the first cols columns only, from the next row
// read on: a non-empty cell past them is counted by [Rows.Beyond], not
// laid out, so a value repeated across the sheet costs nothing past the
// columns a caller uses.
func (r *Rows) Limit(cols int) { r.cells.Limit(cols) }

// Beyond returns the number of non-empty cells of the current row past
// the [Rows.Limit] (a repeated cell counted once per column) and the
// 0-based column of the first of them.
func (r *Rows) Beyond() (n, col int) { return r.cells.Beyond() }

// Row returns the 0-based index of the current row.
func (r *Rows) Row() int { return r.row }

// Copy reports whether the current row is the row before it given again
// (a repeated row): the same cells.
func (r *Rows) Copy() bool { return r.copy }

// Cells returns the cells of the current row, from column A to its last
// non-empty cell (or the limit): Cells()[c] is column c. The slice is
// reused by the next call of [Rows.Next], and by the sheet read after
// Close.
func (r *Rows) Cells() []sheet.Cell { return r.cells.Cells() }

// Err returns the error that ended the rows early, naming the sheet and
// the row.
func (r *Rows) Err() error { return r.err }

// Progress returns how many bytes of the content XML have been read, the
// sheets before this one included, and its size.
func (r *Rows) Progress() (done, total int64) { return r.s.Offset(), r.size }

// fail records err, naming the sheet and the current place.
func (r *Rows) fail(err error) {
	r.done = true
	if r.err == nil {
		r.err = fmt.Errorf("sheet %q near row %d: %w", r.name, r.next+1, err)
	}
}

// Next moves to the next row that holds a value, reporting false at the
// end of the sheet or on an error.
func (r *Rows) Next() bool {
	if r.again() {
		return true
	}
	if r.done {
		return false
	}
	s := r.s
	for s.Child("table") {
		if r.pastEnd() {
			return false
		}
		if !rowElement(s) {
			continue
		}
		given, ok := r.nextRow()
		if !ok || given {
			return ok
		}
	}
	if r.pastEnd() {
		return false
	}
	r.done = true
	if err := s.Err(); err != nil && s.Kind == xmlscan.EOF {
		r.fail(corrupt("%s", xmlscan.ErrText(err)))
	}
	return false
}

// again gives the current row once more while it is repeated
// (table:number-rows-repeated), reporting whether it did.
func (r *Rows) again() bool {
	if r.repeat > 0 && r.next < sheet.MaxRows {
		r.repeat--
		r.row, r.next = r.next, r.next+1
		r.cells.Repeat(r.row)
		r.copy = true
		return true
	}
	r.repeat, r.copy = 0, false
	return false
}

// rowElement reports whether the start tag just read is a row's: the
// rows of a group of rows are read in turn, the columns are read
// through, and anything else (shapes, named ranges, forms…) is skipped.
func rowElement(s *xmlscan.Scanner) bool {
	switch string(s.Name) {
	case "table-row":
		return true
	case "table-row-group", "table-header-rows", "table-rows",
		"table-column", "table-columns", "table-header-columns", "table-column-group":
	default:
		s.SkipElement()
	}
	return false
}

// nextRow reads the row whose start tag was just read, reporting whether
// it is given (it holds a value), and false on an error. An empty row,
// however often repeated, only moves the rows on; one holding a value is
// given as often as it is repeated, up to [MaxRepeat] times.
func (r *Rows) nextRow() (given, ok bool) {
	s := r.s
	n := 1
	if v, ok := xmlscan.Attr(s.Attrs, "table:number-rows-repeated"); ok {
		var err error
		if n, err = strconv.Atoi(string(v)); err != nil || n < 1 {
			r.fail(corrupt("row repeated %q times", v))
			return false, false
		}
	}
	if r.next >= sheet.MaxRows {
		return false, r.skipRow()
	}
	if !r.readRow(s.Offset()) || r.pastEnd() {
		return false, false
	}
	if r.cells.Empty() {
		r.next = min(r.next+min(n, sheet.MaxRows), sheet.MaxRows)
		return false, true
	}
	if n > MaxRepeat {
		r.fail(fmt.Errorf("%w (%d times, table:number-rows-repeated): delete the copies of the row in a spreadsheet program, save, and convert again", ErrRepeated, n))
		return false, false
	}
	r.row, r.next = r.next, r.next+1
	r.repeat = min(n-1, sheet.MaxRows-r.next)
	return true, true
}

// pastEnd refuses the sheet when its reading went past where the sheet
// list found its XML to end: a damaged element swallowed the end tag, and
// what follows is the next sheet's, not this one's.
func (r *Rows) pastEnd() bool {
	if r.end > 0 && r.s.Offset() > r.end {
		r.fail(corrupt("the sheet's XML runs past its end"))
		return true
	}
	return false
}

// skipRow skips a row past the last row a sheet can have, refusing one
// that holds a value.
func (r *Rows) skipRow() bool {
	if !r.readRow(r.s.Offset()) {
		return false
	}
	if !r.cells.Empty() {
		r.fail(corrupt("a value past row %d, the last a sheet can have", sheet.MaxRows))
		return false
	}
	return true
}

// readRow reads the <table:table-row> whose start tag was just read into
// r.cells.
func (r *Rows) readRow(start int64) bool {
	s := r.s
	r.cells.Start(r.next)
	r.budget = spaceBudget
	if s.Empty {
		return true
	}
	col := 0
	for s.Child("table-row") {
		name := string(s.Name)
		if name != "table-cell" && name != "covered-table-cell" {
			s.SkipElement()
			continue
		}
		n := 1
		if v, ok := xmlscan.Attr(s.Attrs, "table:number-columns-repeated"); ok {
			var err error
			if n, err = strconv.Atoi(string(v)); err != nil || n < 1 {
				r.fail(corrupt("cell repeated %q times", v))
				return false
			}
		}
		var c sheet.Cell
		if name == "table-cell" {
			var ok bool
			if c, ok = r.readCell(start, col); !ok {
				return false
			}
		} else {
			s.SkipElement() // a cell hidden by a merged one: shown empty
		}
		if !c.Empty() && col+n > sheet.MaxCols {
			r.fail(corrupt("a value past column %d, the last a sheet can have", sheet.MaxCols))
			return false
		}
		r.cells.Put(&c, col, n)
		col = min(col+n, sheet.MaxCols) // an empty run costs nothing
	}
	if s.Kind == xmlscan.EOF {
		r.fail(corrupt("%s", s.Ended(inRow)))
		return false
	}
	return true
}

// inRow says where content that ends early ends.
const inRow = "the content ends inside a row"

// readCell reads the <table:table-cell> whose start tag was just read,
// in the 0-based column col, which an error names. rowStart is where the
// row's XML starts, for the text budget.
func (r *Rows) readCell(rowStart int64, col int) (sheet.Cell, bool) {
	s := r.s
	// The attributes are read before the content, which moves the
	// scanner's buffer.
	a := s.Attrs
	rawType, _ := xmlscan.Attr(a, "office:value-type")
	typ := string(rawType)
	calcType, _ := xmlscan.Attr(a, "calcext:value-type")
	isErr := string(calcType) == "error"
	rawExpr, hasFormula := xmlscan.Attr(a, "table:formula")
	var expr string
	if hasFormula {
		expr = unescape(rawExpr)
	}
	rawString, hasStringValue := xmlscan.Attr(a, "office:string-value")
	var stringValue string
	if hasStringValue && typ == "string" {
		stringValue = unescape(rawString)
	}
	value, stored, err := storedValue(a, typ)
	if err != nil {
		r.fail(corrupt("cell %s: %v", sheet.Ref(r.next, col), err))
		return sheet.Cell{}, false
	}
	c := sheet.Cell{Value: value}
	// The text of the cell's paragraphs: the value of a string without
	// office:string-value, the text of an error.
	if isErr || stored == formula.Text && !hasStringValue {
		text, err := r.cellText(rowStart)
		if err != nil {
			r.fail(err)
			return sheet.Cell{}, false
		}
		if isErr {
			if text == "" {
				text = "#VALUE!"
			}
			return sheet.Cell{Err: text}, true
		}
		c.Value = text
	} else {
		s.SkipElement()
		if stored == formula.Text {
			c.Value = stringValue
		}
	}
	if !hasFormula {
		return c, true
	}
	return r.judge(c, expr, typ, stored), true
}

// storedValue renders the value that the attributes a of a cell of value
// type typ store, and says its kind. A string's value is its text, read
// apart.
func storedValue(a []byte, typ string) (string, formula.Kind, error) {
	switch typ {
	case "float", "percentage", "currency":
		v, err := number(a, "office:value")
		return v, formula.Number, err
	case "date":
		v, _ := xmlscan.Attr(a, "office:date-value")
		d, err := isoDate(string(v))
		return d, formula.Number, err
	case "time":
		v, _ := xmlscan.Attr(a, "office:time-value")
		d, err := isoDuration(string(v))
		return d, formula.Number, err
	case "boolean":
		v, _ := xmlscan.Attr(a, "office:boolean-value")
		b := strings.TrimSpace(string(v))
		return cellfmt.Bool(b == "true" || b == "1"), formula.Bool, nil
	case "string":
		return "", formula.Text, nil
	}
	return "", formula.Unknown, nil
}

// judge returns the cell c of the formula expr, whose stored value is of
// value type typ (of kind stored): as it is, or computed from the
// formula's constants when none is stored or the one stored is stale, or
// marked Unknown saying why.
func (r *Rows) judge(c sheet.Cell, expr, typ string, stored formula.Kind) sheet.Cell {
	v := r.formulas.Parse(expr)
	switch {
	case v.Over && (typ == "" || typ == "void" || formula.Stale(v, stored)):
		return sheet.Cell{Unknown: formula.OverBudget}
	case typ == "" || typ == "void":
		if v.Const && v.Kind == formula.Text {
			return sheet.Cell{Value: v.Text, Computed: v.Text != ""}
		}
		return sheet.Cell{Unknown: "a formula the spreadsheet stores no value for"}
	case formula.Stale(v, stored):
		if v.Const && v.Kind == formula.Text {
			return sheet.Cell{Value: v.Text, Computed: true}
		}
		return sheet.Cell{Unknown: fmt.Sprintf("a stale result: the spreadsheet stores %s for a formula that gives %s", stored, v.Kind)}
	}
	return c
}

// cellText returns the text of the cell whose start tag was just read:
// its paragraphs joined by line breaks, text:s giving spaces, text:tab a
// tab, text:line-break a line break; annotations are left out.
func (r *Rows) cellText(rowStart int64) (string, error) {
	s := r.s
	if s.Empty {
		return "", nil
	}
	r.text = r.text[:0]
	paragraphs := 0
	depth := 0 // of elements inside a paragraph
	inPara := false
	for {
		switch s.Next() {
		case xmlscan.EOF:
			return "", corrupt("%s", s.Ended(inRow))
		case xmlscan.Text:
			if inPara {
				r.text = append(r.text, s.Text...)
			}
		case xmlscan.End:
			switch {
			case inPara && depth == 0:
				inPara = false
			case inPara:
				depth--
			default: // the end of the cell
				return string(r.text), nil
			}
		case xmlscan.Start:
			name := string(s.Name)
			switch {
			case name == "annotation" || name == "note" || name == "frame":
				s.SkipElement()
			case !inPara && (name == "p" || name == "h"):
				if paragraphs > 0 {
					r.text = append(r.text, '\n')
				}
				paragraphs++
				inPara = !s.Empty
			case !inPara:
				s.SkipElement()
			case name == "s":
				n := int64(1)
				if v, ok := xmlscan.Attr(s.Attrs, "text:c"); ok {
					c, err := strconv.ParseInt(string(v), 10, 64)
					if err != nil || c < 0 {
						return "", corrupt("text:s of %q spaces", v)
					}
					n = c
				}
				limit := r.budget + spacePerByte*(s.Offset()-rowStart)
				if n > limit {
					return "", corrupt("text:s claims %d spaces, more than the row holds", n)
				}
				r.budget -= n
				r.text = append(r.text, bytes.Repeat([]byte{' '}, int(n))...)
				s.SkipElement()
			case name == "tab":
				r.text = append(r.text, '\t')
				s.SkipElement()
			case name == "line-break":
				r.text = append(r.text, '\n')
				s.SkipElement()
			case !s.Empty:
				depth++ // text:span, text:a…: their text counts
			}
		}
	}
}

// number renders the number in attribute name of a.
func number(a []byte, name string) (string, error) {
	v, ok := xmlscan.Attr(a, name)
	if !ok {
		return "", fmt.Errorf("a number without %s", name)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", fmt.Errorf("%s=%q is not a number", name, v)
	}
	return cellfmt.Number(f), nil
}

// isoDate renders an office:date-value (2019-03-04, or
// 2019-03-04T08:30:00.5 with a time) as cellfmt renders dates: the date
// alone at midnight, date and time to the second otherwise.
func isoDate(v string) (string, error) {
	v = strings.TrimSpace(v)
	date, clock, hasClock := strings.Cut(v, "T")
	if len(date) < 10 || date[4] != '-' || date[7] != '-' {
		return "", fmt.Errorf("date %q", v)
	}
	if !hasClock {
		return date, nil
	}
	// A time zone is not a spreadsheet's: drop it.
	if i := strings.IndexAny(clock, "Z+-"); i >= 0 {
		clock = clock[:i]
	}
	h, m, sec, ok := hms(clock, ":")
	if !ok {
		return "", fmt.Errorf("date %q", v)
	}
	secs := int64(math.Round(h*3600 + m*60 + sec))
	if secs == 0 {
		return date, nil
	}
	if secs >= 86400 {
		secs = 86399 // 23:59:59.6: spreadsheets show the next day; keep the date
	}
	return fmt.Sprintf("%sT%02d:%02d:%02d", date, secs/3600, secs/60%60, secs%60), nil
}

// isoDuration renders an office:time-value (PT08H30M00S) as hh:mm:ss, the
// hours going past 24 for a duration.
func isoDuration(v string) (string, error) {
	v = strings.TrimSpace(v)
	neg := strings.HasPrefix(v, "-")
	rest, ok := strings.CutPrefix(strings.TrimPrefix(v, "-"), "PT")
	if !ok {
		return "", fmt.Errorf("time %q", v)
	}
	var h, m, sec float64
	for rest != "" {
		i := strings.IndexAny(rest, "HMS")
		if i <= 0 {
			return "", fmt.Errorf("time %q", v)
		}
		f, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil || f < 0 || f > 1e9 {
			return "", fmt.Errorf("time %q", v)
		}
		switch rest[i] {
		case 'H':
			h = f
		case 'M':
			m = f
		case 'S':
			sec = f
		}
		rest = rest[i+1:]
	}
	secs := int64(math.Round(h*3600 + m*60 + sec))
	out := fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if neg && secs != 0 {
		out = "-" + out
	}
	return out, nil
}

// hms reads h:m:s.
func hms(s, sep string) (h, m, sec float64, ok bool) {
	parts := strings.Split(s, sep)
	if len(parts) != 3 {
		return 0, 0, 0, false
	}
	var v [3]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f < 0 || f >= 100 {
			return 0, 0, 0, false
		}
		v[i] = f
	}
	return v[0], v[1], v[2], true
}
