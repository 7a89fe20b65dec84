package sheet

import "slices"

// Row is the row assembly the readers share: the cells of the row being
// read, laid out by column from A to the last non-empty one, and what
// lies past the columns kept. A reader starts each row ([Row.Start]) and
// puts its non-empty cells in column order ([Row.Put]); its [Rows] give
// them with [Row.Cells]. A cell past the limit ([Row.Limit]) is counted
// ([Row.Beyond]), not laid out, so that a value far away, or repeated
// across the sheet, costs nothing past the columns a caller uses.
//
// Memory: the cells of one row, at most the limit (and [MaxCols]),
// allocated once for a far-away or repeated cell, and reused from row to
// row.
type Row struct {
	cells  []Cell
	index  int // the row being read or given
	shown  int // the row the cells' Row fields hold
	limit  int // columns kept
	beyond int // non-empty cells of the row past the limit
	at     int // column of the first of them
}

// NewRow returns an assembly keeping every column (up to [MaxCols]) that
// lays its cells into buf, emptied: a reader reading sheet after sheet
// passes the cells of the last.
func NewRow(buf []Cell) Row { return Row{cells: buf[:0], limit: MaxCols} }

// Start begins row index (0-based): no cells yet, none past the limit.
func (r *Row) Start(index int) {
	r.cells = r.cells[:0]
	r.index, r.shown = index, index
	r.beyond, r.at = 0, 0
}

// Repeat gives the row again as row index (a repeated row): the same
// cells, whose Row fields change only when [Row.Cells] asks for them.
func (r *Row) Repeat(index int) { r.index = index }

// Keeps reports whether column col is within the limit: a cell there is
// laid out, one past it only counted.
func (r *Row) Keeps(col int) bool { return col < r.limit }

// Put lays a copy of the cell *c out at column col, and again at the n-1
// columns after it (a repeated cell), as far as the limit; those past it
// are counted. Cells come in column order: col is past the last cell put.
// An empty cell is not laid out, so a row ends at its last non-empty
// cell. (A pointer, as the readers put a cell for each one they read.)
func (r *Row) Put(c *Cell, col, n int) {
	if c.Empty() {
		return
	}
	keep := max(0, min(n, r.limit-col))
	if keep < n {
		r.Count(col+keep, n-keep)
	}
	if keep == 0 {
		return
	}
	if need := col + keep; need > cap(r.cells) {
		// One allocation for a far-away or repeated cell, not a series
		// of appends.
		r.cells = slices.Grow(r.cells, need-len(r.cells))
	}
	for len(r.cells) < col {
		r.cells = append(r.cells, Cell{Row: r.index, Col: len(r.cells)})
	}
	for i := range keep {
		r.cells = append(r.cells, *c)
		r.cells[col+i].Row, r.cells[col+i].Col = r.index, col+i
	}
}

// Count counts n non-empty cells from column col on, past the limit,
// without laying them out.
func (r *Row) Count(col, n int) {
	if r.beyond == 0 {
		r.at = col
	}
	r.beyond += n
}

// Empty reports whether the row holds nothing: no cell laid out, none
// past the limit.
func (r *Row) Empty() bool { return len(r.cells) == 0 && r.beyond == 0 }

// Cells returns the cells of the row, from column A to its last
// non-empty cell (or the limit): Cells()[c] is column c. The slice is
// reused by the next row.
func (r *Row) Cells() []Cell {
	if r.shown != r.index {
		// A repeated row: its cells are given again, only their row
		// changes, and only when asked for.
		for i := range r.cells {
			r.cells[i].Row = r.index
		}
		r.shown = r.index
	}
	return r.cells
}

// Limit keeps the cells of the first cols columns only, from the next
// row started on.
func (r *Row) Limit(cols int) { r.limit = max(0, min(cols, MaxCols)) }

// Beyond returns the number of non-empty cells of the row past the limit
// (a repeated cell counted once for each column) and the 0-based column
// of the first of them.
func (r *Row) Beyond() (n, col int) { return r.beyond, r.at }
