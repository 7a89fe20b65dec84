package xlsx

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// formulaWorkbook writes, with excelize, a workbook whose formulas have
// no stored result (excelize's SetCellFormula stores none), and returns
// its bytes.
func formulaWorkbook(t testing.TB, cells map[string]string, dateStyle ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for ref, v := range cells {
		var err error
		if len(v) > 0 && v[0] == '=' {
			err = f.SetCellFormula("Sheet1", ref, v[1:])
		} else {
			err = f.SetCellValue("Sheet1", ref, v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(dateStyle) > 0 {
		st, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range dateStyle {
			if err := f.SetCellStyle("Sheet1", ref, ref, st); err != nil {
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

// cellsOf reads every non-empty cell of the first sheet by reference.
func cellsOf(t *testing.T, data []byte) map[string]Cell {
	t.Helper()
	w, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rows, err := w.Rows(0)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]Cell{}
	for rows.Next() {
		for _, c := range rows.Cells() {
			if !c.Empty() {
				ref := c.Ref()
				c.Row, c.Col = 0, 0
				got[ref] = c
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestFormulasWithoutResult(t *testing.T) {
	data := formulaWorkbook(t, map[string]string{
		"A1": `="U"&"77"`,
		"B1": `=LOWER("MAX@X.TEST")`,
		"C1": `=1=1`,
		"D1": `=DATE(2024,1,2)`,
		"E1": `=1/0`,
		"F1": `="00123"`,
		"G1": `=FOOBARBAZ(1)`,
		"H1": `=A2`,
		"A2": "45292",
		"I1": `=H1&"x"`,
		"J1": `=2*21`,
		"K1": `=IF(TRUE,"","x")`,
		"L1": `=D1`,
	}, "D1", "L1")
	want := map[string]Cell{
		"A1": {Value: "U77", Computed: true},
		"B1": {Value: "max@x.test", Computed: true},
		"C1": {Value: "TRUE", Computed: true},
		"D1": {Value: "2024-01-02", Computed: true},
		"E1": {Err: "#DIV/0!", Computed: true},
		"F1": {Value: "00123", Computed: true},
		"G1": {Unknown: "a formula the workbook stores no result for, which ovsync cannot compute (not support FOOBARBAZ function)"},
		"H1": {Value: "45292", Computed: true},
		"A2": {Value: "45292"},
		"I1": {Value: "45292x", Computed: true},
		"J1": {Value: "42", Computed: true},
		"L1": {Value: "2024-01-02", Computed: true},
	}
	if diff := cmp.Diff(want, cellsOf(t, data)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}
