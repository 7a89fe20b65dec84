package ods

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/convert/internal/sheettest"
	"github.com/ovsync/ovsync/convert/sheet"
	"github.com/ovsync/ovsync/internal/peakrss"
)

// fixtures holds the spreadsheets written by LibreOffice; its README says
// how each was made. The .ods and .fods twins of the .xls fixtures share
// their golden files, which go test ./convert/xls -update writes.
const fixtures = "../../testdata/spreadsheets"

// odsFixtures returns the .ods and .fods fixtures written by LibreOffice.
func odsFixtures(t testing.TB) []string {
	var paths []string
	for _, ext := range []string{"*.ods", "*.fods"} {
		p, err := filepath.Glob(filepath.Join(fixtures, ext))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p...)
	}
	if len(paths) == 0 {
		t.Fatalf("no fixtures in %s", fixtures)
	}
	return paths
}

// TestFixtures reads every .ods and .fods fixture and compares each
// sheet, cell by cell, with the golden file of its .xls twin.
func TestFixtures(t *testing.T) {
	for _, path := range odsFixtures(t) {
		file := filepath.Base(path)
		t.Run(file, func(t *testing.T) { sheettest.Twins(t, path, filepath.Join(fixtures, "golden"), Open) })
	}
}

// rowsOf reads the rows of the table XML body with newRows: each row as
// "ROW: cells" with "!" before an error, "=" before a computed value and
// "?" for a formula without a value.
func rowsOf(body string) ([]string, error) {
	r := newRows("S", io.NopCloser(strings.NewReader(body)))
	defer r.Close()
	var out []string
	for r.Next() {
		var cells []string
		for _, c := range r.Cells() {
			switch {
			case c.Unknown != "":
				cells = append(cells, "?"+c.Unknown)
			case c.Err != "":
				cells = append(cells, "!"+c.Err)
			case c.Computed:
				cells = append(cells, "="+c.Value)
			default:
				cells = append(cells, c.Value)
			}
		}
		out = append(out, fmt.Sprintf("%d: %s", r.Row()+1, strings.Join(cells, "|")))
	}
	return out, r.Err()
}

// cell is a string cell of text t.
func cell(t string) string {
	return `<table:table-cell office:value-type="string"><text:p>` + t + `</text:p></table:table-cell>`
}

func row(cells ...string) string {
	return "<table:table-row>" + strings.Join(cells, "") + "</table:table-row>"
}

func TestRows(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
		err  string // part of the error
	}{
		{"values", row(
			`<table:table-cell office:value-type="float" office:value="1234567890123"/>`,
			`<table:table-cell office:value-type="float" office:value="0.30000000000000004"/>`,
			`<table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25%</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="currency" office:currency="EUR" office:value="1234.5"><text:p>1,234.50 €</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="date" office:date-value="2019-03-04"/>`,
			`<table:table-cell office:value-type="date" office:date-value="2019-03-04T08:30:00.4"/>`,
			`<table:table-cell office:value-type="time" office:time-value="PT08H30M00S"/>`,
			`<table:table-cell office:value-type="time" office:time-value="PT32H30M00S"/>`,
			`<table:table-cell office:value-type="boolean" office:boolean-value="true"/>`,
			`<table:table-cell office:value-type="boolean" office:boolean-value="false"/>`,
		), []string{"1: 1234567890123|0.3|0.25|1234.5|2019-03-04|2019-03-04T08:30:00|08:30:00|32:30:00|TRUE|FALSE"}, ""},
		{"text", row(
			`<table:table-cell office:value-type="string"><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p><text:p>second <text:span text:style-name="T1">bold</text:span> <text:a xlink:href="x">link</text:a></text:p></table:table-cell>`,
			`<table:table-cell office:value-type="string" office:string-value="00123"><text:p>123</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="string"><office:annotation><text:p>a comment</text:p></office:annotation><text:p>Ação &amp; 東京 <text:s/></text:p></table:table-cell>`,
		), []string{"1: a   b\tc\nd\nsecond bold link|00123|Ação & 東京  "}, ""},
		{"repeated columns and rows", row(
			`<table:table-cell table:number-columns-repeated="2"/>`,
			`<table:table-cell office:value-type="string" table:number-columns-repeated="3"><text:p>x</text:p></table:table-cell>`,
			`<table:table-cell table:number-columns-repeated="16000"/>`,
		) + `<table:table-row table:number-rows-repeated="2">` + cell("r") + `</table:table-row>` +
			`<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>`,
			[]string{"1: ||x|x|x", "2: r", "3: r"}, ""},
		{"empty rows skipped", row(cell("a")) + `<table:table-row table:number-rows-repeated="5"/>` + row(cell("b")),
			[]string{"1: a", "7: b"}, ""},
		{"groups and columns", `<table:table-column table:number-columns-repeated="1024"/><table:table-header-rows>` + row(cell("h")) +
			`</table:table-header-rows><table:table-row-group>` + row(cell("g")) + `</table:table-row-group>`,
			[]string{"1: h", "2: g"}, ""},
		{"covered cells", row(`<table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>merged</text:p></table:table-cell>`,
			`<table:covered-table-cell office:value-type="string"><text:p>hidden</text:p></table:covered-table-cell>`, cell("c")),
			[]string{"1: merged||c"}, ""},
		{"formulas", row(
			`<table:table-cell table:formula="of:=1+1" office:value-type="float" office:value="2"/>`,
			`<table:table-cell table:formula="of:=LOWER([.A2])" office:value-type="string" office:string-value="ana"/>`,
			`<table:table-cell table:formula="of:=NA()" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>#N/A</text:p></table:table-cell>`,
			`<table:table-cell table:formula="of:=&quot;U&quot;&amp;&quot;77&quot;" office:value-type="float" office:value="0"/>`,
			`<table:table-cell table:formula="of:=LOWER([.A2])" office:value-type="float" office:value="0"/>`,
			`<table:table-cell table:formula="of:=LOWER(&quot;X&quot;)"/>`,
			`<table:table-cell table:formula="of:=[.A1]*2"/>`,
		), []string{"1: 2|ana|!#N/A|=U77|?a stale result: the spreadsheet stores a number for a formula that gives text|=x|?a formula the spreadsheet stores no value for"}, ""},
		{"value past the last row", `<table:table-row table:number-rows-repeated="1048576"/>` + row(cell("x")), nil, "past row 1048576"},
		{"value past the last column", row(`<table:table-cell table:number-columns-repeated="16384"/>`, cell("x")), nil, "past column 16384"},
		{"bad repeat", `<table:table-row table:number-rows-repeated="-1"/>`, nil, "row repeated"},
		{"bad number", row(`<table:table-cell office:value-type="float" office:value="x"/>`), nil, "not a number"},
		{"bad number after empty cells", row(`<table:table-cell/><table:table-cell/>`, `<table:table-cell office:value-type="float" office:value="abc"/>`), nil, "cell C1: "},
		{"bad date after repeated cells", `<table:table-row table:number-rows-repeated="2"/>` + row(cell("a"), `<table:table-cell table:number-columns-repeated="3"/>`, `<table:table-cell office:value-type="date" office:date-value="soon"/>`), nil, "cell E3: "},
		{"bad date", row(`<table:table-cell office:value-type="date" office:date-value="soon"/>`), nil, "date"},
		{"spaces past the budget", row(`<table:table-cell office:value-type="string"><text:p><text:s text:c="1000000000"/></text:p></table:table-cell>`), nil, "text:s claims"},
		{"cut short", `<table:table-row>` + `<table:table-cell office:value-type="string"><text:p>x`, nil, "ends inside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rowsOf(tt.body)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrCorrupt) {
					t.Fatalf("error %v, want one with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHiddenAndSources checks the sheet list of a fixture with a hidden
// sheet, and that the hand-written sources, which store no results for
// their formulas, give formula cells without a value.
func TestHiddenAndSources(t *testing.T) {
	wb, err := sheettest.OpenFile(t, filepath.Join(fixtures, "Users Lookup Error.ods"), Open)
	if err != nil {
		t.Fatal(err)
	}
	want := []sheet.Sheet{{Name: "Users"}, {Name: "Languages", Hidden: true}}
	if diff := cmp.Diff(want, wb.Sheets()); diff != "" {
		t.Errorf("Sheets (-want +got):\n%s", diff)
	}
	src, err := sheettest.OpenFile(t, filepath.Join(fixtures, "src", "Users Sample .fods"), Open)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sheettest.Read(t, src.Rows, 0)
	if err != nil {
		t.Fatal(err)
	}
	var unknown []string
	for r, rec := range got {
		for c, v := range rec {
			if v == sheettest.NoValue {
				unknown = append(unknown, fmt.Sprintf("%c%d", 'A'+c, r+1))
			}
		}
	}
	if diff := cmp.Diff([]string{"B8", "B9"}, unknown); diff != "" {
		t.Errorf("formula cells without a value (-want +got):\n%s", diff)
	}
}

func TestOpenRefuses(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"binary", []byte{0x89, 'P', 'N', 'G'}, ErrNotODS},
		{"zip without content", sheettest.ZipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), ErrCorrupt},
		{"encrypted", sheettest.ZipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "\x00\x01",
			"META-INF/manifest.xml": `<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>`}), ErrEncrypted},
		{"no body", []byte(`<?xml version="1.0"?><office:document/>`), ErrCorrupt},
		{"malformed", []byte(`<office:document><office:body><table:table table:name="a`), ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(tt.data), int64(len(tt.data)))
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

// TestAgainstLibreOffice compares every sheet of every .ods fixture, cell
// by cell, with LibreOffice's own CSV export of it (reference/ods/, raw
// values, not as shown). A cell may differ only in spelling: a number
// LibreOffice writes in exponent form or as a percentage (1E+020, 25%) is
// the same number at 15 significant digits, and a date or time in its
// US layout (03/04/2019 08:30:00, 08:30:00 AM) the same moment as the ISO
// 8601 ovsync writes.
func TestAgainstLibreOffice(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(fixtures, "*.ods"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no .ods fixtures: %v", err)
	}
	for _, path := range paths {
		file := filepath.Base(path)
		t.Run(file, func(t *testing.T) {
			wb, err := sheettest.OpenFile(t, path, Open)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range wb.Sheets() {
				got, err := sheettest.Read(t, wb.Rows, i)
				if err != nil {
					t.Fatalf("sheet %q: %v", s.Name, err)
				}
				ref := sheettest.ReadCSV(t, filepath.Join(fixtures, "reference", "ods", strings.TrimSuffix(file, ".ods")+"-"+s.Name+".csv"))
				for r := 0; r < max(len(got), len(ref)); r++ {
					for c := 0; c < max(width(got, r), width(ref, r)); c++ {
						ours, theirs := at(got, r, c), at(ref, r, c)
						if !sameValue(ours, theirs) {
							t.Errorf("sheet %q, %s: ovsync reads %q, LibreOffice exports %q", s.Name, sheet.Ref(r, c), ours, theirs)
						}
					}
				}
			}
		})
	}
}

func width(rows [][]string, r int) int {
	if r < len(rows) {
		return len(rows[r])
	}
	return 0
}

func at(rows [][]string, r, c int) string {
	if r < len(rows) && c < len(rows[r]) {
		return rows[r][c]
	}
	return ""
}

// sameValue reports whether ovsync's reading of a cell and LibreOffice's
// export of it are one value.
func sameValue(ours, theirs string) bool {
	if ours == theirs {
		return true
	}
	if pct, ok := strings.CutSuffix(theirs, "%"); ok {
		if v, err := strconv.ParseFloat(pct, 64); err == nil {
			theirs = strconv.FormatFloat(v/100, 'g', -1, 64)
		}
	}
	a, errA := strconv.ParseFloat(ours, 64)
	b, errB := strconv.ParseFloat(theirs, 64)
	if errA == nil && errB == nil {
		return strconv.FormatFloat(a, 'e', 14, 64) == strconv.FormatFloat(b, 'e', 14, 64)
	}
	for _, layout := range []struct{ lo, iso string }{
		{"01/02/2006", "2006-01-02"},
		{"01/02/2006 15:04:05", "2006-01-02T15:04:05"},
		{"2006-01-02 15:04:05", "2006-01-02T15:04:05"},
		{"03:04:05 PM", "15:04:05"},
	} {
		if tm, err := time.Parse(layout.lo, theirs); err == nil && tm.Format(layout.iso) == ours {
			return true
		}
	}
	return false
}

// contentOf returns a content.xml holding the tables given.
func contentOf(tables ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>` +
		strings.Join(tables, "") + `</office:spreadsheet></office:body></office:document-content>`
}

// table is a sheet called name holding rows.
func table(name string, rows ...string) string {
	return `<table:table table:name="` + name + `">` + strings.Join(rows, "") + `</table:table>`
}

// countOpens makes w count the passes begun over its content.
func countOpens(w *Workbook) *int {
	n := new(int)
	open := w.open
	w.open = func() (io.ReadCloser, error) { *n++; return open() }
	return n
}

// TestOnePass reads every sheet of a workbook of 2,000 sheets in order
// through one pass over its content, not one pass a sheet (time grew
// with sheets × size); a sheet read out of order, or while another is
// still open, starts a pass of its own and reads the same.
func TestOnePass(t *testing.T) {
	var tables []string
	for i := range 2000 {
		tables = append(tables, table(fmt.Sprintf("S%d", i), row(cell(fmt.Sprintf("v%d", i)))))
	}
	data := sheettest.ZipOf(t, map[string]string{"content.xml": contentOf(tables...)})
	w, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	opens := countOpens(w)
	for i := range w.Sheets() {
		got, err := sheettest.Read(t, w.Rows, i)
		if err != nil {
			t.Fatal(err)
		}
		if want := [][]string{{fmt.Sprintf("v%d", i)}}; !cmp.Equal(want, got) {
			t.Fatalf("sheet %d: %q, want %q", i, got, want)
		}
	}
	if *opens != 1 {
		t.Errorf("reading %d sheets in order inflated the content %d times, want once", len(w.Sheets()), *opens)
	}
	// Out of order, and two sheets open at once.
	a, err := w.Rows(1500)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{3, 1999, 0} {
		got, err := sheettest.Read(t, w.Rows, i)
		if err != nil || len(got) != 1 || got[0][0] != fmt.Sprintf("v%d", i) {
			t.Fatalf("sheet %d: %q, %v", i, got, err)
		}
	}
	if !a.Next() || a.Cells()[0].Value != "v1500" {
		t.Fatalf("sheet 1500 read while others were: %v %v", a.Cells(), a.Err())
	}
	a.Close()
}

// TestRepeats reads repeated rows and cells at the cost of what they
// give: a row holding a value across the whole sheet, repeated, costs the
// columns a caller keeps (Limit), not 16,384 a row; a row holding a value
// repeated more than MaxRepeat times (the 600-byte file that ran for 45
// minutes) is refused naming the sheet and the row.
func TestRepeats(t *testing.T) {
	wide := `<table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell>`
	repeated := func(n int) string {
		return fmt.Sprintf(`<table:table-row table:number-rows-repeated="%d">%s</table:table-row>`, n, wide)
	}
	t.Run("refused", func(t *testing.T) {
		data := sheettest.ZipOf(t, map[string]string{"content.xml": contentOf(table("Users", row(cell("id"), cell("email")), repeated(1048575)))})
		w, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = sheettest.Read(t, w.Rows, 0)
		if !errors.Is(err, ErrRepeated) || !strings.Contains(err.Error(), `sheet "Users" near row 2`) || !strings.Contains(err.Error(), "1048575 times") {
			t.Fatalf("error %v, want the repeat refused at Users row 2", err)
		}
	})
	t.Run("at the bound", func(t *testing.T) {
		rows := newRows("S", io.NopCloser(strings.NewReader(row(cell("id"), cell("email"))+repeated(MaxRepeat))))
		defer rows.Close()
		rows.Limit(2)
		n := 0
		alloc := peakrss.Allocated(func() {
			for rows.Next() {
				n++
				cells := rows.Cells()
				if len(cells) > 2 || cells[len(cells)-1].Row != rows.Row() {
					t.Fatalf("row %d: %d cells, the last at row %d", rows.Row()+1, len(cells), cells[len(cells)-1].Row+1)
				}
				if b, col := rows.Beyond(); rows.Row() > 0 && (b != 16382 || col != 2) {
					t.Fatalf("row %d: %d cells beyond column %d, want 16382 beyond 2", rows.Row()+1, b, col)
				}
			}
		})
		if err := rows.Err(); err != nil || n != 1+MaxRepeat {
			t.Fatalf("%d rows, %v; want %d", n, err, 1+MaxRepeat)
		}
		if alloc > 1<<20 {
			t.Errorf("%d bytes allocated for %d rows of 2 cells", alloc, n)
		}
	})
	t.Run("one past", func(t *testing.T) {
		_, err := rowsOf(row(cell("id")) + repeated(MaxRepeat+1))
		if !errors.Is(err, ErrRepeated) {
			t.Fatalf("error %v, want ErrRepeated", err)
		}
	})
	t.Run("empty past the limit", func(t *testing.T) {
		// A value repeated down the sheet in a column no caller keeps is
		// still a value: refused the same.
		rows := newRows("S", io.NopCloser(strings.NewReader(repeated(1048576))))
		rows.Limit(1)
		for rows.Next() {
		}
		if !errors.Is(rows.Err(), ErrRepeated) {
			t.Fatalf("error %v, want ErrRepeated", rows.Err())
		}
	})
}

// TestSheetEnd refuses a sheet whose damaged XML swallows its end tag
// (an element left open skips past it), rather than giving the next
// sheet's rows as its own; the next sheet reads as it is. Fuzzing found
// it: the sheet read on into the next, and the next took a second pass.
func TestSheetEnd(t *testing.T) {
	broken := `<table:table table:name="A">` + row(cell("a")) + `<table:shapes><draw:frame>` + row(cell("not a")) + `</table:table>`
	data := sheettest.ZipOf(t, map[string]string{"content.xml": contentOf(broken, table("B", row(cell("b"))))})
	w, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sheettest.Read(t, w.Rows, 0); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "runs past its end") {
		t.Errorf("sheet A: error %v, want its XML refused", err)
	}
	got, err := sheettest.Read(t, w.Rows, 1)
	if err != nil || !cmp.Equal(got, [][]string{{"b"}}) {
		t.Errorf("sheet B: %q, %v", got, err)
	}
}
