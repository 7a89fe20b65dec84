package xlsx

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/efp"
	"github.com/xuri/excelize/v2"

	"github.com/ovsync/ovsync/convert/internal/xmlscan"
)

// The calculation engine runs third-party code over the workbook's
// formulas with no bound of its own: a formula over A1:XFD1048576 builds
// a matrix of 17 billion cells, a chain of & doubles its text at each
// cell, REPT("",1E15) loops for ever. Before a formula is given to the
// engine, its cost is worked out from the workbook's own cells, the way
// the engine would spend it, in units that do not depend on the speed of
// the machine:
//
//   - cells: every reference builds a matrix of its whole area (whole
//     columns and rows clipped to the sheet's last row and column, as the
//     engine does), every time a formula using it is computed; a formula
//     it refers to is computed once, until the engine's caches are
//     cleared. A workbook's formulas may read [MaxCalcCells] cells in all,
//     a single reference [MaxRefCells];
//   - text: the bytes the text functions and & could build, from the sizes
//     of the values they join (an upper bound), at most [MaxCalcText] for
//     any step of a formula;
//   - depth: a chain of formulas each needing the next is followed at most
//     [MaxCalcDepth] deep (the engine recurses once per link);
//   - functions whose cost depends on their arguments' values (REPT,
//     MUNIT, BASE, INDIRECT, …) are not computed.
//
// A cell past any of these is not computed: it is marked Unknown, named,
// and the run stops with the fix (recalculate in a spreadsheet program).
const (
	MaxCalcCells = 10_000_000
	MaxRefCells  = 1 << 20
	MaxCalcText  = 64 << 20
	MaxCalcDepth = 5000
)

// calcBudget is MaxCalcCells, lowered by tests.
var calcBudget int64 = MaxCalcCells

// costlyFunctions are the functions whose running time or memory in the
// engine depends on the values of their arguments, not on the cells they
// read: a repeat count, a matrix size, a reference built from text, a
// loop over a count of periods.
var costlyFunctions = map[string]bool{
	"REPT": true, "MUNIT": true, "BASE": true, "INDIRECT": true, "OFFSET": true,
	"SEQUENCE": true, "RANDARRAY": true, "MAKEARRAY": true,
	"BESSELK": true, "BESSELY": true, "BINOMDIST": true, "BINOM.DIST": true, "BINOM.DIST.RANGE": true,
	"HYPGEOMDIST": true, "HYPGEOM.DIST": true, "AMORDEGRC": true, "CUMIPMT": true, "CUMPRINC": true,
	"DB": true, "DDB": true, "IPMT": true, "ISPMT": true, "PPMT": true,
}

// costError says why a formula is not given to the engine.
type costError struct{ why string }

func (e *costError) Error() string { return e.why }

// est is the size of what an expression gives: max bytes as one value,
// sum of bytes as an array spread out (a range's cells joined), the
// number of values, and whether it is an array.
type est struct {
	max, sum, n int64
	arr         bool
}

// scalar is the size of e as one value: an array joined with & joins
// each of its values.
func (e est) scalar() int64 {
	if e.arr {
		return max(e.max, e.sum)
	}
	return e.max
}

// cellKey is a cell of a sheet: the sheet's index, its 1-based row and
// column.
type cellKey struct{ sheet, row, col int }

// costModel works out what computing formulas costs in the engine; it
// lives as long as the engine.
type costModel struct {
	w     *Workbook
	f     *excelize.File
	left  int64 // cells the workbook's formulas may still read
	index []*sheetIndex
	names map[string]string // defined names: "scope\x00NAME" → refers to
	done  map[cellKey]est   // formula cells the engine has computed since its caches were last cleared
	added []cellKey         // to done by the cell being checked
	depth int
}

// sheetIndex is what the cost of a reference to a sheet needs: its last
// row and column as the engine clips whole columns and rows, and the
// size of each cell that holds a value, or whether it holds a formula.
type sheetIndex struct {
	maxRow, maxCol int
	rows           map[int][]cellSize // by 1-based row, in column order
}

// cellSize is a cell of a sheet: its 1-based column, the size of its
// value, and whether it holds a formula (whose size is worked out).
type cellSize struct {
	col     int
	size    int64
	formula bool
}

// newCostModel returns the cost model of w's engine f.
func newCostModel(w *Workbook, f *excelize.File) *costModel {
	m := &costModel{w: w, f: f, left: calcBudget, index: make([]*sheetIndex, len(w.sheets))}
	return m
}

// clear forgets what the engine computed, when its caches are cleared.
func (m *costModel) clear() { m.done = nil }

// charge takes n cells from the budget.
func (m *costModel) charge(n int64) error {
	if n > m.left {
		return &costError{fmt.Sprintf("computing it would read more than %d cells, ovsync's budget for the formulas of a workbook", calcBudget)}
	}
	m.left -= n
	return nil
}

// check returns an error when the formula at ref of sheet (as the engine
// would compute it, with what it needs) goes past a bound, and charges
// the cells it reads. top says that the engine is asked for the cell
// itself, and so does not keep its value for the formulas that need it.
func (m *costModel) check(sheet, ref string, top bool) error {
	si := m.sheetNumber(sheet)
	col, row, err := excelize.CellNameToCoordinates(ref)
	if si < 0 || err != nil {
		return nil // the engine refuses it itself
	}
	m.depth, m.added = 0, m.added[:0]
	left := m.left
	_, err = m.formulaCell(cellKey{si, row, col}, top)
	if err != nil {
		// Not computed: nothing spent, nothing kept by the engine.
		m.left = left
		for _, k := range m.added {
			delete(m.done, k)
		}
	}
	return err
}

// formulaCell works out a formula cell: its size, and the cost of
// computing it (charged unless the engine has it computed already; a
// cell computed at the top is not kept by the engine).
func (m *costModel) formulaCell(k cellKey, top bool) (est, error) {
	if e, ok := m.done[k]; ok && !top {
		return e, nil
	}
	if m.depth >= MaxCalcDepth {
		return est{}, &costError{fmt.Sprintf("its formula needs a chain of more than %d formulas, each needing the next", MaxCalcDepth)}
	}
	if m.done == nil {
		m.done = map[cellKey]est{}
	}
	if !top {
		m.done[k] = est{} // a cycle: the engine stops there too
		m.added = append(m.added, k)
	}
	name := m.w.sheets[k.sheet].Name
	ref, _ := excelize.CoordinatesToCellName(k.col, k.row)
	expr, err := m.f.GetCellFormula(name, ref)
	if err != nil || expr == "" {
		return est{}, nil
	}
	m.depth++
	e, err := m.formula(k.sheet, expr)
	m.depth--
	if err != nil {
		return est{}, err
	}
	if !top {
		m.done[k] = e
	}
	return e, nil
}

// formula works out the formula expr of sheet si.
func (m *costModel) formula(si int, expr string) (est, error) {
	ps := efp.ExcelParser() // one each: a parser's tokens are its own
	toks := ps.Parse(expr)
	if err := m.charge(int64(len(toks))); err != nil {
		return est{}, err
	}
	p := &tokenReader{toks: toks}
	e, err := m.expr(si, p)
	if err != nil {
		return est{}, err
	}
	return e, nil
}

// tokenReader walks the tokens of a formula.
type tokenReader struct {
	toks []efp.Token
	i    int
}

// expr works out the tokens up to the end of the current argument or
// parentheses: joined with & their sizes add up, otherwise the largest
// counts.
func (m *costModel) expr(si int, p *tokenReader) (est, error) {
	var items []est
	concat := false
	for p.i < len(p.toks) {
		t := p.toks[p.i]
		switch {
		case t.TType == efp.TokenTypeArgument,
			(t.TType == efp.TokenTypeFunction || t.TType == efp.TokenTypeSubexpression) && t.TSubType == efp.TokenSubTypeStop:
			return combine(items, concat)
		case t.TType == efp.TokenTypeFunction && t.TSubType == efp.TokenSubTypeStart:
			p.i++
			e, err := m.call(si, t.TValue, p)
			if err != nil {
				return est{}, err
			}
			items = append(items, e)
		case t.TType == efp.TokenTypeSubexpression && t.TSubType == efp.TokenSubTypeStart:
			p.i++
			e, err := m.expr(si, p)
			if err != nil {
				return est{}, err
			}
			p.i++ // the closing parenthesis
			items = append(items, e)
		case t.TType == efp.TokenTypeOperatorInfix && t.TSubType == efp.TokenSubTypeConcatenation:
			concat = true
			p.i++
		case t.TType == efp.TokenTypeOperand:
			e, err := m.operand(si, t)
			if err != nil {
				return est{}, err
			}
			items = append(items, e)
			p.i++
		default:
			p.i++
		}
	}
	return combine(items, concat)
}

// combine is the size of items joined with & (concat) or not.
func combine(items []est, concat bool) (est, error) {
	var out est
	for _, e := range items {
		if concat {
			out.max += e.scalar()
		} else {
			out.max = max(out.max, e.max)
		}
		out.sum += e.sum
		out.n += e.n
		out.arr = out.arr || e.arr
	}
	if concat {
		out.sum = max(out.sum, out.max)
	}
	return out, tooMuchText(out)
}

// tooMuchText refuses a step that could build more than MaxCalcText
// bytes of text.
func tooMuchText(e est) error {
	if e.max > MaxCalcText || e.sum > MaxCalcText {
		return &costError{fmt.Sprintf("computing it could build more than %d bytes of text, ovsync's bound for a formula", MaxCalcText)}
	}
	return nil
}

// call works out a function call whose start token was just read,
// through its stop token.
func (m *costModel) call(si int, name string, p *tokenReader) (est, error) {
	fn := strings.ToUpper(name)
	fn = strings.TrimPrefix(strings.TrimPrefix(fn, "_XLFN."), "_XLWS.")
	if costlyFunctions[fn] {
		return est{}, &costError{fmt.Sprintf("it uses %s, whose cost depends on its arguments' values", fn)}
	}
	var args []est
	for p.i < len(p.toks) {
		e, err := m.expr(si, p)
		if err != nil {
			return est{}, err
		}
		args = append(args, e)
		t := p.toks[min(p.i, len(p.toks)-1)]
		p.i++
		if t.TType != efp.TokenTypeArgument {
			break // the stop token, or the end
		}
	}
	arg := func(i int) est {
		if i < len(args) {
			return args[i]
		}
		return est{}
	}
	var out est
	switch fn {
	case "IF", "IFS", "IFERROR", "IFNA", "CHOOSE", "INDEX", "SWITCH", "TRANSPOSE", "FILTER", "SORT", "SORTBY", "UNIQUE":
		// One of the values given, or an array of them.
		for _, a := range args {
			out.max = max(out.max, a.max)
			out.sum += a.sum
			out.n += a.n
			out.arr = out.arr || a.arr
		}
		return out, tooMuchText(out)
	case "CONCAT", "CONCATENATE":
		for _, a := range args {
			out.max += a.sum
		}
	case "TEXTJOIN":
		for _, a := range args[min(2, len(args)):] {
			out.max += a.sum + arg(0).max*a.n
		}
	case "SUBSTITUTE":
		out.max = arg(0).sum * (1 + arg(2).max)
	case "REPLACE", "REPLACEB":
		out.max = arg(0).sum + arg(3).max
	case "UPPER", "LOWER", "PROPER", "TRIM", "CLEAN", "LEFT", "RIGHT", "MID", "LEFTB", "RIGHTB", "MIDB", "T":
		out.max = 2 * arg(0).max
	case "TEXT", "DOLLAR", "FIXED":
		out.max = 64 + 2*arg(1).max
	default:
		// The others give a number, a boolean, or one value looked up
		// among those given (VLOOKUP, MATCH…).
		for _, a := range args {
			out.max = max(out.max, a.max)
		}
	}
	out.sum, out.n = out.max, 1
	return out, tooMuchText(out)
}

// operand works out a constant or a reference.
func (m *costModel) operand(si int, t efp.Token) (est, error) {
	switch t.TSubType {
	case efp.TokenSubTypeRange:
		// The engine looks the token up among the defined names, then
		// reads it; inside a function it may read it twice.
		if err := m.charge(int64(len(m.definedNames()))); err != nil {
			return est{}, err
		}
		ref := t.TValue
		if to, ok := m.name(si, ref); ok {
			ref = to
		}
		a, err := m.reference(si, ref)
		if err != nil {
			return est{}, err
		}
		if err := m.charge(a.n); err != nil {
			return est{}, err
		}
		return a, nil
	default:
		n := int64(len(t.TValue))
		return est{max: n, sum: n, n: 1}, nil
	}
}

// definedNames returns the workbook's defined names, read once.
func (m *costModel) definedNames() map[string]string {
	if m.names == nil {
		m.names = map[string]string{}
		for _, d := range m.f.GetDefinedName() {
			m.names[d.Scope+"\x00"+d.Name] = d.RefersTo
		}
	}
	return m.names
}

// name returns what the defined name ref refers to from sheet si, as the
// engine resolves it: the sheet's own name first, then the workbook's.
func (m *costModel) name(si int, ref string) (string, bool) {
	names := m.definedNames()
	if to, ok := names[m.w.sheets[si].Name+"\x00"+ref]; ok && to != "" {
		return to, true
	}
	to, ok := names["Workbook\x00"+ref]
	return to, ok && to != ""
}

// reference works out a reference as the engine reads it (a cell, a range,
// whole columns or rows, on this sheet, another or several): the cells it
// reads (its area, in n) and the sizes of their values, computing the
// formulas among them.
func (m *costModel) reference(si int, ref string) (est, error) {
	ref = strings.ReplaceAll(ref, "$", "")
	sheets := []int{si}
	if first, last, rest, ok := split3D(ref); ok {
		a, b := m.sheetNumber(first), m.sheetNumber(last)
		if a < 0 || b < 0 {
			return est{}, nil
		}
		sheets = nil
		for i := min(a, b); i <= max(a, b); i++ {
			sheets = append(sheets, i)
		}
		ref = rest
	}
	var out est
	for _, s := range sheets {
		e, err := m.area(s, ref)
		if err != nil {
			return est{}, err
		}
		out.max = max(out.max, e.max)
		out.sum += e.sum
		out.n += e.n
	}
	return out, nil
}

// split3D splits a reference Sheet1:Sheet3!A1 into its sheets and its
// cells.
func split3D(ref string) (first, last, rest string, ok bool) {
	sheets, rest, found := strings.Cut(ref, "!")
	if !found || strings.ContainsAny(sheets, "'") {
		return "", "", "", false
	}
	first, last, found = strings.Cut(sheets, ":")
	if !found || first == "" || last == "" {
		return "", "", "", false
	}
	return first, last, rest, true
}

// area works out a reference to a cell or range (no 3D part) from sheet
// si.
func (m *costModel) area(si int, ref string) (est, error) {
	parts := strings.Split(ref, ":")
	var from, to cellKey
	for i, part := range parts {
		sheet := si
		if i > 0 && !strings.Contains(part, "!") {
			sheet = from.sheet // Teams!A1:B9: B9 is on Teams too
		}
		k, isCol, isRow, ok := m.parseRef(sheet, part)
		if !ok {
			return est{}, nil // not a reference: the engine gives #NAME?
		}
		if i == 0 {
			if isCol {
				k.row = 1
			}
			if isRow {
				k.col = 1
			}
			from, to = k, k
			continue
		}
		if isCol {
			k.row = excelize.TotalRows
		}
		if isRow {
			k.col = excelize.MaxColumns
		}
		if k.sheet != from.sheet {
			return est{}, nil // the engine refuses it
		}
		from.row, from.col = min(from.row, k.row), min(from.col, k.col)
		to.row, to.col = max(to.row, k.row), max(to.col, k.col)
	}
	idx, err := m.sheetIndex(from.sheet)
	if err != nil {
		return est{}, err
	}
	if len(parts) > 1 {
		// Whole columns or rows stop at the sheet's last row or column
		// holding anything, as the engine clips them.
		if to.row == excelize.TotalRows && idx.maxRow > 0 {
			to.row = idx.maxRow
		}
		if to.col == excelize.MaxColumns && idx.maxCol > 0 {
			to.col = idx.maxCol
		}
	}
	n := int64(max(0, to.row-from.row+1)) * int64(max(0, to.col-from.col+1))
	if n > MaxRefCells {
		return est{}, &costError{fmt.Sprintf("it reads %s, %d cells, more than the %d ovsync lets a reference read", ref, n, MaxRefCells)}
	}
	if err := m.charge(n); err != nil {
		return est{}, err
	}
	out := est{n: n, arr: n > 1}
	for row := from.row; row <= to.row; row++ {
		cells := idx.rows[row]
		if len(cells) == 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(cells, from.col, func(c cellSize, col int) int { return c.col - col })
		for ; i < len(cells) && cells[i].col <= to.col; i++ {
			size := cells[i].size
			if cells[i].formula {
				e, err := m.formulaCell(cellKey{from.sheet, row, cells[i].col}, false)
				if err != nil {
					return est{}, err
				}
				size = e.max
			}
			out.max = max(out.max, size)
			out.sum += size
		}
	}
	return out, tooMuchText(out)
}

// parseRef reads a cell, a column or a row of a reference, with its sheet
// (si when none).
func (m *costModel) parseRef(si int, ref string) (k cellKey, isCol, isRow, ok bool) {
	k.sheet = si
	if sheet, cell, found := strings.Cut(ref, "!"); found {
		k.sheet = m.sheetNumber(strings.TrimSuffix(strings.TrimPrefix(sheet, "'"), "'"))
		if k.sheet < 0 {
			return k, false, false, false
		}
		ref = cell
	}
	if col, row, err := excelize.CellNameToCoordinates(ref); err == nil {
		k.col, k.row = col, row
		return k, false, false, true
	}
	if col, err := excelize.ColumnNameToNumber(ref); err == nil {
		k.col = col
		return k, true, false, true
	}
	if row, err := strconv.Atoi(ref); err == nil && row >= 1 && row <= excelize.TotalRows {
		k.row = row
		return k, false, true, true
	}
	return k, false, false, false
}

// sheetNumber returns the index of the worksheet called name (compared
// as the engine compares them, regardless of case), or -1.
func (m *costModel) sheetNumber(name string) int {
	for i, s := range m.w.sheets {
		if strings.EqualFold(s.Name, name) {
			return i
		}
	}
	return -1
}

// sheetIndex returns the index of sheet si, reading its XML the first
// time. Reading it is charged as the cells it holds.
func (m *costModel) sheetIndex(si int) (*sheetIndex, error) {
	if m.index[si] != nil {
		return m.index[si], nil
	}
	idx := &sheetIndex{rows: map[int][]cellSize{}}
	rc, err := openPart(m.w.files[m.w.parts[si]])
	if err != nil {
		m.index[si] = idx // the engine cannot read it either
		return idx, nil
	}
	defer rc.Close()
	s := xmlscan.New(rc)
	row, col := 0, 0
	var cur cellSize
	var inCell bool
	var typ string
	var val []byte
	for s.Next() != xmlscan.EOF {
		switch {
		case s.Kind == xmlscan.Start && string(s.Name) == "row":
			row++
			if v, ok := xmlscan.Attr(s.Attrs, "r"); ok {
				if n, err := strconv.Atoi(string(v)); err == nil && n >= 1 && n <= excelize.TotalRows {
					row = n
				}
			}
			idx.maxRow = max(idx.maxRow, row)
			col = 0
		case s.Kind == xmlscan.Start && string(s.Name) == "c":
			col++
			if v, ok := xmlscan.Attr(s.Attrs, "r"); ok {
				if c, ok := parseCol(v); ok {
					col = c + 1
				}
			}
			idx.maxCol = max(idx.maxCol, col)
			typ = ""
			if v, ok := xmlscan.Attr(s.Attrs, "t"); ok {
				typ = string(v)
			}
			cur, inCell, val = cellSize{col: col}, !s.Empty, val[:0]
			if s.Empty {
				continue
			}
		case inCell && s.Kind == xmlscan.Start && string(s.Name) == "f":
			cur.formula = true
			s.SkipElement()
		case inCell && s.Kind == xmlscan.Start && string(s.Name) == "v":
			val = s.ElementText(val[:0])
		case inCell && s.Kind == xmlscan.Start && string(s.Name) == "is" && !s.Empty:
			val = stringItem(s, val[:0], "is")
		case inCell && s.Kind == xmlscan.End && string(s.Name) == "c":
			inCell = false
			cur.size = int64(len(bytes.TrimSpace(val)))
			if typ == "s" {
				if i, err := strconv.Atoi(string(bytes.TrimSpace(val))); err == nil {
					if v, ok := m.w.sharedString(i); ok {
						cur.size = int64(len(v))
					}
				}
			}
			if cur.formula || cur.size > 0 {
				if err := m.charge(1); err != nil {
					return nil, err
				}
				cells := idx.rows[row]
				if n := len(cells); n > 0 && cells[n-1].col >= cur.col {
					// Out of order: keep the index sorted, the last one
					// of a place winning.
					i, found := slices.BinarySearchFunc(cells, cur.col, func(c cellSize, col int) int { return c.col - col })
					if found {
						cells[i] = cur
					} else {
						cells = slices.Insert(cells, i, cur)
					}
				} else {
					cells = append(cells, cur)
				}
				idx.rows[row] = cells
			}
		}
	}
	m.index[si] = idx // kept only whole: a read past the budget is done again
	return idx, nil
}
