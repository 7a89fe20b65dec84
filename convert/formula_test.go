package convert

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// formulaBook writes, with excelize, a workbook of one sheet whose cells
// starting with "=" are formulas excelize stores no result for, as a
// program that writes a workbook without calculating it does.
func formulaBook(t testing.TB, sheet string, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			var err error
			if strings.HasPrefix(v, "=") {
				err = f.SetCellFormula(sheet, ref, v[1:])
			} else {
				err = f.SetCellStr(sheet, ref, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestFormulasComputed converts sheets whose formulas have no stored
// result: their values are computed, and the summary counts them.
func TestFormulasComputed(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users.xlsx")
	mapping := filepath.Join(dir, "mapping.xlsx")
	os.WriteFile(users, formulaBook(t, "Users", [][]string{
		{"id", "email", "firstName"},
		{`="U"&"77"`, `=LOWER("MAX@X.TEST")`, "Max"},
		{"U78", "ana@x.test", `=PROPER("ana")`},
	}), 0o644)
	os.WriteFile(mapping, formulaBook(t, "Mapping", [][]string{
		{"groupId", "userId", "subGroupId", "isMember", "isManager"},
		{"T1", "U77", "", "TRUE", `=1=1`},
	}), 0o644)
	var log bytes.Buffer
	out, res := convertTo(t, Options{Inputs: []string{users, mapping}, Log: &log})
	if diff := cmp.Diff([][]string{{"id", "email", "firstName"}, {"U77", "max@x.test", "Max"}, {"U78", "ana@x.test", "Ana"}},
		readCSVFile(t, filepath.Join(out, "users.csv"))); diff != "" {
		t.Errorf("users.csv (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]string{{"groupId", "userId", "subGroupId", "isMember", "isManager"}, {"T1", "U77", "", "TRUE", "TRUE"}},
		readCSVFile(t, filepath.Join(out, "groups-mapping.csv"))); diff != "" {
		t.Errorf("groups-mapping.csv (-want +got):\n%s", diff)
	}
	var counts []int
	for _, s := range res.Sheets {
		counts = append(counts, s.Computed)
	}
	if diff := cmp.Diff([]int{3, 1}, counts); diff != "" {
		t.Errorf("computed cells by sheet (-want +got):\n%s", diff)
	}
	if !strings.Contains(log.String(), "COMPUTED") {
		t.Errorf("the summary has no COMPUTED column:\n%s", log.String())
	}
}

// TestFormulaNotComputed refuses a formula that ovsync cannot compute,
// naming the cell and the fix.
func TestFormulaNotComputed(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users.xlsx")
	os.WriteFile(users, formulaBook(t, "Users", [][]string{
		{"id", "email"},
		{"U1", `=NOSUCHFUNCTION("x")`},
		{"U2", "b@x.test"},
	}), 0o644)
	_, err := Run(Options{Inputs: []string{users}, OutDir: filepath.Join(dir, "out")})
	want := users + `: 1 formula cell without a value ovsync can be sure of: Users!B2: a formula the workbook stores no result for, which ovsync cannot compute (not support NOSUCHFUNCTION function): open the workbook in a spreadsheet program, let it recalculate, save, and convert again`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("the output folder was created")
	}
}

// uncalculated is the fixture of a workbook written by excelize, whose
// formulas have no stored result; go test -run TestUncalculatedFixture
// -update writes it again.
var uncalculated = filepath.Join(fixtures, "Users Uncalculated.xlsx")

// uncomputable is the fixture of a workbook written by excelize with a
// formula excelize's engine cannot compute.
var uncomputable = filepath.Join(fixtures, "Users Uncomputable.xlsx")

// TestUncalculatedFixture checks that the fixture's formulas have no
// stored result (the case it is there for) and that they convert to
// their values.
func TestUncalculatedFixture(t *testing.T) {
	if *update {
		data := formulaBook(t, "Users", [][]string{
			{"id", "email", "firstName", "Start Date"},
			{`="U"&"77"`, `=LOWER("MAX@X.TEST")`, "Max", "=DATE(2024,3,1)"},
			{"U78", `=LOWER(C3)&"@x.test"`, "Ana", ""},
		})
		if err := os.WriteFile(uncalculated, data, 0o644); err != nil {
			t.Fatal(err)
		}
		data = formulaBook(t, "Users", [][]string{
			{"id", "email"},
			{"U1", `=NOSUCHFUNCTION("x")`},
			{"U2", "b@x.test"},
		})
		if err := os.WriteFile(uncomputable, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	zr, err := zip.OpenReader(uncalculated)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Contains(b, []byte("<f>")) || bytes.Contains(b, []byte("<f>LOWER(&#34;MAX@X.TEST&#34;)</f><v>")) {
			t.Errorf("%s: %s holds no formula without a stored result", uncalculated, f.Name)
		}
	}
	out, _ := convertTo(t, Options{Inputs: []string{uncalculated}})
	want := [][]string{{"id", "email", "firstName", "Start Date"}, {"U77", "max@x.test", "Max", "45352"}, {"U78", "ana@x.test", "Ana", ""}}
	if diff := cmp.Diff(want, readCSVFile(t, filepath.Join(out, "users.csv"))); diff != "" {
		t.Errorf("users.csv (-want +got):\n%s", diff)
	}
}
