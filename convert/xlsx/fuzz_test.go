package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/convert/cellfmt"
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

// FuzzRows streams sheet XML through the scanner and the row reader of a
// workbook with a few shared strings and styles: no panic, every cell at
// its place, rows in the sheet's bounds.
func FuzzRows(f *testing.F) {
	for _, s := range sheetSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte(`<worksheet><sheetData><row><c t="inlineStr"><is><r><t>a&amp;b</t></r><rPh><t>x</t></rPh></is></c><c s="1"><v>43528.5</v></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<x:worksheet><x:sheetData><x:row r="3"><x:c r="B3" t="s"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row></x:sheetData></x:worksheet>`))
	f.Add([]byte(`<?xml version="1.0"?><!-- c --><worksheet><sheetData><row r="1"><c r="A1" t="str"><f>"a"</f><v><![CDATA[<b>]]>_x000D_</v></c></row></sheetData></worksheet>`))
	wb := &Workbook{sst: []string{"zero", "one"}, xf: []cellfmt.Format{{}, cellfmt.Parse("yyyy-mm-dd")}}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows := wb.newRows("S", io.NopCloser(bytes.NewReader(data)))
		prev := -1
		for rows.Next() {
			if rows.Row() <= prev && prev >= 0 && rows.Row() < 0 {
				t.Fatalf("row %d after %d", rows.Row(), prev)
			}
			prev = rows.Row()
			if prev < 0 || prev >= maxRows {
				t.Fatalf("row %d out of the sheet", prev)
			}
			cells := rows.Cells()
			if len(cells) > maxCols {
				t.Fatalf("%d cells in a row", len(cells))
			}
			if n := len(cells); n > 0 && cells[n-1].Empty() {
				t.Fatalf("row %d ends with an empty cell", prev)
			}
			for c, cell := range cells {
				if cell.Row != prev || cell.Col != c {
					t.Fatalf("cell %s at row %d, column %d", cell.Ref(), prev, c)
				}
			}
		}
		if err := rows.Err(); err != nil && err.Error() == "" {
			t.Fatal("empty error")
		}
	})
}

// FuzzOpen opens whole files and reads every sheet.
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
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for i := range w.Sheets() {
			rows, err := w.Rows(i)
			if err != nil {
				continue
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
}
