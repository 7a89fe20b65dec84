package convert

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
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
