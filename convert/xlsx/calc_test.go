package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
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
	want := map[string]Cell{
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
		if f.Name == "xl/worksheets/sheet1.xml" {
			s := rep.Replace(string(b))
			if strings.Contains(s, "</f></c>") {
				t.Fatalf("a formula cell was not rewritten: %s", s)
			}
			b = []byte(s)
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}
