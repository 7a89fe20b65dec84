package convert

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/convert/internal/sheettest"
	"github.com/ovsync/ovsync/internal/peakrss"
)

// odsOf returns an OpenDocument spreadsheet whose content.xml holds the
// tables given, laid out as the format requires (mimetype first).
func odsOf(t testing.TB, tables ...string) []byte {
	t.Helper()
	return sheettest.ODS(t, []byte(`<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>`+
		strings.Join(tables, "")+`</office:spreadsheet></office:body></office:document-content>`))
}

// odsText is a string cell.
func odsText(s string) string {
	return `<table:table-cell office:value-type="string"><text:p>` + s + `</text:p></table:table-cell>`
}

// TestODSRepeats converts the 600-byte spreadsheet whose second row
// holds one value across all 16,384 columns, repeated 1,048,575 times
// (it ran for about 45 minutes): refused, naming the file, the sheet and
// the row. A value repeated across the columns past the header, on rows
// repeated within the bound, is written once a row and counted as
// skipped, not laid out.
func TestODSRepeats(t *testing.T) {
	dir := t.TempDir()
	wide := `<table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell>`
	bomb := filepath.Join(dir, "bomb.ods")
	data := odsOf(t, `<table:table table:name="Users"><table:table-row>`+odsText("id")+odsText("email")+`</table:table-row>`+
		`<table:table-row table:number-rows-repeated="1048575">`+wide+`</table:table-row></table:table>`)
	if err := os.WriteFile(bomb, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(Options{Inputs: []string{bomb}, OutDir: filepath.Join(dir, "out")})
	if err == nil || !strings.Contains(err.Error(), bomb+`: sheet "Users" near row 2: a row holding values is repeated more than 10000 times`) ||
		!strings.Contains(err.Error(), "delete the copies") {
		t.Fatalf("%d bytes: error %v", len(data), err)
	}

	ok := filepath.Join(dir, "ok.ods")
	row := `<table:table-row>` + odsText("%d") + odsText("u%d@example.com") + `<table:table-cell table:number-columns-repeated="16382" office:value-type="string"><text:p>junk</text:p></table:table-cell></table:table-row>`
	var rows strings.Builder
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&rows, row, i, i)
	}
	if err := os.WriteFile(ok, odsOf(t, `<table:table table:name="Users"><table:table-row>`+odsText("id")+odsText("email")+`</table:table-row>`+rows.String()+
		`<table:table-row table:number-rows-repeated="3">`+odsText("7")+odsText("x@example.com")+`</table:table-row></table:table>`), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	var n uint64
	var res *Result
	n = peakrss.Allocated(func() { res, err = Run(Options{Inputs: []string{ok}, OutDir: filepath.Join(dir, "out"), Log: &log}) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Sheets[0].Rows != 203 {
		t.Errorf("%d rows written, want 203", res.Sheets[0].Rows)
	}
	if want := "skipped 3276400 values in columns without a header (Users!C2, Users!C3"; !strings.Contains(log.String(), want) {
		t.Errorf("log %q, want %q", log.String(), want)
	}
	if n > 32<<20 {
		t.Errorf("%d bytes allocated for 203 rows of 2 columns", n)
	}
}

// TestODSMimetypeAnywhere converts an OpenDocument spreadsheet whose
// mimetype entry is not first (roo's frozen_string.ods and numbers1.ods
// in the shared corpora): it was taken for a zip that is not an .xlsx and
// refused with "save it as .xlsx".
func TestODSMimetypeAnywhere(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"META-INF/manifest.xml", `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`},
		{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
		{"content.xml", `<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="Users"><table:table-row>` +
			odsText("id") + odsText("email") + `</table:table-row><table:table-row>` + odsText("1") + odsText("a@example.com") + `</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.ods")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := Run(Options{Inputs: []string{path}, Output: "-", Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "id,email\n1,a@example.com\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}
