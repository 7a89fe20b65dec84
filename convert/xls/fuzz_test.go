package xls

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/convert/formula"
	"github.com/ovsync/ovsync/convert/internal/sheettest"
	"github.com/ovsync/ovsync/internal/peakrss"
)

// maxRows is the number of rows of a BIFF8 sheet.
const maxRows = 1 << 16

// checkWorkbook reads every sheet of w: the non-empty cells of each row
// where they say they are, in column order, and the rows laid out with
// the checks of every reader's rows.
func checkWorkbook(t *testing.T, w *Workbook) {
	for i := range w.Sheets() {
		rows, err := w.Rows(i)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			continue
		}
		for r, row := range rows.grid {
			if len(row) > maxCols {
				t.Fatalf("row %d has %d cells", r, len(row))
			}
			for j, cell := range row {
				if cell.Row != r || cell.Col < 0 || cell.Col >= maxCols || cell.Empty() {
					t.Fatalf("cell %s (empty %v) in row %d", cell.Ref(), cell.Empty(), r)
				}
				if j > 0 && cell.Col <= row[j-1].Col {
					t.Fatalf("cell %s after %s", cell.Ref(), row[j-1].Ref())
				}
			}
		}
		if n := len(rows.grid); n > 0 && len(rows.grid[n-1]) == 0 {
			t.Fatalf("trailing empty row %d", n)
		}
		if err := sheettest.Check(t, rows, maxRows, maxCols); err != nil {
			t.Fatalf("rows read whole failed: %v", err)
		}
	}
}

// checkAlloc fails when n bytes allocated for size bytes of input are
// past the bound.
func checkAlloc(t *testing.T, size int, n uint64) {
	t.Helper()
	if limit := sheettest.AllocPerByte*uint64(size) + sheettest.AllocConst; n > limit {
		t.Fatalf("%d bytes: %d bytes allocated, more than %d", size, n, limit)
	}
}

// FuzzOpen opens whole files: the OLE2 container and the workbook in it.
func FuzzOpen(f *testing.F) {
	for _, s := range sheettest.Files(f, filepath.Join(fixtures, "*.xls*")) {
		f.Add(s)
	}
	f.Add(compoundFile(cfbFile{"Workbook", testBook{globals: formats(), sheets: []testSheet{{name: "S", records: [][]byte{label(0, 0, "a")}}}}.stream()}))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAlloc(t, len(data), peakrss.Allocated(func() {
			w, err := Open(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error")
				}
				return
			}
			checkWorkbook(t, w)
		}))
	})
}

// FuzzStream reads workbook streams directly, past the container, where
// the fuzzer finds the records faster.
func FuzzStream(f *testing.F) {
	for _, s := range sheettest.Files(f, filepath.Join(fixtures, "*.xls*")) {
		stream, biff5, err := workbookStream(bytes.NewReader(s), int64(len(s)))
		if err == nil {
			f.Add(stream, biff5)
		}
	}
	f.Add(testBook{globals: formats(), tail: sst(cat(le32(1), le32(1), str16("Ação"))), sheets: []testSheet{{name: "S", records: [][]byte{labelSST(0, 0, 0, 0), number(1, 1, 1, 43528)}}}}.stream(), false)
	f.Add(testBook{biff5: true, globals: [][]byte{rec(recCodePage, le16(1251))}, sheets: []testSheet{{name: "S", records: [][]byte{rec(recLabel, cellHead(0, 0, 0), le16(2), []byte{0xCF, 0xF0})}}}}.stream(), true)
	// Cells far apart: a dense grid would take 65,536 rows of 256 cells.
	var far [][]byte
	for r := 0; r < 65536; r += 64 {
		far = append(far, number(r, 255, 0, 1))
	}
	f.Add(testBook{globals: formats(), sheets: []testSheet{{name: "S", records: far}}}.stream(), false)
	f.Fuzz(func(t *testing.T, stream []byte, biff5 bool) {
		checkAlloc(t, len(stream), peakrss.Allocated(func() {
			w, err := newWorkbook(stream, biff5)
			if err != nil {
				return
			}
			checkWorkbook(t, w)
		}))
	})
}

// FuzzTokens runs the classifier of FORMULA tokens on any bytes: no
// panic, and what it tells does not depend on how the tokens go on: in
// parentheses (ptgParen) the value is the same, and joined with a text
// constant (ptgStr, ptgConcat) it is text, the known text followed by it.
func FuzzTokens(f *testing.F) {
	f.Add(cat(ptgStr("U"), ptgStr("77"), []byte{0x08}), false)
	f.Add(cat(ptgStr("MAX@X.TEST"), []byte{0x41, 112, 0}), false)
	f.Add(cat(ptgStr("a"), []byte{0x1F}, lef64(1.5), []byte{0x1D, 1}, []byte{0x42, 3, 80, 1}), false)
	f.Add(cat([]byte{0x44, 1, 0, 0, 0}, []byte{0x41, 112, 0}, ptgStr("@x.test"), []byte{0x08}), false)
	f.Add(cat([]byte{0x1E, 1, 0}, []byte{0x1E, 2, 0}, []byte{0x03}), false)
	f.Add(cat([]byte{0x17, 3}, []byte("abc"), []byte{0x19, 0x40, 0, 1}, []byte{0x41, 113, 0}), true)
	f.Fuzz(func(t *testing.T, rgce []byte, biff5 bool) {
		w := &Workbook{biff5: biff5, codePage: 1252}
		v := w.classify(rgce)
		if v.Const && v.Kind == formula.Unknown {
			t.Fatalf("tokens % X: a known value of no kind", rgce)
		}
		if v.Kind == formula.Unknown {
			return
		}
		if p := w.classify(cat(rgce, []byte{0x15})); !cmp.Equal(v, p) {
			t.Fatalf("tokens % X give %+v, in parentheses %+v", rgce, v, p)
		}
		j := w.classify(cat(rgce, ptgStrFor(biff5, "z"), []byte{0x08}))
		if j.Kind != formula.Text {
			t.Fatalf("tokens % X joined with text give %v", rgce, j.Kind)
		}
		if v.Const && v.Kind == formula.Text && (!j.Const || j.Text != v.Text+"z") {
			t.Fatalf("tokens % X give %q, joined with \"z\" %+v", rgce, v.Text, j)
		}
	})
}

// ptgStrFor encodes a string constant token of ASCII s for BIFF8 or BIFF5.
func ptgStrFor(biff5 bool, s string) []byte {
	if biff5 {
		return cat([]byte{0x17, byte(len(s))}, []byte(s))
	}
	return ptgStr(s)
}
