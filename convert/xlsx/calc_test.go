package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/ovsync/ovsync/convert/sheet"
)

// formulaWorkbook writes, with excelize, a workbook whose formulas have
// no stored result (excelize's SetCellFormula stores none), and returns
// its bytes. Cells are on Sheet1 unless named Sheet!A1.
func formulaWorkbook(t testing.TB, cells map[string]string, dateStyle ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for ref, v := range cells {
		sheet := "Sheet1"
		if s, r, ok := strings.Cut(ref, "!"); ok {
			sheet, ref = s, r
			if i, _ := f.GetSheetIndex(sheet); i < 0 {
				if _, err := f.NewSheet(sheet); err != nil {
					t.Fatal(err)
				}
			}
		}
		var err error
		if len(v) > 0 && v[0] == '=' {
			err = f.SetCellFormula(sheet, ref, v[1:])
		} else {
			err = f.SetCellValue(sheet, ref, v)
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
func cellsOf(t *testing.T, data []byte) map[string]sheet.Cell {
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
	got := map[string]sheet.Cell{}
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
	want := map[string]sheet.Cell{
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

// TestStaleResults computes again the formulas whose stored result their
// formula cannot give (a number for a text formula), and keeps the others.
func TestStaleResults(t *testing.T) {
	// Written by excelize, then given the stale results a writer that
	// does not calculate, or calculates wrong, stores.
	data := formulaWorkbook(t, map[string]string{
		"A1": `="U"&"77"`, "B1": `=LOWER(C1)`, "C1": "ANA", "D1": `=1+1`, "E1": `=1+1`, "F1": `="a"&"b"`, "G1": `=IF(C1="x",1,"y")`,
	})
	data = rewriteSheet(t, data, strings.NewReplacer(
		`<c r="A1" t="str"><f>&#34;U&#34;&amp;&#34;77&#34;</f></c>`, `<c r="A1"><f>&#34;U&#34;&amp;&#34;77&#34;</f><v>0</v></c>`,
		`<c r="B1" t="str"><f>LOWER(C1)</f></c>`, `<c r="B1"><f>LOWER(C1)</f><v>0</v></c>`,
		`<c r="D1" t="str"><f>1+1</f></c>`, `<c r="D1" t="str"><f>1+1</f><v>2</v></c>`,
		`<c r="E1" t="str"><f>1+1</f></c>`, `<c r="E1"><f>1+1</f><v>2</v></c>`,
		`<c r="F1" t="str"><f>&#34;a&#34;&amp;&#34;b&#34;</f></c>`, `<c r="F1" t="str"><f>&#34;a&#34;&amp;&#34;b&#34;</f><v>ab</v></c>`,
		`<c r="G1" t="str"><f>IF(C1=&#34;x&#34;,1,&#34;y&#34;)</f></c>`, `<c r="G1"><f>IF(C1=&#34;x&#34;,1,&#34;y&#34;)</f><v>0</v></c>`,
	))
	want := map[string]sheet.Cell{
		"A1": {Value: "U77", Computed: true},
		"B1": {Value: "ana", Computed: true},
		"C1": {Value: "ANA"},
		"D1": {Value: "2", Computed: true},
		"E1": {Value: "2"},
		"F1": {Value: "ab"},
		"G1": {Value: "0"},
	}
	if diff := cmp.Diff(want, cellsOf(t, data)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

// rewriteSheet returns the .xlsx data with the XML of its first sheet
// rewritten by rep, failing unless every cell was rewritten.
func rewriteSheet(t *testing.T, data []byte, rep *strings.Replacer) []byte {
	t.Helper()
	return rewriteZip(t, data, "xl/worksheets/sheet1.xml", rep, func(_, s string) {
		if strings.Contains(s, "</f></c>") {
			t.Fatalf("a formula cell was not rewritten: %s", s)
		}
	})
}

// unknownOf returns why cell ref has no value, failing if it has one.
func unknownOf(t *testing.T, cells map[string]sheet.Cell, ref string) string {
	t.Helper()
	c := cells[ref]
	if c.Unknown == "" {
		t.Fatalf("%s = %+v, want a cell not computed", ref, c)
	}
	return c.Unknown
}

// TestCalcBounded gives the calculation engine no formula whose cost goes
// past a bound that does not depend on the machine: a reference to 27
// million cells (the engine lays out every one), a chain of &
// doubling its text (2^40 bytes), a function looping on its argument's
// value, a chain of formulas deeper than the engine's recursion should
// go. Each is refused, named, and the engine never runs it; a lookup into
// whole columns of another sheet (clipped to its rows) is computed.
func TestCalcBounded(t *testing.T) {
	cells := map[string]string{
		"A1":         `=COUNTA(A10:Z1048575)`,
		"A2":         `=REPT("",1E+15)`,
		"A3":         `=_xlfn.BASE(1,2,1E+9)`,
		"A4":         `=C40`,
		"A5":         `=Chain!D6000+1`,
		"A8":         `=Chain!D4900`,
		"A6":         `=VLOOKUP("k50",Teams!E:F,2,FALSE)`,
		"A9":         `=COUNTA(Teams!A1:Z1048575)`,
		"A7":         `=SUM(E1:F100)`,
		"C1":         "ab",
		"Teams!E100": "k100",
	}
	for i := 2; i <= 40; i++ {
		cells[fmt.Sprintf("C%d", i)] = fmt.Sprintf("=C%d&C%d", i-1, i-1)
	}
	cells["Chain!D1"] = "1"
	for i := 2; i <= 6000; i++ {
		cells[fmt.Sprintf("Chain!D%d", i)] = fmt.Sprintf("=D%d+1", i-1)
	}
	for i := 1; i <= 99; i++ {
		cells[fmt.Sprintf("Teams!E%d", i)] = fmt.Sprintf("k%d", i)
		cells[fmt.Sprintf("Teams!F%d", i)] = fmt.Sprintf("v%d", i)
	}
	got := cellsOf(t, formulaWorkbook(t, cells))
	for ref, want := range map[string]string{
		"A1": "more than the 1048576 ovsync lets a reference read",
		"A2": "it uses REPT",
		"A3": "it uses BASE",
		"A4": "more than 67108864 bytes of text",
		"A5": "a chain of more than 5000 formulas",
		"A9": "more than the 1048576 ovsync lets a reference read",
	} {
		if why := unknownOf(t, got, ref); !strings.Contains(why, want) || !strings.HasPrefix(why, noResult) {
			t.Errorf("%s: %q, want %q", ref, why, want)
		}
	}
	if c := got["A6"]; c.Value != "v50" || !c.Computed {
		t.Errorf("A6 = %+v, want v50 computed", c)
	}
	if c := got["A7"]; c.Value != "0" || !c.Computed {
		t.Errorf("A7 = %+v, want 0 computed", c)
	}
	if c := got["A8"]; c.Value != "4900" || !c.Computed {
		t.Errorf("A8 = %+v, want 4900 computed", c)
	}
}

// TestCalcBudget stops computing once a workbook's formulas have read
// their budget of cells: the cells past it are named, the ones before
// computed.
func TestCalcBudget(t *testing.T) {
	defer func(b int64) { calcBudget = b }(calcBudget)
	calcBudget = 100_000
	cells := map[string]string{}
	for i := 1; i <= 1000; i++ {
		cells[fmt.Sprintf("A%d", i)] = fmt.Sprintf("k%d", i)
		cells[fmt.Sprintf("B%d", i)] = fmt.Sprintf("v%d", i)
	}
	for i := 1; i <= 100; i++ {
		cells[fmt.Sprintf("C%d", i)] = fmt.Sprintf(`=VLOOKUP("k%d",A1:B1000,2,FALSE)`, i*10)
	}
	got := cellsOf(t, formulaWorkbook(t, cells))
	computed, refused := 0, 0
	for i := 1; i <= 100; i++ {
		ref := fmt.Sprintf("C%d", i)
		switch c := got[ref]; {
		case c.Computed && c.Value == fmt.Sprintf("v%d", i*10):
			if refused > 0 {
				t.Fatalf("%s computed after a cell was refused", ref)
			}
			computed++
		case strings.Contains(c.Unknown, "more than 100000 cells"):
			refused++
		default:
			t.Fatalf("%s = %+v", ref, c)
		}
	}
	// Each lookup reads its 2,000 cells (twice, as the engine may).
	if computed < 20 || computed > 50 || refused == 0 {
		t.Errorf("%d computed, %d refused", computed, refused)
	}
}

// rewritePart returns the .xlsx data with its part name rewritten by
// rep, failing unless rep changed it.
func rewritePart(t *testing.T, data []byte, name string, rep *strings.Replacer) []byte {
	t.Helper()
	return rewriteZip(t, data, name, rep, func(before, after string) {
		if after == before {
			t.Fatalf("%s unchanged: %s", name, after)
		}
	})
}

// rewriteZip returns the .xlsx data with its part name rewritten by rep,
// check told of the part before and after.
func rewriteZip(t *testing.T, data []byte, name string, rep *strings.Replacer, check func(before, after string)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == name {
			s := rep.Replace(string(b))
			check(string(b), s)
			b = []byte(s)
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

// TestRecalcOnLoad computes the formulas of a workbook that asks to be
// recalculated when opened (calcPr fullCalcOnLoad, as XlsxWriter writes
// it with 0 stored for every formula, in 8 workbooks of the shared
// corpora): their stored results were read as values, a lookup's 0
// written where its result belongs.
func TestRecalcOnLoad(t *testing.T) {
	data := formulaWorkbook(t, map[string]string{"A1": "x", "B1": `=A1`, "C1": `=1+1`, "D1": `=A1&"@example.com"`})
	data = rewriteSheet(t, data, strings.NewReplacer(
		`<c r="B1" t="str"><f>A1</f></c>`, `<c r="B1"><f>A1</f><v>0</v></c>`,
		`<c r="C1" t="str"><f>1+1</f></c>`, `<c r="C1"><f>1+1</f><v>0</v></c>`,
		`<c r="D1" t="str"><f>A1&amp;&#34;@example.com&#34;</f></c>`, `<c r="D1" t="str"><f>A1&amp;&#34;@example.com&#34;</f><v>0</v></c>`,
	))
	stale := map[string]sheet.Cell{"A1": {Value: "x"}, "B1": {Value: "0"}, "C1": {Value: "0"}, "D1": {Value: "0"}}
	if diff := cmp.Diff(stale, cellsOf(t, data)); diff != "" {
		t.Fatalf("without fullCalcOnLoad, the stored results are read (-want +got):\n%s", diff)
	}
	data = rewritePart(t, data, "xl/workbook.xml", strings.NewReplacer(`<calcPr calcId="`, `<calcPr fullCalcOnLoad="1" calcId="`))
	want := map[string]sheet.Cell{"A1": {Value: "x"}, "B1": {Value: "x", Computed: true}, "C1": {Value: "2", Computed: true}, "D1": {Value: "x@example.com", Computed: true}}
	if diff := cmp.Diff(want, cellsOf(t, data)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}
