package convert

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/peakrss"
)

// htmlFixtures holds HTML tables saved as .xls by LibreOffice, with
// LibreOffice's CSV export of the same source; its README says how.
const htmlFixtures = "testdata/html"

// trimmed drops the empty fields at the end of each record, and the
// records left empty at the end, so that two readings of a table that pad
// differently compare.
func trimmed(records [][]string) [][]string {
	out := make([][]string, len(records))
	for i, r := range records {
		n := len(r)
		for n > 0 && r[n-1] == "" {
			n--
		}
		out[i] = r[:n]
	}
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// TestHTMLMergedCells reads an employee directory that a spreadsheet
// program saved as an HTML .xls, its merged cells written as colspan and
// rowspan, exactly as the same program exports it to CSV: each cell in
// its column, the cells a merged one covers empty. Before rowspan was
// read, the values below a merged cell moved one column to the left.
func TestHTMLMergedCells(t *testing.T) {
	path := filepath.Join(htmlFixtures, "Merged HR Export.xls")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := readHTMLTables(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := trimmed(readCSVFile(t, filepath.Join(htmlFixtures, "Merged HR Export.csv")))
	if len(tables) != 1 {
		t.Fatalf("%d tables, want 1", len(tables))
	}
	if diff := cmp.Diff(want, trimmed(tables[0])); diff != "" {
		t.Errorf("table (-LibreOffice +ours):\n%s", diff)
	}

	// Converted: every person with their own id and email, the
	// department and location where the page writes them.
	dir, _ := convertTo(t, Options{Inputs: []string{path}})
	got := readCSVFile(t, filepath.Join(dir, "users.csv"))
	wantUsers := [][]string{
		{"Department", "id", "email", "firstName", "lastName", "Location"},
		{"Engineering", "1001", "ana.silva@example.com", "Ana", "Silva", "Lisbon"},
		{"", "1002", "bo.chen@example.com", "Bo", "Chen", ""},
		{"", "1003", "carl.berg@example.com", "Carl", "Berg", "Remote"},
		{"Sales", "2001", "dina.roy@example.com", "Dina", "Roy", "Paris"},
		{"", "2002", "emil.voss@example.com", "Emil", "Voss", ""},
		{"People", "3001", "fay.ng@example.com", "Fay", "Ng", "Remote"},
	}
	if diff := cmp.Diff(wantUsers, got); diff != "" {
		t.Errorf("users.csv (-want +got):\n%s", diff)
	}
}

// TestHTMLSpans lays out spans as browsers do: a cell below a merged one
// moves right of it, a span ends with its table section, and colspan and
// rowspan together cover a block.
func TestHTMLSpans(t *testing.T) {
	tests := []struct {
		name, page string
		want       [][]string
	}{
		{"rowspan", `<table><tr><td rowspan=2>a<td>b<tr><td>c</table>`, [][]string{{"a", "b"}, {"", "c"}}},
		{"block", `<table><tr><td colspan=2 rowspan=2>a<td>b<tr><td>c<tr><td>d<td>e</table>`, [][]string{{"a", "", "b"}, {"", "", "c"}, {"d", "e"}}},
		{"middle", `<table><tr><td>a<td rowspan=3>b<td>c<tr><td>d<td>e<tr><td>f<td>g</table>`, [][]string{{"a", "b", "c"}, {"d", "", "e"}, {"f", "", "g"}}},
		{"sections", `<table><thead><tr><td rowspan=5>h<td>i</thead><tbody><tr><td>x<td>y</tbody></table>`, [][]string{{"h", "i"}, {"x", "y"}}},
		{"rowspan zero", `<table><tr><td rowspan=0>a<td>b<tr><td>c<tr><td>d</table>`, [][]string{{"a", "b"}, {"", "c"}, {"", "d"}}},
		{"bad spans", `<table><tr><td rowspan=x colspan=-2>a<td rowspan=1>b<tr><td>c</table>`, [][]string{{"a", "b"}, {"c"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tables, err := readHTMLTables(strings.NewReader(tt.page), int64(len(tt.page)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]htmlTable{tt.want}, tables); diff != "" {
				t.Errorf("tables (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHTMLBounded refuses a page whose spans lay out far more cells than
// its size could hold (each cell was capped at 1,000 columns, but a row
// or a table not at all), naming the table and the row, before it fills
// memory; what it lays out stays within the bound.
func TestHTMLBounded(t *testing.T) {
	tests := []struct {
		name, page, msg string
	}{
		{"wide row", "<table><tr>" + strings.Repeat("<td colspan=1000>x", 17), "table 1, row 1: more than 16384 columns"},
		{"wide table", "<table>" + strings.Repeat("<tr><td colspan=1000>x", 5000), "table 1: its cells and merged cells"},
		{"tall spans", "<table><tr>" + strings.Repeat("<td rowspan=65534>x", 16000) + strings.Repeat("<tr><td>", 20000), "table 1: its cells and merged cells"},
		{"second table", "<table><tr><td>a</table><table>" + strings.Repeat("<tr><td colspan=999>", 3000), "table 2: its cells"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			n := peakrss.Allocated(func() { _, err = readHTMLTables(strings.NewReader(tt.page), int64(len(tt.page))) })
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want %q", err, tt.msg)
			}
			if limit := uint64(64*len(tt.page) + 4<<20); n > limit {
				t.Errorf("%d bytes of page: %d allocated, more than %d", len(tt.page), n, limit)
			}
		})
	}
}

// FuzzHTMLTables reads any page as tables: no panic, an error naming a
// table (or the page's own), rows no wider than a sheet, and what is laid
// out, and allocated, within the bounds of the page's size.
func FuzzHTMLTables(f *testing.F) {
	for _, s := range []string{
		`<table><tr><td rowspan=2>a<td>b<tr><td>c</table>`,
		`<table><thead><tr><th colspan=3>T<tbody><tr><td rowspan=0>x<td>y<br>z</table><table><tr><td><table><tr><td>n</table></table>`,
		"<table><tr>" + strings.Repeat("<td colspan=1000 rowspan=65534>x", 20),
	} {
		f.Add([]byte(s))
	}
	for _, p := range []string{filepath.Join(htmlFixtures, "Merged HR Export.xls"), filepath.Join(fixtures, "Web Export.xls")} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		var tables []htmlTable
		var err error
		n := peakrss.Allocated(func() { tables, err = readHTMLTables(bytes.NewReader(page), int64(len(page))) })
		if err != nil {
			if msg := err.Error(); !utf8.ValidString(msg) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q", msg)
			}
			return
		}
		limit := max(tableCellsPerByte*int64(len(page)), tableCellsMin)
		for i, tb := range tables {
			var cells int64
			for r, row := range tb {
				if len(row) > maxTableCols {
					t.Fatalf("table %d, row %d: %d columns", i+1, r+1, len(row))
				}
				cells += int64(len(row))
			}
			if cells > limit {
				t.Fatalf("table %d: %d cells laid out from %d bytes", i+1, cells, len(page))
			}
		}
		if bound := uint64(64*len(page)) + 4<<20 + uint64(tableCellsMin)*32; n > bound {
			t.Fatalf("%d bytes of page: %d allocated, more than %d", len(page), n, bound)
		}
	})
}
