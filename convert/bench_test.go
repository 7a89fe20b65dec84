package convert

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ovsync/ovsync/convert/internal/sheettest"
	"github.com/ovsync/ovsync/internal/redact"
)

// usersCSV returns n users in FORMAT.md's columns and three custom ones,
// as UTF-8 CSV.
func usersCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("id,email,firstName,lastName,jobTitle,imageUrl,language,Gender,Hiring Date,Country\n")
	first := []string{"Ana", "José", "Zoë", "太郎", "François", "Grace", "Sam", "Li"}
	langs := []string{"English", "Français", "Español", "Português", "Deutsche"}
	for i := 1; i <= n; i++ {
		img := ""
		if i%3 == 0 {
			img = fmt.Sprintf("https://example.com/photos/%06d.jpg", i)
		}
		fmt.Fprintf(&b, "%06d,user%06d@example.com,%s,Müller,Software Engineer,%s,%s,Female,2019-03-%02d,Brazil\n",
			i, i, first[i%len(first)], img, langs[i%len(langs)], 1+i%28)
	}
	return b.Bytes()
}

// usersXLSX returns an .xlsx workbook of n users, written by excelize's
// stream writer: shared strings off (inline strings), a date style.
func usersXLSX(tb testing.TB, n int) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		tb.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"id", "email", "firstName", "lastName", "jobTitle", "imageUrl", "language", "Gender", "Hiring Date", "Country"}); err != nil {
		tb.Fatal(err)
	}
	langs := []string{"English", "Français", "Español", "Português", "Deutsche"}
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := []any{fmt.Sprintf("%06d", i), fmt.Sprintf("user%06d@example.com", i), "Zoë", "Müller", "Software Engineer", "",
			langs[i%len(langs)], "Female", excelize.Cell{StyleID: date, Value: 40000 + i%3000}, "Brazil"}
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// benchmarkConvert converts the file data, named name, to a folder.
func benchmarkConvert(b *testing.B, name string, data []byte, opt Options) {
	dir := b.TempDir()
	in := filepath.Join(dir, name)
	if err := os.WriteFile(in, data, 0o644); err != nil {
		b.Fatal(err)
	}
	opt.Inputs, opt.OutDir = []string{in}, filepath.Join(dir, "out")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		res, err := Run(opt)
		if err != nil {
			b.Fatal(err)
		}
		rows = res.Sheets[0].Rows
	}
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkConvertXLSX converts a 100,000-row users workbook.
func BenchmarkConvertXLSX(b *testing.B) {
	benchmarkConvert(b, "users.xlsx", usersXLSX(b, 100000), Options{})
}

// BenchmarkConvertCSV converts 100,000 users of UTF-8 CSV.
func BenchmarkConvertCSV(b *testing.B) {
	benchmarkConvert(b, "users.csv", usersCSV(100000), Options{})
}

// BenchmarkConvertCSVRedacted is BenchmarkConvertCSV with an API key
// known: the output goes through the redactor.
func BenchmarkConvertCSVRedacted(b *testing.B) {
	benchmarkConvert(b, "users.csv", usersCSV(100000), Options{Redactor: redact.New("ovk-Bench-QwErTyUiOp-7731-ZxCvBnMpLk")})
}

// BenchmarkConvertWindows1252 converts 100,000 users of Windows-1252
// semicolon-separated text, detected as such.
func BenchmarkConvertWindows1252(b *testing.B) {
	data := bytes.ReplaceAll(usersCSV(100000), []byte(","), []byte(";"))
	data = bytes.ReplaceAll(data, []byte("ü"), []byte{0xFC})
	data = bytes.ReplaceAll(data, []byte("太郎"), []byte("Taro"))
	data = bytes.ReplaceAll(data, []byte("ç"), []byte{0xE7})
	data = bytes.ReplaceAll(data, []byte("ë"), []byte{0xEB})
	data = bytes.ReplaceAll(data, []byte("é"), []byte{0xE9})
	data = bytes.ReplaceAll(data, []byte("ñ"), []byte{0xF1})
	data = bytes.ReplaceAll(data, []byte("ê"), []byte{0xEA})
	benchmarkConvert(b, "users.csv", data, Options{})
}

// BenchmarkConvertUTF16 converts 100,000 users of UTF-16LE tab-separated
// text (Excel's "Unicode Text").
func BenchmarkConvertUTF16(b *testing.B) {
	data := utf16Bytes(string(bytes.ReplaceAll(usersCSV(100000), []byte(","), []byte("\t"))), false, true)
	benchmarkConvert(b, "users.txt", data, Options{})
}

// BenchmarkConvertFile converts the file named by $CONVERT_BENCH_FILE,
// such as the LibreOffice workbooks of testdata/spreadsheets/README.md.
func BenchmarkConvertFile(b *testing.B) {
	path := os.Getenv("CONVERT_BENCH_FILE")
	if path == "" {
		b.Skip("set CONVERT_BENCH_FILE to a file to convert")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkConvert(b, filepath.Base(path), data, Options{})
}

// BenchmarkDecode measures re-encoding alone: text to UTF-8.
func BenchmarkDecode(b *testing.B) {
	text := usersCSV(20000)
	for _, tt := range []struct {
		name, enc string
		data      []byte
		bom       int
	}{
		{"utf-8", UTF8, text, 0},
		{"windows-1252", Windows1252, bytes.ReplaceAll(text, []byte("太郎"), []byte("Taro")), 0},
		{"utf-16le", UTF16LE, utf16Bytes(string(text), false, true), 2},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.data)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := NewDecoder(bytes.NewReader(tt.data), tt.enc, tt.bom)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// usersODS returns an OpenDocument spreadsheet of n users, its
// content.xml laid out as LibreOffice writes it: value types on every
// cell, dates as office:date-value, empty cells as <table:table-cell/>, and
// the empty rest of the sheet as one repeated row.
func usersODS(tb testing.TB, n int) []byte {
	tb.Helper()
	var c bytes.Buffer
	c.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"><office:automatic-styles><style:style style:name="ta1" style:family="table" style:master-page-name="Default"><style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="Users" table:style-name="ta1"><table:table-column table:style-name="co1" table:number-columns-repeated="10" table:default-cell-style-name="Default"/>`)
	str := func(s string) {
		c.WriteString(`<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>`)
		c.WriteString(s)
		c.WriteString(`</text:p></table:table-cell>`)
	}
	c.WriteString(`<table:table-row table:style-name="ro1">`)
	for _, h := range []string{"id", "email", "firstName", "lastName", "jobTitle", "imageUrl", "language", "Gender", "Hiring Date", "Country"} {
		str(h)
	}
	c.WriteString(`</table:table-row>`)
	langs := []string{"English", "Français", "Español", "Português", "Deutsche"}
	for i := 1; i <= n; i++ {
		c.WriteString(`<table:table-row table:style-name="ro1">`)
		str(fmt.Sprintf("%06d", i))
		str(fmt.Sprintf("user%06d@example.com", i))
		str("Zoë")
		str("Müller")
		str("Software Engineer")
		c.WriteString(`<table:table-cell/>`)
		str(langs[i%len(langs)])
		str("Female")
		fmt.Fprintf(&c, `<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="2019-03-%02d" calcext:value-type="date"><text:p>2019-03-%02d</text:p></table:table-cell>`, 1+i%28, 1+i%28)
		str("Brazil")
		c.WriteString(`</table:table-row>`)
	}
	fmt.Fprintf(&c, `<table:table-row table:style-name="ro1" table:number-rows-repeated="%d"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>`, 1048576-n-1)
	c.WriteString(`</table:table></office:spreadsheet></office:body></office:document-content>`)
	return sheettest.ODS(tb, c.Bytes())
}

// BenchmarkConvertODS converts a 100,000-row users spreadsheet.
func BenchmarkConvertODS(b *testing.B) {
	benchmarkConvert(b, "users.ods", usersODS(b, 100000), Options{})
}

// usersXLSXFormulas returns an .xlsx workbook of n users whose email
// column is a formula excelize stores no result for, as libraries write
// them: n formula cells to compute.
func usersXLSXFormulas(tb testing.TB, n int) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"id", "email", "firstName", "lastName", "language"}); err != nil {
		tb.Fatal(err)
	}
	langs := []string{"English", "Français", "Español", "Português", "Deutsche"}
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := []any{fmt.Sprintf("U%06d", i), excelize.Cell{Formula: fmt.Sprintf(`LOWER(A%d)&"@example.com"`, i+1)}, "Zoë", "Müller", langs[i%len(langs)]}
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkConvertXLSXFormulas converts a 10,000-row users workbook whose
// 10,000 email cells are formulas without stored results: computed by the
// calculation engine.
func BenchmarkConvertXLSXFormulas(b *testing.B) {
	benchmarkConvert(b, "users.xlsx", usersXLSXFormulas(b, 10000), Options{})
}
