package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/convert/internal/sheettest"
	"github.com/ovsync/ovsync/internal/peakrss"
)

// fixtures holds the spreadsheets written by LibreOffice and Gnumeric;
// its README says how each was made. The .xlsx twins of the .xls fixtures
// share their golden files, which go test ./convert/xls -update writes.
const fixtures = "../../testdata/spreadsheets"

// TestFixtures reads every .xlsx fixture and compares each sheet, cell by
// cell, with the golden file of its .xls twin.
func TestFixtures(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(fixtures, "*.xlsx"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtures, err)
	}
	for _, path := range paths {
		file := filepath.Base(path)
		t.Run(file, func(t *testing.T) { sheettest.Twins(t, path, filepath.Join(fixtures, "golden"), Open) })
	}
}

func TestWorkbookFacts(t *testing.T) {
	tests := []struct {
		file     string
		sheets   []string
		hidden   []bool
		date1904 bool
	}{
		{"Org.xlsx", []string{"Users", "Groups", "Mapping"}, []bool{false, false, false}, false},
		{"Users Lookup Error.xlsx", []string{"Users", "Languages"}, []bool{false, true}, false},
		{"Mac Dates.xlsx", []string{"Dates"}, []bool{false}, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			wb, err := sheettest.OpenFile(t, filepath.Join(fixtures, tt.file), Open)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			var hidden []bool
			for _, s := range wb.Sheets() {
				names, hidden = append(names, s.Name), append(hidden, s.Hidden)
			}
			if diff := cmp.Diff(tt.sheets, names); diff != "" {
				t.Errorf("Sheets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.hidden, hidden); diff != "" {
				t.Errorf("Hidden (-want +got):\n%s", diff)
			}
			if wb.Date1904() != tt.date1904 {
				t.Errorf("Date1904 = %v, want %v", wb.Date1904(), tt.date1904)
			}
		})
	}
}

func TestOpenRefuses(t *testing.T) {
	real, err := os.ReadFile(filepath.Join(fixtures, "Org.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want error
		msg  string // part of the message
	}{
		{"empty", nil, ErrNotZip, ""},
		{"csv", []byte("id,email\n"), ErrNotZip, ""},
		{"zip of a text file", sheettest.ZipOf(t, map[string]string{"notes.txt": "hello"}), ErrNotWorkbook, "no xl/workbook.xml"},
		{"ods", sheettest.ZipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}), ErrNotWorkbook, ".ods"},
		{"docx", sheettest.ZipOf(t, map[string]string{"word/document.xml": "<x/>"}), ErrNotWorkbook, "Word"},
		{"odt", sheettest.ZipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), ErrNotWorkbook, "text document (.odt)"},
		{"xlsb", sheettest.ZipOf(t, map[string]string{
			"_rels/.rels":     `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>`,
			"xl/workbook.bin": "\x83\x01\x00\xe9\xff"}), ErrXLSB, ".xlsb"},
		{"xlsb without relationships", sheettest.ZipOf(t, map[string]string{"xl/workbook.bin": "\x83\x01"}), ErrXLSB, ".xlsb"},
		{"numbers", sheettest.ZipOf(t, map[string]string{"Index/Document.iwa": "\x00", "Metadata/Properties.plist": "x"}), ErrNumbers, "Numbers"},
		{"numbers 09", sheettest.ZipOf(t, map[string]string{"index.xml.gz": "\x1f\x8b"}), ErrNumbers, "Numbers"},
		{"bad workbook xml", sheettest.ZipOf(t, map[string]string{"xl/workbook.xml": "<workbook><sheets><sheet"}), ErrCorrupt, ""},
		{"missing sheet part", sheettest.ZipOf(t, map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="A" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		}), ErrCorrupt, "no part"},
	}
	for _, n := range []int{10, 100, 1000, len(real) / 2, len(real) - 10} {
		tests = append(tests, struct {
			name string
			data []byte
			want error
			msg  string
		}{"truncated to " + strconv.Itoa(n), real[:n], ErrCorrupt, ""})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(tt.data), int64(len(tt.data)))
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.msg) {
				t.Errorf("error %q does not say %q", msg, tt.msg)
			}
			if strings.HasSuffix(msg, ".") || strings.Contains(msg, "\n") {
				t.Errorf("error %q is not one line without a final period", msg)
			}
		})
	}
}

// sstWorkbook returns a workbook of one sheet whose shared string table
// is sst.
func sstWorkbook(t testing.TB, sst string) []byte {
	return sheettest.ZipOf(t, map[string]string{
		"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="A" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<worksheet><sheetData><row r="1"><c t="s"><v>0</v></c></row></sheetData></worksheet>`,
		"xl/sharedStrings.xml":       sst,
	})
}

// TestSharedStringsBounded refuses a shared string table that unpacks to
// far more than its file (40 MB from a few kilobytes), or holds far more
// entries than its file could (two million empty strings from 10 KB),
// before it fills memory; a real table reads.
func TestSharedStringsBounded(t *testing.T) {
	tests := []struct {
		name, sst, msg string
	}{
		{"bytes", `<sst>` + strings.Repeat(`<si><t>`+strings.Repeat("a", 10000)+`</t></si>`, 4000) + `</sst>`, "unpacks to more than 16777216 bytes"},
		{"entries", `<sst>` + strings.Repeat(`<si/>`, 2000000) + `</sst>`, "strings, too many for a file of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := sstWorkbook(t, tt.sst)
			var err error
			n := peakrss.Allocated(func() { _, err = Open(bytes.NewReader(data), int64(len(data))) })
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "sharedStrings.xml") {
				t.Fatalf("%d bytes: error %v, want %q", len(data), err, tt.msg)
			}
			if limit := uint64(sheettest.AllocPerByte*len(data) + 4*sstUnpackMin); n > limit {
				t.Errorf("%d bytes: %d allocated, more than %d", len(data), n, limit)
			}
		})
	}
	var sst strings.Builder
	sst.WriteString(`<sst uniqueCount="2">`)
	for i := range 70000 {
		fmt.Fprintf(&sst, `<si><t>user%06d@example.com</t></si>`, i)
	}
	sst.WriteString(`</sst>`)
	data := sstWorkbook(t, sst.String())
	w, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil || len(w.sst) != 70000 {
		t.Fatalf("a table of 70,000 strings in %d bytes: %v", len(data), err)
	}
}

// utf16 encodes s as UTF-16LE with a byte order mark, as Excel for
// Windows Phone writes the parts of a workbook.
func utf16(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

// TestCorpusRepros reads what the shared corpora showed this reader
// refusing as corrupt, though the files are sound: parts in UTF-16
// (roo's Pfand_from_windows_phone.xlsx), a shared-string cell whose
// <v/> is empty (calamine's empty_shared_string_value.xlsx, POI's
// 64508.xlsx), and Excel 2007 beta's <sstItem> (POI's sample-beta.xlsx).
func TestCorpusRepros(t *testing.T) {
	const rels = `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	book := `<workbook xmlns:r="r"><sheets><sheet name="Blatt1" r:id="rId1"/></sheets></workbook>`
	tests := []struct {
		name  string
		files map[string]string
		want  [][]string
	}{
		{"utf-16 parts", map[string]string{
			"xl/workbook.xml":            utf16(`<?xml version="1.0" encoding="UTF-16" standalone="yes"?>` + book),
			"xl/_rels/workbook.xml.rels": utf16(`<?xml version="1.0" encoding="UTF-16"?>` + rels),
			"xl/sharedStrings.xml":       utf16(`<?xml version="1.0" encoding="UTF-16"?><sst><si><t>Summe</t></si><si><t>Größe</t></si></sst>`),
			"xl/worksheets/sheet1.xml":   utf16(`<?xml version="1.0" encoding="UTF-16"?><worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1"><v>2.5</v></c></row></sheetData></worksheet>`),
		}, [][]string{{"Summe", "Größe", "2.5"}}},
		{"empty shared-string index", map[string]string{
			"xl/workbook.xml":            book,
			"xl/_rels/workbook.xml.rels": rels,
			"xl/sharedStrings.xml":       `<sst><si><t>Name</t></si><si><t>City</t></si></sst>`,
			"xl/worksheets/sheet1.xml":   `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v/></c><c r="C1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v> </v></c></row></sheetData></worksheet>`,
		}, [][]string{{"Name", "", "City"}}},
		{"beta sstItem", map[string]string{
			"xl/workbook.xml":            book,
			"xl/_rels/workbook.xml.rels": rels,
			"xl/sharedStrings.xml":       `<sst xmlns="http://schemas.microsoft.com/office/excel/2006/2"><sstItem><t>Lorem</t></sstItem><sstItem><t>ipsum</t></sstItem></sst>`,
			"xl/worksheets/sheet1.xml":   `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
		}, [][]string{{"ipsum", "Lorem"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := sheettest.ZipOf(t, tt.files)
			w, err := Open(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			got, err := sheettest.Read(t, w.Rows, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
