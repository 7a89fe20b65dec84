package xls

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/convert/internal/sheettest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixtures holds the spreadsheets written by LibreOffice and Gnumeric;
// its README says how each was made.
const fixtures = "../../testdata/spreadsheets"

// notWorkbooks are the fixtures that Open must refuse, with the reason.
var notWorkbooks = map[string]error{
	"HRMS Export.xls":        ErrNotOLE2, // CSV
	"Unicode Export.xls":     ErrNotOLE2, // UTF-16 text
	"Web Export.xls":         ErrNotOLE2, // HTML
	"Password Protected.xls": ErrEncrypted,
	"Org.xlsx":               ErrNotOLE2,
}

// TestFixtures reads every .xls fixture and compares each sheet, cell by
// cell, with its golden CSV file golden/<name>.<sheet>.csv; -update
// rewrites them.
func TestFixtures(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(fixtures, "*.xls"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtures, err)
	}
	used := map[string]bool{}
	for _, path := range paths {
		file := filepath.Base(path)
		if _, ok := notWorkbooks[file]; ok {
			continue
		}
		t.Run(file, func(t *testing.T) {
			wb, err := sheettest.OpenFile(t, path, Open)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			base := strings.TrimSuffix(file, ".xls")
			for i, s := range wb.Sheets() {
				got, err := sheettest.Read(t, wb.Rows, i)
				if err != nil {
					t.Fatalf("Rows(%d): %v", i, err)
				}
				golden := filepath.Join(fixtures, "golden", base+"."+s.Name+".csv")
				used[golden] = true
				if *update {
					if err := os.WriteFile(golden, encodeCSV(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := os.Stat(golden); err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				want := sheettest.ReadCSV(t, golden)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("sheet %q differs from %s (-want +got):\n%s", s.Name, golden, diff)
				}
			}
		})
	}
	// A golden file named for a .xls fixture but for none of its sheets
	// is stale. (The .xlsx twins of the .xls fixtures share their golden
	// files.)
	all, _ := filepath.Glob(filepath.Join(fixtures, "golden", "*.csv"))
	for _, g := range all {
		for _, path := range paths {
			base := strings.TrimSuffix(filepath.Base(path), ".xls")
			if !used[g] && strings.HasPrefix(filepath.Base(g), base+".") {
				t.Errorf("golden file %s matches no sheet of %s", g, filepath.Base(path))
			}
		}
	}
}

// encodeCSV writes records as RFC 4180 CSV; a record of one empty field
// is written as "" so that it reads back.
func encodeCSV(records [][]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range records {
		if len(r) == 1 && r[0] == "" {
			w.Flush()
			buf.WriteString("\"\"\n")
			continue
		}
		_ = w.Write(r)
	}
	w.Flush()
	return buf.Bytes()
}

func TestOpenRefuses(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty file", nil, ErrNotOLE2},
		{"short file", []byte{0xD0, 0xCF}, ErrNotOLE2},
		{"csv", []byte("id,email\n1,a@example.com\n"), ErrNotOLE2},
		{"ole2 header only", oleSignature, ErrCorrupt},
		{"word document", compoundFile(cfbFile{"WordDocument", []byte("text")}), ErrWord},
		{"powerpoint presentation", compoundFile(cfbFile{"PowerPoint Document", []byte("slides")}), ErrPowerPoint},
		{"other compound file", compoundFile(cfbFile{"Contents", []byte("x")}), ErrNoWorkbook},
		{"no streams", compoundFile(), ErrNoWorkbook},
		{"encrypted xlsx", compoundFile(cfbFile{"EncryptionInfo", []byte{4, 0}}, cfbFile{"EncryptedPackage", []byte{1}}), ErrEncryptedOOXML},
		{"empty workbook stream", compoundFile(cfbFile{"Workbook", nil}), ErrCorrupt},
		{"biff4", compoundFile(cfbFile{"Workbook", rec(0x0409, le16(0), le16(0x10))}), ErrVersion},
		{"unknown biff version", compoundFile(cfbFile{"Workbook", rec(recBOF, le16(0x0700), le16(5))}), ErrCorrupt},
		{"no bof", compoundFile(cfbFile{"Workbook", rec(recEOF)}), ErrCorrupt},
		{"no eof", compoundFile(cfbFile{"Workbook", testBook{}.bof(bofGlobals)}), ErrCorrupt},
	}
	for file, want := range notWorkbooks {
		data, err := os.ReadFile(filepath.Join(fixtures, file))
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name string
			data []byte
			want error
		}{file, data, want})
	}
	// Cut a real workbook short anywhere: a corrupt file, never a panic.
	real, err := os.ReadFile(filepath.Join(fixtures, "Groups Sample.xls"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{100, 512, 1024, 2000, len(real) - 1000} {
		tests = append(tests, struct {
			name string
			data []byte
			want error
		}{"truncated to " + strconv.Itoa(n), real[:n], ErrCorrupt})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, err := Open(bytes.NewReader(tt.data), int64(len(tt.data)))
			if err == nil {
				// A cut may still leave a readable globals substream:
				// then a sheet must fail.
				for i := range wb.Sheets() {
					if _, err = wb.Rows(i); err != nil {
						break
					}
				}
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			msg := err.Error()
			if strings.ToLower(msg[:1]) != msg[:1] && !strings.HasPrefix(msg, "OLE2") && !strings.HasPrefix(msg, "Excel") {
				t.Errorf("error %q does not start in lower case", msg)
			}
			if strings.HasSuffix(msg, ".") || strings.Contains(msg, "\n") {
				t.Errorf("error %q is not one line without a final period", msg)
			}
		})
	}
}
