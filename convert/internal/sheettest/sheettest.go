// Package sheettest holds what the tests of convert's workbook readers
// share: reading a sheet's rows ([sheet.Rows]) as the fields of a CSV
// file, the checks their fuzz targets make of any rows and of what
// reading allocates, and the files they read or build.
package sheettest

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/convert/sheet"
)

// NoValue stands in the golden files for a formula cell without a value
// ovsync can be sure of.
const NoValue = "(no value)"

// Fields reads every row of rows as the fields of a CSV file: an error
// cell gives its error, a formula without a value NoValue, the rows
// skipped are empty, and every row is padded to the width of the widest.
// A cell out of its place fails t.
func Fields(t testing.TB, rows sheet.Rows) ([][]string, error) {
	t.Helper()
	out := [][]string{}
	width := 0
	for rows.Next() {
		for len(out) < rows.Row() {
			out = append(out, nil)
		}
		var rec []string
		for c, cell := range rows.Cells() {
			if cell.Row != rows.Row() || cell.Col != c {
				t.Fatalf("cell %s at row %d, column %d", cell.Ref(), rows.Row(), c)
			}
			v := cell.Value
			if cell.Err != "" {
				v = cell.Err
			}
			if cell.Unknown != "" {
				v = NoValue
			}
			rec = append(rec, v)
		}
		out = append(out, rec)
		width = max(width, len(rec))
	}
	for i := range out {
		for len(out[i]) < width {
			out[i] = append(out[i], "")
		}
	}
	return out, rows.Err()
}

// ReadCSV reads the CSV file path (a golden file) whole.
func ReadCSV(t testing.TB, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if records == nil {
		records = [][]string{}
	}
	return records
}

// Check reads rows to the end, checking what a caller relies on: rows in
// increasing order, each at most once, inside a sheet of maxRows rows;
// at most maxCols cells, each at its place and never both computed and
// unknown; and a row given holds a value, its last cell not empty (unless
// it is the row before given again, or holds values only past the
// limit). It returns the error that ended the rows, for the caller to
// check its kind.
func Check(t testing.TB, rows sheet.Rows, maxRows, maxCols int) error {
	t.Helper()
	cp, _ := rows.(sheet.Copier)
	lim, _ := rows.(sheet.Limiter)
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
		copied := cp != nil && cp.Copy()
		beyond := 0
		if lim != nil {
			beyond, _ = lim.Beyond()
		}
		if n := len(cells); (n == 0 || cells[n-1].Empty()) && !copied && beyond == 0 {
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
	return rows.Err()
}

// Allocation bounds the readers' fuzz targets check: AllocPerByte bytes
// for each byte read, and AllocConst (a row of 16,384 cells, a scanner's
// buffer, the row headers of a 65,536-row .xls sheet).
const (
	AllocPerByte = 64
	AllocConst   = 4 << 20
)

// Unzipped returns the bytes the zip archive data decompresses to, read
// (not as its entries claim), at most limit; 0 for another file.
func Unzipped(data []byte, limit int64) int64 {
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
		if total += n; total >= limit {
			break
		}
	}
	return total
}

// ZipOf returns a zip archive of the named files, in the order of their
// names.
func ZipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ODS returns an OpenDocument spreadsheet whose content.xml is content,
// laid out as the format requires: the mimetype first, stored.
func ODS(t testing.TB, content []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "application/vnd.oasis.opendocument.spreadsheet")
	if w, err = zw.Create("content.xml"); err != nil {
		t.Fatal(err)
	}
	w.Write(content)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Files returns the bytes of the files whose names match pattern (a
// fuzz target's seeds).
func Files(t testing.TB, pattern string) [][]byte {
	t.Helper()
	paths, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// Twins opens the workbook file path with a reader's open and compares
// every sheet, cell by cell, with the golden file of its .xls twin:
// golden/NAME.SHEET.csv, NAME being the file's name without its
// extension (go test ./convert/xls -update writes them).
func Twins[B sheet.Book[R], R sheet.Rows](t *testing.T, path, golden string, open func(io.ReaderAt, int64) (B, error)) {
	t.Helper()
	wb, err := OpenFile(t, path, open)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if len(wb.Sheets()) == 0 {
		t.Fatal("no sheets")
	}
	for i, s := range wb.Sheets() {
		got, err := Read(t, wb.Rows, i)
		if err != nil {
			t.Fatalf("sheet %q: %v", s.Name, err)
		}
		want := ReadCSV(t, filepath.Join(golden, base+"."+s.Name+".csv"))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("sheet %q differs from its golden file (-want +got):\n%s", s.Name, diff)
		}
	}
}

// Bench opens the workbook file with a reader's open and reads every row
// of every sheet, as convert does, for each turn of b, reporting the rows
// of the last sheet.
func Bench[B sheet.Book[R], R sheet.Rows](b *testing.B, file []byte, open func(io.ReaderAt, int64) (B, error)) {
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		w, err := open(bytes.NewReader(file), int64(len(file)))
		if err != nil {
			b.Fatal(err)
		}
		for i := range w.Sheets() {
			rows, err := w.Rows(i)
			if err != nil {
				b.Fatal(err)
			}
			for n = 0; rows.Next(); n++ {
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			rows.Close()
		}
	}
	b.ReportMetric(float64(n), "rows")
}

// BenchFile runs [Bench] on the file named by the environment variable
// env, such as a workbook that testdata/spreadsheets/README.md makes
// with LibreOffice; without it, b is skipped.
func BenchFile[B sheet.Book[R], R sheet.Rows](b *testing.B, env string, open func(io.ReaderAt, int64) (B, error)) {
	path := os.Getenv(env)
	if path == "" {
		b.Skip("set " + env + " to a workbook")
	}
	file, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	Bench(b, file, open)
}

// Read opens sheet i with rows (a reader's Workbook.Rows) and reads it
// whole with [Fields].
func Read[R sheet.Rows](t testing.TB, rows func(int) (R, error), i int) ([][]string, error) {
	t.Helper()
	r, err := rows(i)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return Fields(t, r)
}

// OpenFile reads the file path and opens it with a reader's Open.
func OpenFile[W any](t testing.TB, path string, open func(io.ReaderAt, int64) (W, error)) (W, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return open(bytes.NewReader(data), int64(len(data)))
}
