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
// such exports are small.
func openHTML(in *input, decode func() (io.Reader, *countingReader, error)) error {
	r, _, err := decode()
	if err != nil {
		return err
	}
	tables, err := readHTMLTables(r)
	if err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	if len(tables) == 0 {
		return fmt.Errorf("%s: an HTML page with no table: export the data as .xlsx or CSV", in.path)
	}
	for i, t := range tables {
		name := "table " + strconv.Itoa(i+1)
		in.sheets = append(in.sheets, &sheet{name: name, open: func() (rowReader, error) {
			return &tableReader{rows: t, sheet: name, i: -1}, nil
		}})
	}
	return nil
}

// readHTMLTables returns the tables of an HTML page with at least one
// row. A cell's text has its white space collapsed as a browser shows it,
// <br> giving a line break; colspan repeats no value but keeps the
// columns in place. A table inside a cell is read as that cell's text.
func readHTMLTables(r io.Reader) ([]htmlTable, error) {
	z := html.NewTokenizer(r)
	var (
		tables []htmlTable
		cur    htmlTable
		depth  int // of nested tables
		inCell bool
		cell   strings.Builder
		span   int
	)
	endCell := func() {
		if !inCell {
			return
		}
		inCell = false
		if len(cur) == 0 {
			cur = append(cur, nil)
		}
		last := len(cur) - 1
		cur[last] = append(cur[last], collapse(cell.String()))
		for ; span > 1; span-- {
			cur[last] = append(cur[last], "")
		}
		cell.Reset()
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return tables, nil
			}
			return nil, z.Err()
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
			switch {
			case tag == "table" && tt == html.StartTagToken:
				depth++
				if depth == 1 {
					cur = nil
				}
			case tag == "table" && tt == html.EndTagToken:
				if depth == 1 {
					endCell()
					if len(cur) > 0 {
						tables = append(tables, cur)
					}
					cur = nil
				}
				depth = max(depth-1, 0)
			case depth == 0:
			case tag == "tr" && tt == html.StartTagToken:
				endCell()
				cur = append(cur, nil)
			case (tag == "td" || tag == "th") && tt == html.StartTagToken:
				endCell()
				inCell, span = true, 1
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "colspan" {
						if n, err := strconv.Atoi(strings.TrimSpace(string(v))); err == nil && n > 1 {
							span = min(n, 1000)
						}
					}
				}
			case (tag == "td" || tag == "th") && tt == html.EndTagToken:
				endCell()
			case tag == "tr" && tt == html.EndTagToken:
				endCell()
			case tag == "br" && inCell:
				cell.WriteByte('\n')
			case (tag == "p" || tag == "div") && tt == html.EndTagToken && inCell:
				cell.WriteByte('\n')
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
