package xls

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/ovsync/ovsync/convert/cellfmt"
	"github.com/ovsync/ovsync/convert/formula"
	"github.com/ovsync/ovsync/convert/sheet"
)

// maxCols is the number of columns of a BIFF5 or BIFF8 sheet (A to IV).
const maxCols = 256

// Rows gives the rows of a worksheet, held in memory: the [sheet.Rows]
// of the sheet model, each row laid out by its assembly ([sheet.Row]).
// Only rows holding a value or an error are given, in order.
type Rows struct {
	grid  [][]sheet.Cell // the non-empty cells of each row, in column order
	i     int            // index of the current row
	cells sheet.Row
}

// Rows reads worksheet i (an index into [Workbook.Sheets]) whole: its
// non-empty cells, row by row, the rows after the last non-empty one
// dropped. Memory grows with the cells the sheet really holds, never
// with how far apart they are.
func (w *Workbook) Rows(i int) (*Rows, error) {
	if i < 0 || i >= len(w.sheets) {
		return nil, fmt.Errorf("no sheet %d: the workbook has %d worksheets", i, len(w.sheets))
	}
	cells, err := w.cells(w.offsets[i], w.sheetEnd(i))
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", w.sheets[i].Name, err)
	}
	return &Rows{grid: grid(cells), i: -1, cells: sheet.NewRow(nil)}, nil
}

// Next moves to the next row that holds a value or an error, reporting
// false at the end of the sheet.
func (r *Rows) Next() bool {
	for r.i++; r.i < len(r.grid); r.i++ {
		if len(r.grid[r.i]) == 0 {
			continue
		}
		r.cells.Start(r.i)
		for i := range r.grid[r.i] {
			c := &r.grid[r.i][i]
			r.cells.Put(c, c.Col, 1)
		}
		return true
	}
	return false
}

// Row returns the 0-based index of the current row.
func (r *Rows) Row() int { return r.i }

// Cells returns the cells of the current row, from column A to its last
// non-empty cell: Cells()[c] is column c. The slice is reused by the next
// call of [Rows.Next].
func (r *Rows) Cells() []sheet.Cell { return r.cells.Cells() }

// Err returns nil: the sheet was read whole by [Workbook.Rows].
func (r *Rows) Err() error { return nil }

// Progress returns the index of the current row and the number of rows.
func (r *Rows) Progress() (done, total int64) { return int64(r.i), int64(len(r.grid)) }

// Close releases the sheet's cells.
func (r *Rows) Close() error {
	r.grid = nil
	return nil
}

// sheetEnd returns where worksheet i ends at the latest: where the next
// substream starts, or the end of the stream.
func (w *Workbook) sheetEnd(i int) int {
	start, end := w.offsets[i], len(w.stream)
	for _, o := range w.offsets {
		if o > start && o < end {
			end = o
		}
	}
	return end
}

// cells reads the cell records of the worksheet substream starting at
// pos, in the order they come. The substream ends by end at the latest, a
// hint for the number of cells: most cell records take 14 bytes or more.
func (w *Workbook) cells(pos, end int) ([]sheet.Cell, error) {
	typ, data, pos, err := w.record(pos)
	if err != nil {
		return nil, err
	}
	if typ != recBOF || len(data) < 4 || u16(data, 2) != bofWorksheet {
		return nil, corrupt("worksheet does not start with a worksheet BOF record")
	}
	var (
		cells   = make([]sheet.Cell, 0, max(end-pos, 0)/14)
		pending = -1 // index in cells of a formula waiting for its STRING record
		uses    []sharedUse
		shared  = map[int]formula.Value{} // by key
		depth   = 0                       // of substreams nested in the sheet (embedded charts)
	)
	put := func(c sheet.Cell) error {
		if c.Col >= maxCols {
			return corrupt("cell in column %d, past the last column IV", c.Col+1)
		}
		cells = append(cells, c)
		pending = -1
		return nil
	}
	add := func(row, col int, value, errText string) error {
		return put(sheet.Cell{Row: row, Col: col, Value: value, Err: errText})
	}
	for {
		typ, data, next, err := w.record(pos)
		if err != nil {
			return nil, err
		}
		switch {
		case typ == recBOF:
			depth++
		case typ == recEOF && depth == 0:
			for _, u := range uses {
				if v, ok := shared[u.key]; ok {
					cells[u.cell] = judge(cells[u.cell], v, u.stored)
				}
			}
			return cells, nil
		case typ == recEOF:
			depth--
		case depth > 0:
		case typ == recNumber && len(data) >= 14:
			v := math.Float64frombits(uint64(u32(data, 6)) | uint64(u32(data, 10))<<32)
			err = add(int(u16(data, 0)), int(u16(data, 2)), w.number(u16(data, 4), v), "")
		case typ == recRK && len(data) >= 10:
			err = add(int(u16(data, 0)), int(u16(data, 2)), w.number(u16(data, 4), rk(u32(data, 6))), "")
		case typ == recMulRK && len(data) >= 12:
			row, col := int(u16(data, 0)), int(u16(data, 2))
			for j := 0; 4+6*j+6 <= len(data)-2 && err == nil; j++ {
				ixfe, v := u16(data, 4+6*j), rk(u32(data, 6+6*j))
				err = add(row, col+j, w.number(ixfe, v), "")
			}
		case typ == recLabelSST && len(data) >= 10:
			isst := u32(data, 6)
			if int64(isst) >= int64(len(w.sst)) {
				return nil, corrupt("cell %s refers to shared string %d of %d", sheet.Ref(int(u16(data, 0)), int(u16(data, 2))), isst, len(w.sst))
			}
			err = add(int(u16(data, 0)), int(u16(data, 2)), w.sst[isst], "")
		case typ == recLabel || typ == recRString:
			var segs [][]byte
			segs, next = w.continued(data, next)
			if len(data) < 8 {
				return nil, corrupt("text cell record too short")
			}
			s, ok := w.longString(segs, 6)
			if !ok {
				return nil, corrupt("text of cell %s cut short", sheet.Ref(int(u16(data, 0)), int(u16(data, 2))))
			}
			err = add(int(u16(data, 0)), int(u16(data, 2)), s, "")
		case typ == recBoolErr && len(data) >= 8:
			if data[7] == 0 {
				err = add(int(u16(data, 0)), int(u16(data, 2)), cellfmt.Bool(data[6] != 0), "")
			} else {
				err = add(int(u16(data, 0)), int(u16(data, 2)), "", errorText(data[6]))
			}
		case typ == recFormula && len(data) >= 14:
			c, key, stored := w.formula(data)
			err = put(c)
			if err == nil && key >= 0 {
				uses = append(uses, sharedUse{cell: len(cells) - 1, key: key, stored: stored})
			}
			if err == nil && u16(data, 12) == 0xFFFF && data[6] == 0 && !c.Computed {
				pending = len(cells) - 1 // the text follows in a STRING record
			}
		case typ == recShrFmla:
			if key, v, ok := w.sharedFormula(data); ok {
				shared[key] = v
			}
		case typ == recString:
			var segs [][]byte
			segs, next = w.continued(data, next)
			if pending < 0 {
				break // a STRING record without a formula before it
			}
			s, ok := w.longString(segs, 0)
			if !ok {
				return nil, corrupt("text result of formula %s cut short", cells[pending].Ref())
			}
			cells[pending].Value = s
			pending = -1
		}
		if err != nil {
			return nil, err
		}
		pos = next
	}
}

// sharedUse is a FORMULA cell whose tokens are those of a shared formula
// (SHRFMLA), judged once the sheet's shared formulas are all read.
type sharedUse struct {
	cell   int // index in the sheet's cells
	key    int // the shared formula's first cell: row<<8 | column
	stored formula.Kind
}

// formula returns the cell of a FORMULA record: its cached result, a
// number unless the record's bytes 12-13 are 0xFFFF, in which case byte 6
// says text (in the next STRING record), boolean, error or empty text.
// A cached result that its tokens cannot give (text stored as a number,
// as LibreOffice's export does) is a stale cache ([judge]). A formula
// whose tokens are a shared formula's returns that formula's key (>= 0),
// to be judged once it is read; -1 otherwise.
func (w *Workbook) formula(data []byte) (sheet.Cell, int, formula.Kind) {
	c := sheet.Cell{Row: int(u16(data, 0)), Col: int(u16(data, 2))}
	ixfe := u16(data, 4)
	stored := formula.Number
	switch {
	case u16(data, 12) != 0xFFFF:
		v := math.Float64frombits(uint64(u32(data, 6)) | uint64(u32(data, 10))<<32)
		c.Value = w.number(ixfe, v)
	case data[6] == 1:
		c.Value, stored = cellfmt.Bool(data[8] != 0), formula.Bool
	case data[6] == 2:
		c.Err, stored = errorText(data[8]), formula.Unknown
	default: // text to come, or empty text
		stored = formula.Text
	}
	if stored == formula.Unknown || len(data) < 22 {
		return c, -1, stored
	}
	cce := int(u16(data, 20))
	if 22+cce > len(data) {
		return c, -1, stored
	}
	rgce := data[22 : 22+cce]
	if len(rgce) >= 5 && rgce[0] == 0x01 { // ptgExp: the tokens of a shared formula
		return c, int(u16(rgce, 1))<<8 | int(u16(rgce, 3)&0xFF), stored
	}
	return judge(c, w.classify(rgce), stored), -1, stored
}

// judge returns the cell c of a formula that gives v, whose cached
// result is of kind stored: as it is, or for a stale result the value
// computed from constant tokens, or a cell marked Unknown.
func judge(c sheet.Cell, v formula.Value, stored formula.Kind) sheet.Cell {
	if !formula.Stale(v, stored) {
		return c
	}
	if v.Over {
		c.Unknown = formula.OverBudget
		return c
	}
	if v.Const && v.Kind == formula.Text {
		return sheet.Cell{Row: c.Row, Col: c.Col, Value: v.Text, Computed: true}
	}
	c.Unknown = fmt.Sprintf("a stale result: the workbook stores %s for a formula that gives %s", stored, v.Kind)
	return c
}

// sharedFormula returns the key and the value of a SHRFMLA record: the
// first cell of its range, and what its tokens give.
func (w *Workbook) sharedFormula(data []byte) (int, formula.Value, bool) {
	if len(data) < 10 {
		return 0, formula.Value{}, false
	}
	key := int(u16(data, 0))<<8 | int(data[4])
	cce := int(u16(data, 8))
	if 10+cce > len(data) {
		return 0, formula.Value{}, false
	}
	return key, w.classify(data[10 : 10+cce]), true
}

// rk decodes an RK number: a 30-bit integer or the top 30 bits of a
// double, divided by 100 when the lowest bit is set.
func rk(v uint32) float64 {
	var f float64
	if v&0x02 != 0 {
		f = float64(int32(v) >> 2)
	} else {
		f = math.Float64frombits(uint64(v&^0x03) << 32)
	}
	if v&0x01 != 0 {
		f /= 100
	}
	return f
}

// grid lays the non-empty cells out in rows, the last of two cells at the
// same place winning: each row the cells it holds, in column order.
func grid(cells []sheet.Cell) [][]sheet.Cell {
	key := func(c sheet.Cell) int { return c.Row*maxCols + c.Col }
	if !slices.IsSortedFunc(cells, func(a, b sheet.Cell) int { return cmp.Compare(key(a), key(b)) }) {
		slices.SortStableFunc(cells, func(a, b sheet.Cell) int { return cmp.Compare(key(a), key(b)) })
	}
	// Keep the last cell of each place, and only non-empty ones.
	kept := cells[:0]
	for j, c := range cells {
		if j+1 < len(cells) && key(cells[j+1]) == key(c) {
			continue
		}
		if !c.Empty() {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	// Rows are sub-slices of kept: no copy. A BIFF sheet has at most
	// 65,536 rows, so the row headers are bounded too.
	rows := make([][]sheet.Cell, kept[len(kept)-1].Row+1)
	for start := 0; start < len(kept); {
		end := start + 1
		for end < len(kept) && kept[end].Row == kept[start].Row {
			end++
		}
		rows[kept[start].Row] = kept[start:end:end]
		start = end
	}
	return rows
}
