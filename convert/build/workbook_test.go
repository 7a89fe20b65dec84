package build

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// workbook writes an .xlsx of sheets (name -> rows; a value starting with
// "=" is a formula without a stored result) and returns its path.
func workbook(t *testing.T, sheets map[string][][]string, order []string, hidden ...string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				if strings.HasPrefix(v, "=") {
					err = f.SetCellFormula(name, ref, v[1:])
				} else {
					err = f.SetCellStr(name, ref, v)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for _, h := range hidden {
		if err := f.SetSheetVisible(h, false); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "hr.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

var people = [][]string{
	{"Acme — people"},
	{"Employee ID", "Work Email", "First Name", "Last Name", "Manager ID", "Department"},
	{"E1", "a@x.co", "Ana", "Silva", "=NA()", "Exec"}, // a lookup that found no manager
	{"E2", "b@x.co", "Bo", "Li", "E1", "R&D"},
}

func TestWorkbook(t *testing.T) {
	path := workbook(t, map[string][][]string{
		"Summary": {{"Headcount", "2"}},
		"People":  people,
		"Old":     people,
	}, []string{"Summary", "People", "Old"}, "Old")
	r := runOn(t, "", Options{Input: path, OutDir: filepath.Join(t.TempDir(), "out")})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	if diff := cmp.Diff("id,email,firstName,lastName\nE1,a@x.co,Ana,Silva\nE2,b@x.co,Bo,Li\n", r.files["users.csv"]); diff != "" {
		t.Errorf("users.csv (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.log, "hr.xlsx: the header is People, row 2; columns:") {
		t.Errorf("log:\n%s", r.log)
	}
	lintClean(t, r.dir)
}

func TestWorkbookDefectsNameTheirCells(t *testing.T) {
	rows := append([][]string{}, people...)
	rows = append(rows,
		[]string{"E2", "c@x.co", "Cy", "Ng", "E1", "R&D"},
		[]string{"E4", "d@x.co", "Di", "Ok", "E9", "=1/0"},
		[]string{"E5", "e@x.co", "Ed", "Po", "E1", "=1/0"},
	)
	path := workbook(t, map[string][][]string{"Org chart": rows}, []string{"Org chart"})
	r := runOn(t, "", Options{Input: path, OutDir: filepath.Join(t.TempDir(), "out"), TeamBy: []string{"Department"}})
	want := []string{
		"hr.xlsx: 'Org chart'!A5: id \"E2\" is also on 'Org chart'!A4\nhint: give each person their own id, or remove the repeated row (a --where filter leaves out history rows)",
		"hr.xlsx: 'Org chart'!E6: the manager \"E9\" of E4 (Di Ok) is no id of the export\nhint: correct the manager, add them to the export, or give --unknown-manager root to build the person as a root",
		"hr.xlsx: 'Org chart'!F6: \"Department\": an error cell (#DIV/0!)\nhint: fix the formula (or the data it looks up) in the workbook, and build again",
		"hr.xlsx: 'Org chart'!F7: \"Department\": an error cell (#DIV/0!)\nhint: fix the formula (or the data it looks up) in the workbook, and build again",
		"nothing written: the export has 4 defects to fix",
	}
	if diff := cmp.Diff(want, r.defects); diff != "" {
		t.Errorf("defects (-want +got):\n%s", diff)
	}
	// Without --team-by, Department is not read: its error cells are no
	// defect.
	r = runOn(t, "", Options{Input: path, OutDir: filepath.Join(t.TempDir(), "out")})
	if diff := cmp.Diff([]string{want[0], want[1], "nothing written: the export has 2 defects to fix"}, r.defects); diff != "" {
		t.Errorf("without --team-by (-want +got):\n%s", diff)
	}
}

func TestWorkbookSheets(t *testing.T) {
	path := workbook(t, map[string][][]string{"A": people, "B": people, "C": {{"x"}}}, []string{"A", "B", "C"})
	r := runOn(t, "", Options{Input: path, OutDir: filepath.Join(t.TempDir(), "out")})
	if diff := cmp.Diff([]string{`hr.xlsx: the sheets "A" and "B" all have an id and a manager column: choose one with --sheet`}, r.defects); diff != "" {
		t.Errorf("two sheets (-want +got):\n%s", diff)
	}
	r = runOn(t, "", Options{Input: path, OutDir: filepath.Join(t.TempDir(), "out"), Sheet: "B"})
	if r.defects != nil {
		t.Errorf("--sheet B: %q", r.defects)
	}
	r = runOn(t, "", Options{Input: path, OutDir: filepath.Join(t.TempDir(), "out"), Sheet: "Z"})
	if diff := cmp.Diff([]string{`hr.xlsx: --sheet "Z": no such sheet (the sheets are "A", "B", "C")`}, r.defects); diff != "" {
		t.Errorf("--sheet Z (-want +got):\n%s", diff)
	}
	r = runOn(t, "", Options{Input: path, OutDir: filepath.Join(t.TempDir(), "out"), Sheet: "C"})
	if len(r.defects) != 1 || !strings.HasPrefix(r.defects[0], `hr.xlsx: no sheet has a header: none of the first 20 rows has an id column`) ||
		!strings.Contains(r.defects[0], `(C, row 1 reads "x")`) {
		t.Errorf("--sheet C: %q", r.defects)
	}
}
