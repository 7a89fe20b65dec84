package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/convert/cellfmt"
	"github.com/ovsync/ovsync/convert/internal/sheettest"
	"github.com/ovsync/ovsync/convert/sheet"
	"github.com/ovsync/ovsync/internal/peakrss"
)

// sheetSeeds returns the sheet XML parts of the fixtures.
func sheetSeeds(f *testing.F) [][]byte {
	paths, err := filepath.Glob(filepath.Join(fixtures, "*.xlsx"))
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, p := range paths {
		zr, err := zip.OpenReader(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, zf := range zr.File {
			if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
				continue
			}
			rc, err := zf.Open()
			if err != nil {
				f.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
		zr.Close()
	}
	return out
}

// checkRows reads rows to the end with the checks of every reader's
// rows, and checks that an error is a corruption error.
func checkRows(t *testing.T, rows *Rows) {
	t.Helper()
	if err := sheettest.Check(t, rows, sheet.MaxRows, sheet.MaxCols); err != nil && (err.Error() == "" || !errors.Is(err, ErrCorrupt)) {
		t.Fatalf("error %q is not a corruption error", err)
	}
}

// FuzzRows streams sheet XML through the scanner and the row reader of a
// workbook with a few shared strings and styles: no panic, rows in order
// and unique, every cell at its place inside the sheet, and allocation
// in proportion to the XML, whatever its row numbers and references say.
func FuzzRows(f *testing.F) {
	for _, s := range sheetSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte(`<worksheet><sheetData><row><c t="inlineStr"><is><r><t>a&amp;b</t></r><rPh><t>x</t></rPh></is></c><c s="1"><v>43528.5</v></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<x:worksheet><x:sheetData><x:row r="3"><x:c r="B3" t="s"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row></x:sheetData></x:worksheet>`))
	f.Add([]byte(`<?xml version="1.0"?><!-- c --><worksheet><sheetData><row r="1"><c r="A1" t="str"><f>"a"</f><v><![CDATA[<b>]]>_x000D_</v></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="5"><c><v>1</v></c></row><row r="3"><c><v>2</v></c></row><row r="3"/></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c><c r="A1"><v>2</v></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row><c><f>1+1</f></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v/></c><c r="B1" t="s"><v>1</v></c><c r="XFD1"><v>1</v></c></row></sheetData></worksheet>`))
	wb := &Workbook{sst: []string{"zero", "one"}, xf: []cellfmt.Format{{}, cellfmt.Parse("yyyy-mm-dd")}}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := peakrss.Allocated(func() {
			rows := wb.newRows("S", io.NopCloser(bytes.NewReader(data)))
			defer rows.Close()
			checkRows(t, rows)
		})
		if limit := sheettest.AllocPerByte*uint64(len(data)) + sheettest.AllocConst; n > limit {
			t.Fatalf("%d bytes of XML: %d bytes allocated, more than %d", len(data), n, limit)
		}
	})
}

// TestRowsOutOfOrder refuses rows out of order or repeated, and cells out
// of order: they would hide or replace values.
func TestRowsOutOfOrder(t *testing.T) {
	wb := &Workbook{}
	for _, xml := range []string{
		`<worksheet><sheetData><row r="5"><c><v>1</v></c></row><row r="3"><c><v>2</v></c></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row r="3"><c><v>1</v></c></row><row r="3"><c><v>2</v></c></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row r="2"/><row r="2"><c><v>2</v></c></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row><c r="C1"><v>1</v></c><c r="A1"><v>2</v></c></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row><c r="B1"><v>1</v></c><c r="B1"><v>2</v></c></row></sheetData></worksheet>`,
	} {
		rows := wb.newRows("S", io.NopCloser(strings.NewReader(xml)))
		for rows.Next() {
		}
		if err := rows.Err(); err == nil || !strings.Contains(err.Error(), "out of order") {
			t.Errorf("%s: error %v, want rows or cells out of order", xml, err)
		}
	}
}

// FuzzOpen opens whole files and reads every sheet: no panic, the checks
// of FuzzRows on every sheet, and allocation in proportion to the file
// and what it really decompresses to (the calculation engine, which holds
// a workbook in memory, aside).
func FuzzOpen(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join(fixtures, "*.xlsx"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// What the shared corpora showed: parts in UTF-16, Excel 2007 beta's
	// string table, a workbook to recalculate; and a string table bomb.
	const rels = `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	f.Add(sheettest.ZipOf(f, map[string]string{
		"xl/workbook.xml":            utf16(`<?xml version="1.0" encoding="UTF-16"?><workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": utf16(rels),
		"xl/sharedStrings.xml":       `<sst><sstItem><t>a</t></sstItem></sst>`,
		"xl/worksheets/sheet1.xml":   utf16(`<worksheet><sheetData><row r="1"><c t="s"><v>0</v></c><c t="s"><v/></c></row></sheetData></worksheet>`),
	}))
	f.Add(sheettest.ZipOf(f, map[string]string{
		"xl/workbook.xml":            `<workbook xmlns:r="r"><calcPr fullCalcOnLoad="1"/><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": rels,
		"xl/sharedStrings.xml":       `<sst>` + strings.Repeat(`<si/>`, 70000) + `</sst>`,
		"xl/worksheets/sheet1.xml":   `<worksheet><sheetData><row r="1"><c><f>1+1</f><v>0</v></c></row></sheetData></worksheet>`,
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		var engine bool
		n := peakrss.Allocated(func() {
			w, err := Open(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error")
				}
				return
			}
			defer w.Close()
			if len(w.Sheets()) != len(w.parts) {
				t.Fatalf("%d sheets for %d parts", len(w.Sheets()), len(w.parts))
			}
			for i := range w.Sheets() {
				rows, err := w.Rows(i)
				if err != nil {
					continue
				}
				checkRows(t, rows)
				rows.Close()
			}
			engine = w.calc.opened
		})
		real := int64(len(data)) + sheettest.Unzipped(data, 1<<30)
		if limit := sheettest.AllocPerByte*uint64(real) + sheettest.AllocConst; n > limit && !engine {
			t.Fatalf("%d bytes (%d unzipped): %d bytes allocated, more than %d", len(data), real, n, limit)
		}
	})
}

// TestLimit keeps the columns a caller uses: a far-away cell is counted,
// not laid out as a row of 16,384 cells, and a formula past the limit is
// not computed.
func TestLimit(t *testing.T) {
	xml := `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>id</t></is></c><c r="XFD1"><v>9</v></c></row>` +
		`<row r="2"><c r="C2"><v>1</v></c><c r="XFC2"><f>1+1</f></c><c r="XFD2"><v>2</v></c></row>` +
		`<row r="3"><c r="A3"><v>3</v></c></row></sheetData></worksheet>`
	wb := &Workbook{}
	rows := wb.newRows("S", io.NopCloser(strings.NewReader(xml)))
	defer rows.Close()
	rows.Limit(2)
	type got struct{ cells, beyond, at int }
	var all []got
	for rows.Next() {
		n, at := rows.Beyond()
		all = append(all, got{len(rows.Cells()), n, at})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []got{{1, 1, 16383}, {0, 3, 2}, {1, 0, 0}}
	if len(all) != len(want) {
		t.Fatalf("rows %v, want %v", all, want)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i+1, all[i], want[i])
		}
	}
	if wb.calc.opened {
		t.Error("a formula past the limit opened the calculation engine")
	}
}
