package ods

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/ovsync/ovsync/convert/internal/sheettest"
	"github.com/ovsync/ovsync/convert/sheet"
	"github.com/ovsync/ovsync/internal/peakrss"
)

// checkRows reads rows to the end with the checks of every reader's
// rows, and checks that an error is a corruption or repeat error in
// UTF-8.
func checkRows(t *testing.T, rows *Rows) {
	t.Helper()
	err := sheettest.Check(t, rows, sheet.MaxRows, sheet.MaxCols)
	if err != nil && (!errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrRepeated) || !utf8.ValidString(err.Error())) {
		t.Fatalf("error %q is not a corruption error in UTF-8", err)
	}
}

// contentSeeds returns the content XML of the fixtures.
func contentSeeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, p := range odsFixtures(f) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			out = append(out, data) // a flat .fods
			continue
		}
		for _, zf := range zr.File {
			if zf.Name == "content.xml" {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				out = append(out, b)
			}
		}
	}
	return out
}

// FuzzRows streams table XML through the row reader: no panic, rows in
// order and unique, every cell at its place inside the sheet, and
// allocation in proportion to the XML whatever its repeat counts say.
func FuzzRows(f *testing.F) {
	for _, s := range contentSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte(row(cell("a")) + `<table:table-row table:number-rows-repeated="1048576">` + cell("b") + `</table:table-row>`))
	f.Add([]byte(row(`<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/>`)))
	f.Add([]byte(row(`<table:table-cell office:value-type="string"><text:p><text:s text:c="60000"/></text:p></table:table-cell>`)))
	f.Add([]byte(row(`<table:table-cell table:formula="of:=LOWER(&quot;A&quot;)" office:value-type="float" office:value="0"/>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := peakrss.Allocated(func() {
			rows := newRows("S", io.NopCloser(bytes.NewReader(data)))
			defer rows.Close()
			checkRows(t, rows)
		})
		if limit := sheettest.AllocPerByte*uint64(len(data)) + sheettest.AllocConst; n > limit {
			t.Fatalf("%d bytes of XML: %d bytes allocated, more than %d", len(data), n, limit)
		}
	})
}

// FuzzOpen opens whole files (.ods or .fods) and reads every sheet: no
// panic, the checks of FuzzRows on every sheet, and allocation in
// proportion to the file and what it really decompresses to.
func FuzzOpen(f *testing.F) {
	for _, p := range odsFixtures(f) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// Several sheets read through one pass; a repeat past the bound.
	f.Add(sheettest.ZipOf(f, map[string]string{"content.xml": contentOf(table("a", row(cell("x"))), table("b"), `<table:table table:name="c"/>`,
		table("d", row(cell("y")), `<table:table-row table:number-rows-repeated="10001">`+cell("z")+`</table:table-row>`), table("e", row(cell("w"))))}))
	f.Fuzz(func(t *testing.T, data []byte) {
		passes := 0
		n := peakrss.Allocated(func() {
			w, err := Open(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				if err.Error() == "" || !utf8.ValidString(err.Error()) {
					t.Fatalf("error %q", err)
				}
				return
			}
			failed := false
			for i := range w.Sheets() {
				rows, err := w.Rows(i)
				if err != nil {
					failed = true
					continue
				}
				checkRows(t, rows)
				failed = failed || rows.Err() != nil
				rows.Close()
			}
			if w.passes > 1 && !failed {
				t.Fatalf("%d passes over the content to read %d sheets in order", w.passes, len(w.Sheets()))
			}
			passes = w.passes
		})
		real := int64(len(data)) + sheettest.Unzipped(data, 1<<30)
		// The content is read once for the sheet list and once for the
		// sheets, each pass with its own buffers.
		if limit := 2*sheettest.AllocPerByte*uint64(real) + sheettest.AllocConst*uint64(1+passes); n > limit {
			t.Fatalf("%d bytes (%d unzipped): %d bytes allocated, more than %d", len(data), real, n, limit)
		}
	})
}
