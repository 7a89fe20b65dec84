package convert

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// htmlTable is a table of an HTML page: its rows of cell texts.
type htmlTable [][]string

// openHTML reads the tables of an HTML page (what spreadsheet programs
// and HR systems write when they save a "web page" as .xls). Each table
// with a row is a sheet, "table 1", "table 2", …. A page is read whole:
// such exports are small, and what its tables lay out is bounded by its
// size (see readHTMLTables).
func openHTML(in *input, size int64, decode func() (io.Reader, *countingReader, error)) error {
	r, _, err := decode()
	if err != nil {
		return err
	}
	tables, err := readHTMLTables(r, size)
	if err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	if len(tables) == 0 {
		return fmt.Errorf("%s: an HTML page with no table: export the data as .xlsx or CSV", in.path)
	}
	for i, t := range tables {
		name := "table " + strconv.Itoa(i+1)
		in.sheets = append(in.sheets, &inputSheet{name: name, open: func() (rowReader, error) {
			return &tableReader{rows: t, sheet: name, i: -1}, nil
		}})
	}
	return nil
}

// Bounds of the tables of a page. A row has at most maxTableCols columns
// (a sheet's width), a cell spans at most maxColspan columns and
// maxRowspan rows (HTML's own limits), and the cells a table lays out,
// those its spans cover included, are at most tableCellsPerByte for each
// byte of the page and tableCellsMin: a real page writes several bytes a
// cell (even a cell covered by a span comes with a row of its own), so
// more is a damaged or hostile page, refused before it fills memory.
const (
	maxTableCols      = 16384
	maxColspan        = 1000
	maxRowspan        = 65534
	tableCellsPerByte = 1
	tableCellsMin     = 1 << 16
)

// tableLayout lays out the cells of the table being read: each cell at
// the first column of its row that no cell above covers (rowspan), the
// columns a cell spans (colspan) kept empty, as spreadsheets show merged
// cells.
type tableLayout struct {
	n       int // the table's number, from 1
	rows    htmlTable
	covered []int // rows each column is covered for, the current one included
	active  []int // the columns covered
	laid    int64 // cells laid out, and spans followed
	limit   int64
	col     int // next column of the current row
}

// newRow starts a row: the spans from above move down one row.
func (t *tableLayout) newRow() error {
	if len(t.rows) > 0 {
		kept := t.active[:0]
		for _, c := range t.active {
			if t.covered[c]--; t.covered[c] > 0 {
				kept = append(kept, c)
			}
		}
		t.active = kept
		if err := t.spend(int64(len(t.active))); err != nil {
			return err
		}
	}
	t.rows = append(t.rows, nil)
	t.col = 0
	return nil
}

// spend counts n cells laid out or spans followed against the limit.
func (t *tableLayout) spend(n int64) error {
	t.laid += n
	if t.laid > t.limit {
		return fmt.Errorf("table %d: its cells and merged cells (colspan, rowspan) lay out more than %d cells by row %d, too many for a page of its size: the page is damaged: export the data again, as .xlsx or CSV", t.n, t.limit, len(t.rows))
	}
	return nil
}

// add lays out a cell of text spanning cols columns and rows rows.
func (t *tableLayout) add(text string, cols, rows int) error {
	if len(t.rows) == 0 {
		if err := t.newRow(); err != nil {
			return err
		}
	}
	last := len(t.rows) - 1
	row := t.rows[last]
	// Columns covered by cells above are empty here.
	for t.col < len(t.covered) && t.covered[t.col] > 0 {
		t.col++
	}
	if t.col+cols > maxTableCols {
		return fmt.Errorf("table %d, row %d: more than %d columns (colspan): the page is damaged: export the data again, as .xlsx or CSV", t.n, len(t.rows), maxTableCols)
	}
	if err := t.spend(int64(t.col + cols - len(row))); err != nil {
		return err
	}
	for len(row) < t.col {
		row = append(row, "")
	}
	row = append(row, text)
	for range cols - 1 {
		row = append(row, "")
	}
	t.rows[last] = row
	if rows > 1 {
		for len(t.covered) < t.col+cols {
			t.covered = append(t.covered, 0)
		}
		for c := t.col; c < t.col+cols; c++ {
			if t.covered[c] == 0 {
				t.active = append(t.active, c)
			}
			t.covered[c] = max(t.covered[c], rows)
		}
	}
	t.col += cols
	return nil
}

// readHTMLTables returns the tables of an HTML page of size bytes with
// at least one row. A cell's text has its white space collapsed as a
// browser shows it, <br> giving a line break; a merged cell (colspan,
// rowspan) holds its value in its first column and row, the cells it
// covers empty, so that the cells after and below it keep their columns.
// A table inside a cell is read as that cell's text.
func readHTMLTables(r io.Reader, size int64) ([]htmlTable, error) {
	z := html.NewTokenizer(r)
	var (
		tables     []htmlTable
		cur        *tableLayout
		depth      int // of nested tables
		inCell     bool
		cell       strings.Builder
		cols, rows int
	)
	limit := max(tableCellsPerByte*size, tableCellsMin)
	endCell := func() error {
		if !inCell {
			return nil
		}
		inCell = false
		err := cur.add(collapse(cell.String()), cols, rows)
		cell.Reset()
		return err
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				return nil, z.Err()
			}
			if cur != nil {
				// A table the page does not close: as browsers show it.
				if err := endCell(); err != nil {
					return nil, err
				}
				if len(cur.rows) > 0 {
					tables = append(tables, cur.rows)
				}
			}
			return tables, nil
		case html.TextToken:
			if inCell {
				cell.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if depth > 1 {
				// Inside a nested table: only its end counts.
				switch {
				case tag == "table" && tt == html.StartTagToken:
					depth++
				case tag == "table" && tt == html.EndTagToken:
					depth--
				case tag == "br" || tag == "tr" && tt == html.EndTagToken:
					cell.WriteByte('\n')
				case (tag == "td" || tag == "th") && tt == html.EndTagToken:
					cell.WriteByte(' ')
				}
				continue
			}
			var err error
			switch {
			case tag == "table" && tt == html.StartTagToken:
				depth++
				if depth == 1 {
					cur = &tableLayout{n: len(tables) + 1, limit: limit}
				}
			case tag == "table" && tt == html.EndTagToken:
				if depth == 1 {
					err = endCell()
					if len(cur.rows) > 0 {
						tables = append(tables, cur.rows)
					}
					cur = nil
				}
				depth = max(depth-1, 0)
			case depth == 0:
			case (tag == "thead" || tag == "tbody" || tag == "tfoot") && tt == html.StartTagToken:
				// Rows do not span from one section of a table to the next.
				err = endCell()
				for _, c := range cur.active {
					cur.covered[c] = 0
				}
				cur.active = cur.active[:0]
			case tag == "tr" && tt == html.StartTagToken:
				if err = endCell(); err == nil {
					err = cur.newRow()
				}
			case (tag == "td" || tag == "th") && tt == html.StartTagToken:
				err = endCell()
				inCell, cols, rows = true, 1, 1
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					n, convErr := strconv.Atoi(strings.TrimSpace(string(v)))
					switch {
					case convErr != nil:
					case string(k) == "colspan" && n > 1:
						cols = min(n, maxColspan)
					case string(k) == "rowspan" && n > 1:
						rows = min(n, maxRowspan)
					case string(k) == "rowspan" && n == 0:
						rows = maxRowspan // to the end of the table's section
					}
				}
			case (tag == "td" || tag == "th") && tt == html.EndTagToken:
				err = endCell()
			case tag == "tr" && tt == html.EndTagToken:
				err = endCell()
			case tag == "br" && inCell:
				cell.WriteByte('\n')
			case (tag == "p" || tag == "div") && tt == html.EndTagToken && inCell:
				cell.WriteByte('\n')
			}
			if err != nil {
				return nil, err
			}
		}
	}
}

// collapse collapses each run of white space (no-break spaces included)
// within a line to one space, and trims every line; line breaks from <br>
// stay.
func collapse(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.Join(strings.FieldsFunc(l, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\r' || r == '\f' || r == '\u00a0'
		}), " ")
		out = append(out, l)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n")
}

// tableReader reads the rows of an HTML table.
type tableReader struct {
	rows  htmlTable
	sheet string
	i     int
}

func (t *tableReader) Next() bool {
	for t.i++; t.i < len(t.rows); t.i++ {
		if len(t.rows[t.i]) > 0 {
			return true
		}
	}
	return false
}
func (t *tableReader) Row() int                    { return t.i }
func (t *tableReader) Len() int                    { return len(t.rows[t.i]) }
func (t *tableReader) Cell(c int) (string, string) { return t.rows[t.i][c], "" }
func (*tableReader) Formula(int) (bool, string)    { return false, "" }
func (t *tableReader) Err() error                  { return nil }
func (t *tableReader) Close() error                { return nil }
func (t *tableReader) RowName() string             { return fmt.Sprintf("%s, row %d", t.sheet, t.i+1) }
func (t *tableReader) CellName(c int) string {
	return fmt.Sprintf("%s, row %d, column %d", t.sheet, t.i+1, c+1)
}
func (t *tableReader) Progress() (int64, int64) { return int64(t.i), int64(len(t.rows)) }
