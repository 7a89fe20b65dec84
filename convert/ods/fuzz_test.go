package ods

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"testing"
	"unicode/utf8"
)

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Allocation bounds the fuzz targets check: 64 bytes for each byte of
// XML read, and a constant (a row of 16,384 cells, the scanner's buffer,
// the text budget).
const (
	allocPerByte = 64
	allocConst   = 4 << 20
)

// checkRows reads rows to the end, checking what a caller relies on:
// rows in increasing order, each at most once, inside the sheet; cells at
// their place, inside the sheet, the last one not empty; errors that say
// something in valid UTF-8.
func checkRows(t *testing.T, rows *Rows) {
	t.Helper()
	prev := -1
	for rows.Next() {
		row := rows.Row()
		if row <= prev {
			t.Fatalf("row %d after row %d", row+1, prev+1)
		}
		prev = row
		if row >= maxRows {
			t.Fatalf("row %d out of the sheet", row+1)
		}
		cells := rows.Cells()
		if len(cells) > maxCols {
			t.Fatalf("%d cells in a row", len(cells))
		}
		if n := len(cells); n > rows.limit || (n == 0 || cells[n-1].Empty()) && !rows.Copy() && beyond(rows) == 0 {
			t.Fatalf("row %d given with %d cells, the last empty", row+1, n)
		}
		for c, cell := range cells {
			if cell.Row != row || cell.Col != c {
				t.Fatalf("cell %s at row %d, column %d", cell.Ref(), row+1, c+1)
			}
			if cell.Computed && cell.Unknown != "" {
				t.Fatalf("cell %s both computed and unknown", cell.Ref())
			}
		}
	}
	if err := rows.Err(); err != nil && (!errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrRepeated) || !utf8.ValidString(err.Error())) {
		t.Fatalf("error %q is not a corruption error in UTF-8", err)
	}
}

// beyond returns the number of cells of the current row past the limit.
func beyond(r *Rows) int {
	n, _ := r.Beyond()
	return n
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
		n := allocated(func() {
			rows := newRows("S", io.NopCloser(bytes.NewReader(data)))
			defer rows.Close()
			checkRows(t, rows)
		})
		if limit := allocPerByte*uint64(len(data)) + allocConst; n > limit {
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
	f.Add(zipOf(f, map[string]string{"content.xml": contentOf(table("a", row(cell("x"))), table("b"), `<table:table table:name="c"/>`,
		table("d", row(cell("y")), `<table:table-row table:number-rows-repeated="10001">`+cell("z")+`</table:table-row>`), table("e", row(cell("w"))))}))
	f.Fuzz(func(t *testing.T, data []byte) {
		passes := 0
		n := allocated(func() {
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
		real := int64(len(data)) + unzipped(data, 1<<30)
		// The content is read once for the sheet list and once for the
		// sheets, each pass with its own buffers.
		if limit := 2*allocPerByte*uint64(real) + allocConst*uint64(1+passes); n > limit {
			t.Fatalf("%d bytes (%d unzipped): %d bytes allocated, more than %d", len(data), real, n, limit)
		}
	})
}

// unzipped returns the bytes the zip archive data decompresses to, read
// (not as its entries claim), at most limit.
func unzipped(data []byte, limit int64) int64 {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0
	}
	var total int64
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		n, _ := io.Copy(io.Discard, io.LimitReader(rc, limit-total))
		rc.Close()
		total += n
		if total >= limit {
			break
		}
	}
	return total
}
