package xlsx

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ovsync/ovsync/convert/internal/sheettest"
)

// usersWorkbook returns an .xlsx file with one "Users" sheet of n users
// in FORMAT.md's columns and a dated custom column, written by excelize's
// stream writer: shared strings, a date style, ten columns.
func usersWorkbook(tb testing.TB, n int) []byte {
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
	header := []any{"id", "email", "firstName", "lastName", "jobTitle", "imageUrl", "language", "Gender", "Hiring Date", "Country"}
	if err := sw.SetRow("A1", header); err != nil {
		tb.Fatal(err)
	}
	first := []string{"Ana", "José", "Zoë", "太郎", "François", "Grace", "Sam", "Li"}
	langs := []string{"English", "Français", "Español", "Português", "Deutsche"}
	for i := 1; i <= n; i++ {
		img := ""
		if i%3 == 0 {
			img = fmt.Sprintf("https://example.com/photos/%06d.jpg", i)
		}
		row := []any{
			fmt.Sprintf("%06d", i), fmt.Sprintf("user%06d@example.com", i),
			first[i%len(first)], "Silva", "Software Engineer", img, langs[i%len(langs)], "Female",
			excelize.Cell{StyleID: date, Value: 40000 + i%3000}, "Brazil",
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.SetSheetName("Sheet1", "Users")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkUsers100000 opens a 100,000-row users workbook and reads every
// cell of its sheet.
func BenchmarkUsers100000(b *testing.B) {
	sheettest.Bench(b, usersWorkbook(b, 100000), Open)
}

// BenchmarkLibreOfficeFile reads the .xlsx file named by
// $XLSX_BENCH_FILE, such as the 100,000-row workbook that
// testdata/spreadsheets/README.md makes with LibreOffice.
func BenchmarkLibreOfficeFile(b *testing.B) { sheettest.BenchFile(b, "XLSX_BENCH_FILE", Open) }
