package xlsx

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/ovsync/ovsync/convert/cellfmt"
	"github.com/ovsync/ovsync/convert/formula"
	"github.com/ovsync/ovsync/convert/sheet"
)

// calc is the calculation engine of a workbook, opened the first time a
// formula without a stored result is read.
type calc struct {
	mu      sync.Mutex
	f       *excelize.File
	err     error // why it could not be opened
	opened  bool
	scratch string     // a sheet added to ask the engine a cell's type
	cost    *costModel // what the engine may still compute
}

// scratchSheet names the sheet added, in memory only, to ask the engine
// whether a result is a number.
const scratchSheet = "ovsync scratch 4f1c"

// noResult is why a formula cell without a stored result is not a value,
// before the reason the engine gives; staleResult that of a cell whose
// stored result its formula cannot give; recalcResult that of a cell of
// a workbook whose calcPr says fullCalcOnLoad.
const (
	noResult     = "a formula the workbook stores no result for"
	staleResult  = "a formula whose stored result is stale (text stored as a number, or the reverse)"
	recalcResult = "a formula of a workbook that asks to be recalculated when opened (its stored results may be stale)"
)

// compute returns the cell at ref of sheet name holding formula text expr,
// which the workbook stores no result for (or a stale one: why says
// which, for messages): its value computed by excelize, rendered with
// the cell's number format f, or a cell marked Unknown.
func (w *Workbook) compute(name, ref, expr string, f cellfmt.Format, why string) sheet.Cell {
	w.calc.mu.Lock()
	defer w.calc.mu.Unlock()
	c := &w.calc
	if !c.opened {
		c.opened = true
		c.f, c.err = openEngine(w.r, w.size)
		if c.err == nil {
			c.cost = newCostModel(w, c.f)
		}
	}
	if c.err != nil {
		return sheet.Cell{Unknown: fmt.Sprintf("%s, which ovsync cannot compute (the workbook does not open in its calculation engine: %v)", why, c.err)}
	}
	if err := c.cost.check(name, ref, true); err != nil {
		return sheet.Cell{Unknown: fmt.Sprintf("%s, which ovsync does not compute: %v", why, err)}
	}
	raw, err := calcCell(c.f, name, ref)
	switch {
	case err != nil && err.Error() == raw && isErrorText(raw):
		return sheet.Cell{Err: raw, Computed: true} // the formula's result is an error
	case err != nil:
		return sheet.Cell{Unknown: fmt.Sprintf("%s, which ovsync cannot compute (%s)", why, oneLine(err.Error()))}
	}
	kind := w.budget.Parse(expr).Kind
	if kind == formula.Unknown && raw != "" {
		kind = c.kindOf(name, ref, raw, f, w.date1904)
	}
	return w.computed(raw, kind, f, why)
}

// computed is the cell of a formula the engine computed as raw, a result
// of kind kind, rendered with the cell's number format f; why says why
// it was computed, for a result that is not what its kind is.
func (w *Workbook) computed(raw string, kind formula.Kind, f cellfmt.Format, why string) sheet.Cell {
	out := sheet.Cell{Computed: true}
	switch {
	case kind != formula.Text && isErrorText(raw):
		out.Err = raw
	case kind == formula.Text, kind == formula.Unknown:
		out.Value = raw
	case kind == formula.Bool && (raw == "TRUE" || raw == "FALSE"):
		out.Value = raw
	default: // a number, or a boolean the engine gives as 1 or 0
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return sheet.Cell{Unknown: fmt.Sprintf("%s, which ovsync computes as %q where a number is due", why, raw)}
		}
		if kind == formula.Bool {
			out.Value = cellfmt.Bool(v != 0)
		} else {
			out.Value = f.Render(v, w.date1904)
		}
	}
	if out.Empty() {
		out.Computed = false // an empty text: nothing to write
	}
	return out
}

// engineLimit bounds what the calculation engine unzips, as a multiple
// of the file's size (and at least engineMin): memory stays in proportion
// to the file even when its parts claim more.
const (
	engineLimit = 64
	engineMin   = 64 << 20
)

// openEngine opens the workbook r of the given size in excelize. It is
// third-party code reading untrusted input: a panic there is a workbook
// that does not open.
func openEngine(r io.ReaderAt, size int64) (f *excelize.File, err error) {
	if r == nil {
		return nil, errors.New("no file")
	}
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("the calculation engine failed: %v", p)
		}
	}()
	limit := max(engineLimit*size, engineMin)
	return excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, 16<<20)})
}

// calcCell computes a cell with excelize, a panic there being an error.
func calcCell(f *excelize.File, sheet, ref string) (raw string, err error) {
	defer func() {
		if p := recover(); p != nil {
			raw, err = "", fmt.Errorf("the calculation engine failed: %v", p)
		}
	}()
	return f.CalcCellValue(sheet, ref, excelize.Options{RawCellValue: true})
}

// kindOf tells whether the engine's result raw for a formula whose kind
// its text does not tell is a number, when that changes what is written:
// a number in a date format is a date, the text "45292" is not.
func (c *calc) kindOf(sheet, ref, raw string, f cellfmt.Format, date1904 bool) formula.Kind {
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || raw == "TRUE" || raw == "FALSE" {
		return formula.Text
	}
	if f.Render(v, date1904) == raw {
		return formula.Text // the same either way
	}
	if c.scratch == "" {
		if _, err := c.f.NewSheet(scratchSheet); err != nil {
			return formula.Text
		}
		c.scratch = scratchSheet
	}
	q := "ISNUMBER('" + strings.ReplaceAll(sheet, "'", "''") + "'!" + ref + ")"
	err = c.f.SetCellFormula(c.scratch, "A1", q)
	c.cost.clear() // the engine forgets what it computed
	if err != nil || c.cost.check(sheet, ref, false) != nil {
		return formula.Text
	}
	if isNum, err := calcCell(c.f, c.scratch, "A1"); err == nil && isNum == "TRUE" {
		return formula.Number
	}
	return formula.Text
}

// isErrorText reports whether s is the text of an error value.
func isErrorText(s string) bool {
	switch s {
	case "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!":
		return true
	}
	return false
}

// oneLine keeps the first line of an error text.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Close releases the calculation engine, if a formula opened it.
func (w *Workbook) Close() error {
	w.calc.mu.Lock()
	defer w.calc.mu.Unlock()
	if w.calc.f != nil {
		err := w.calc.f.Close()
		w.calc.f = nil
		return err
	}
	return nil
}
