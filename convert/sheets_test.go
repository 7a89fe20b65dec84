package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readAll reads every row of every sheet of path through OpenInput:
// "SHEET line|index: cells".
func readAll(t *testing.T, path string, opt ReadOptions) []string {
	t.Helper()
	in, err := OpenInput(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var got []string
	for i, s := range in.Sheets() {
		rows, err := in.Rows(i)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var cells []string
			for c := range rows.Len() {
				v, e := rows.Cell(c)
				cells = append(cells, v+e)
			}
			got = append(got, fmt.Sprintf("%s %d|%d: %s", s.Name, rows.Line(), rows.Index(), strings.Join(cells, ";")))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return got
}

func TestOpenInputText(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "hr.csv")
	// A quoted field over two lines: the next record starts on line 4.
	data := "\xef\xbb\xbfid;name\n1;\"Ann\nLee\"\n2;Bo\n"
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, p, ReadOptions{})
	want := []string{" 1|0: id;name", " 2|1: 1;Ann\nLee", " 4|2: 2;Bo"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	// Windows-1252 bytes are noted and decoded.
	if err := os.WriteFile(p, []byte("id,name\n1,Ren\xe9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var notes []string
	got = readAll(t, p, ReadOptions{Note: func(s string) { notes = append(notes, s) }})
	if got[1] != " 2|1: 1;René" || len(notes) != 1 || !strings.Contains(notes[0], "Windows-1252") {
		t.Errorf("Windows-1252: rows %q, notes %q", got, notes)
	}
	if _, err := OpenInput(p, ReadOptions{Delimiter: "::"}); err == nil {
		t.Error("a bad delimiter is accepted")
	}
	if _, err := OpenInput(filepath.Join(dir, "none.csv"), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestOpenInputWorkbook(t *testing.T) {
	in, err := OpenInput(filepath.Join(fixtures, "Org.xlsx"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if in.Format() != FormatXLSX {
		t.Errorf("format %v", in.Format())
	}
	var names []string
	for _, s := range in.Sheets() {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"Users", "Groups", "Mapping"}, names); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	if got := in.Where(0); got != filepath.Join(fixtures, "Org.xlsx")+": Users" {
		t.Errorf("Where(0) = %q", got)
	}
	rows, err := in.Rows(0)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	rows.Next()
	rows.Next()
	if v, _ := rows.Cell(0); v != "00101" || rows.Line() != 2 || rows.Index() != 1 {
		t.Errorf("second row: cell A %q, line %d, index %d", v, rows.Line(), rows.Index())
	}
}

func TestCellRef(t *testing.T) {
	for _, tt := range []struct {
		sheet    string
		row, col int
		want     string
	}{
		{"People", 11, 2, "People!C12"},
		{"Org chart", 0, 27, "'Org chart'!AB1"},
		{"it's", 4, 0, "'it''s'!A5"},
	} {
		if got := CellRef(tt.sheet, tt.row, tt.col); got != tt.want {
			t.Errorf("CellRef(%q, %d, %d) = %q, want %q", tt.sheet, tt.row, tt.col, got, tt.want)
		}
	}
}
