package xls

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/convert/cellfmt"
	"github.com/ovsync/ovsync/convert/internal/sheettest"
)

// maxRecord is the most data a BIFF8 record holds.
const maxRecord = 8224

// usersWorkbook returns a .xls file with one "Users" sheet of n users in
// FORMAT.md's columns, laid out as LibreOffice writes it: every text in the
// shared string table (split over CONTINUE records), a ROW record per row,
// LABELSST cells and an RK date. It also returns the rows it should read
// back as.
func usersWorkbook(n int) ([]byte, [][]string) {
	header := []string{"id", "email", "firstName", "lastName", "jobTitle", "imageUrl", "language", "Gender", "Hiring Date", "Country", "Department"}
	first := []string{"Ana", "José", "Zoë", "太郎", "François", "Grace", "Sam", "Li"}
	last := []string{"Silva", "Álvarez", "Müller", "山田", "Leblanc", "Hopper", "Okafor", "Wei"}
	titles := []string{"Software Engineer", "Engineering Manager", "Recruiter", "Analyst", "Designer"}
	langs := []string{"English", "Français", "Español", "Português", "Deutsche"}
	genders := []string{"Female", "Male", "Non-binary"}
	countries := []string{"Brazil", "Spain", "Germany", "Japan", "Canada", "United States"}
	depts := []string{"R&D", "People", "Sales", "Executive"}

	var strs []string
	index := map[string]int{}
	intern := func(s string) int {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = len(strs)
		strs = append(strs, s)
		return len(strs) - 1
	}
	var cells [][]byte
	want := [][]string{header}
	for c, h := range header {
		cells = append(cells, labelSST(0, c, 15, intern(h)))
	}
	refs := 0
	for i := 1; i <= n; i++ {
		f, l := first[i%len(first)], last[i/len(first)%len(last)]
		hired := 40000 + i%3000
		row := []string{
			fmt.Sprintf("%06d", i),
			fmt.Sprintf("user%06d@example.com", i),
			f, l,
			titles[i%len(titles)],
			"",
			langs[i%len(langs)],
			genders[i%len(genders)],
			"", // the date, below
			countries[i%len(countries)],
			depts[i%len(depts)],
		}
		if i%3 == 0 {
			row[5] = fmt.Sprintf("https://example.com/photos/%06d.jpg", i)
		}
		cells = append(cells, rec(0x0208, le16(i), le16(0), le16(len(header)), le16(0x0110), le16(0), le16(0), le32(0x000F0100)))
		for c, v := range row {
			switch {
			case c == 8:
				cells = append(cells, rec(recRK, cellHead(i, c, 16), le32(hired<<2|2)))
				row[c], _ = cellfmt.ISO(float64(hired), cellfmt.KindDate, false)
			case v != "":
				cells = append(cells, labelSST(i, c, 15, intern(v)))
				refs++
			}
		}
		want = append(want, row)
	}

	// The shared string table, split at string boundaries.
	var segs [][]byte
	seg := cat(le32(refs+len(header)), le32(len(strs)))
	for _, s := range strs {
		e := str16(s)
		if len(seg)+len(e) > maxRecord {
			segs = append(segs, seg)
			seg = nil
		}
		seg = append(seg, e...)
	}
	segs = append(segs, seg)

	// XF 0-14 are style XFs; 15 is General, 16 a yyyy-mm-dd date.
	globals := [][]byte{
		rec(recCodePage, le16(1200)),
		rec(recFormat, le16(164), str16("YYYY-MM-DD")),
	}
	for i := 0; i < 16; i++ {
		globals = append(globals, rec(recXF, le16(0), le16(0), make([]byte, 16)))
	}
	globals = append(globals, rec(recXF, le16(0), le16(164), make([]byte, 16)))
	book := testBook{
		globals: globals,
		tail:    sst(segs...),
		sheets:  []testSheet{{name: "Users", records: cells}},
	}
	return compoundFile(cfbFile{"Workbook", book.stream()}), want
}

func TestUsersWorkbook(t *testing.T) {
	file, want := usersWorkbook(3000)
	w, err := Open(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := sheettest.Read(t, w.Rows, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// BenchmarkUsers60000 opens a 60,000-row users workbook and reads its
// sheet: what convert does with such a file.
func BenchmarkUsers60000(b *testing.B) {
	file, _ := usersWorkbook(60000)
	sheettest.Bench(b, file, Open)
}

// BenchmarkLibreOfficeFile reads the .xls file named by $XLS_BENCH_FILE,
// such as the 60,000-row workbook that testdata/spreadsheets/README.md
// makes with LibreOffice.
func BenchmarkLibreOfficeFile(b *testing.B) { sheettest.BenchFile(b, "XLS_BENCH_FILE", Open) }
