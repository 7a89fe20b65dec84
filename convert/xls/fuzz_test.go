package xls

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// seeds returns the fixture files.
func seeds(f *testing.F) [][]byte {
	paths, err := filepath.Glob(filepath.Join(fixtures, "*.xls*"))
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// checkWorkbook reads every sheet of w and checks that each cell is where
// it says it is.
func checkWorkbook(t *testing.T, w *Workbook) {
	for i := range w.Sheets() {
		rows, err := w.Rows(i)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			continue
		}
		for r, row := range rows {
			for c, cell := range row {
				if cell.Row != r || cell.Col != c {
					t.Fatalf("cell %s at row %d, column %d", cell.Ref(), r, c)
				}
			}
			if len(row) > maxCols {
				t.Fatalf("row %d has %d cells", r, len(row))
			}
		}
		if n := len(rows); n > 0 && len(rows[n-1]) == 0 {
			t.Fatalf("trailing empty row %d", n)
		}
	}
}

// FuzzOpen opens whole files: the OLE2 container and the workbook in it.
func FuzzOpen(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Add(compoundFile(cfbFile{"Workbook", testBook{globals: formats(), sheets: []testSheet{{name: "S", records: [][]byte{label(0, 0, "a")}}}}.stream()}))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		checkWorkbook(t, w)
	})
}

// FuzzStream reads workbook streams directly, past the container, where
// the fuzzer finds the records faster.
func FuzzStream(f *testing.F) {
	for _, s := range seeds(f) {
		stream, biff5, err := workbookStream(bytes.NewReader(s), int64(len(s)))
		if err == nil {
			f.Add(stream, biff5)
		}
	}
	f.Add(testBook{globals: formats(), tail: sst(cat(le32(1), le32(1), str16("Ação"))), sheets: []testSheet{{name: "S", records: [][]byte{labelSST(0, 0, 0, 0), number(1, 1, 1, 43528)}}}}.stream(), false)
	f.Add(testBook{biff5: true, globals: [][]byte{rec(recCodePage, le16(1251))}, sheets: []testSheet{{name: "S", records: [][]byte{rec(recLabel, cellHead(0, 0, 0), le16(2), []byte{0xCF, 0xF0})}}}}.stream(), true)
	f.Fuzz(func(t *testing.T, stream []byte, biff5 bool) {
		w, err := newWorkbook(stream, biff5)
		if err != nil {
			return
		}
		checkWorkbook(t, w)
	})
}
