package ods

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixtures holds the spreadsheets written by LibreOffice; its README says
// how each was made. The .ods and .fods twins of the .xls fixtures share
// their golden files, which go test ./convert/xls -update writes.
const fixtures = "../../testdata/spreadsheets"

// noValue stands in the golden files for a formula cell without a value
// ovsync can be sure of.
const noValue = "(no value)"

func openFile(t testing.TB, path string) (*Workbook, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Open(bytes.NewReader(data), int64(len(data)))
}

// readAll reads every row of sheet i as the fields of a CSV file: an
// error cell gives its error, skipped rows are empty, and every row is
// padded to the width of the widest.
func readAll(t testing.TB, w *Workbook, i int) ([][]string, error) {
	t.Helper()
	rows, err := w.Rows(i)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	width := 0
	for rows.Next() {
		for len(out) < rows.Row() {
			out = append(out, nil)
		}
		var rec []string
		for _, c := range rows.Cells() {
			v := c.Value
			if c.Err != "" {
				v = c.Err
			}
			if c.Unknown != "" {
				v = noValue
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
	if out == nil {
		out = [][]string{}
	}
	return out, rows.Err()
}

func readCSV(t *testing.T, path string) [][]string {
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
		t.Run(file, func(t *testing.T) {
			wb, err := openFile(t, path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			base := strings.TrimSuffix(strings.TrimSuffix(file, ".ods"), ".fods")
			if len(wb.Sheets()) == 0 {
				t.Fatal("no sheets")
			}
			for i, sheet := range wb.Sheets() {
				got, err := readAll(t, wb, i)
				if err != nil {
					t.Fatalf("sheet %q: %v", sheet, err)
				}
				want := readCSV(t, filepath.Join(fixtures, "golden", base+"."+sheet+".csv"))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("sheet %q differs from its golden file (-want +got):\n%s", sheet, diff)
				}
			}
		})
	}
}

var _ = errors.Is
