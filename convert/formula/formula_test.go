package formula

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/peakrss"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, expr string
		want       Value
	}{
		{"concat of strings", `="U"&"77"`, Str("U77")},
		{"lower", `=LOWER("MAX@X.TEST")`, Str("max@x.test")},
		{"openformula", `of:=LOWER("Ana")&"-"&UPPER("b")`, Str("ana-B")},
		{"number joined", `="U"&77`, Str("U77")},
		{"quotes", `="say ""hi"""`, Str(`say "hi"`)},
		{"concatenate", `=CONCATENATE("a";"b";1.5)`, Str("ab1.5")},
		{"left right mid", `=LEFT("abcdef",2)&RIGHT("abcdef")&MID("abcdef",3,2)`, Str("abfcd")},
		{"left without count", `=LEFT("abc")`, Str("a")},
		{"trim", `=TRIM("  a   b ")`, Str("a b")},
		{"proper", `=PROPER("ana MARIA-luz")`, Str("Ana Maria-Luz")},
		{"substitute", `=SUBSTITUTE("a.b.c",".","-")`, Str("a-b-c")},
		{"rept", `=REPT("ab",3)`, Str("ababab")},
		{"prefixed function", `=_xlfn.CONCAT("a","b")`, Str("ab")},
		{"text of a reference", `=LOWER(A2)`, Of(Text)},
		{"ods reference", `of:=LOWER([.A2])&"@x.test"`, Of(Text)},
		{"text format", `=TEXT(1,"00")`, Of(Text)},
		{"mid out of range", `=MID("abc",0,1)`, Of(Text)},
		{"number", `=1+2`, Of(Number)},
		{"len", `=LEN("abc")`, Of(Number)},
		{"negated", `=-A1`, Of(Number)},
		{"percent", `=50%`, Of(Number)},
		{"comparison", `=A1="x"`, Of(Bool)},
		{"and", `=AND(TRUE,B2)`, Of(Bool)},
		{"true constant", `=TRUE`, Boolean(true)},
		{"true function", `=TRUE()`, Boolean(true)},
		{"concat binds looser than plus", `=1+2&"x"`, Of(Text)},
		{"if", `=IF(A1,"a","b")`, Ref()},
		{"vlookup", `=VLOOKUP(A2,Sheet2!A:B,2,FALSE)`, Ref()},
		{"quoted sheet", `='My sheet'!A1`, Ref()},
		{"range", `=SUM(A1:B2)`, Of(Number)},
		{"structured reference", `=Table1[@Name]&""`, Of(Text)},
		{"unknown function", `=FOO("a")`, Ref()},
		{"error constant", `=#N/A`, Ref()},
		{"array", `={1,2}`, Ref()},
		{"unclosed string", `="abc`, Ref()},
		{"unbalanced", `=LOWER("a"`, Ref()},
		{"trailing", `="a" "b"`, Ref()},
		{"empty", ``, Ref()},
		{"deep", strings.Repeat("(", 500) + `"a"` + strings.Repeat(")", 500), Ref()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Parse(tt.expr)); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.expr, diff)
			}
		})
	}
}

func TestStale(t *testing.T) {
	tests := []struct {
		v      Value
		stored Kind
		want   bool
	}{
		{Of(Text), Number, true},
		{Str("a"), Number, true},
		{Of(Number), Text, true},
		{Of(Text), Text, false},
		{Of(Number), Number, false},
		{Of(Bool), Number, false},
		{Ref(), Number, false},
		{Ref(), Text, false},
	}
	for _, tt := range tests {
		if got := Stale(tt.v, tt.stored); got != tt.want {
			t.Errorf("Stale(%v, %v) = %v, want %v", tt.v.Kind, tt.stored, got, tt.want)
		}
	}
}

// FuzzParse checks that the classifier never panics and that what it
// tells does not depend on how the formula is written: a leading "=",
// parentheses around it, and text joined after it keep its kind and its
// value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`"U"&"77"`, `LOWER("MAX@X.TEST")`, `of:=[.A1]&"x"`, `LEFT("abc";2)`, `1+2`, `AND(A1,TRUE)`,
		`CONCATENATE("a",B2,"c")`, `MID("abcdef",2,3)`, `'Sheet 1'!A1:B2`, `SUBSTITUTE("a","a","bb")`, `REPT("x",3)`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		v := Parse(expr)
		if v.Const && v.Kind == Unknown {
			t.Fatalf("Parse(%q): a known value of no kind", expr)
		}
		if v.Const && v.Kind == Text && len(v.Text) > 4*maxText {
			t.Fatalf("Parse(%q): %d bytes of text", expr, len(v.Text))
		}
		if strings.HasPrefix(strings.Trim(expr, spaces), "=") || strings.Contains(expr, ":=") || v.Kind == Unknown {
			return
		}
		if w := Parse("=" + expr); !cmp.Equal(v, w) {
			t.Fatalf("Parse(%q) = %+v but with a leading = %+v", expr, v, w)
		}
		if w := Parse("(" + expr + ")"); !cmp.Equal(v, w) && !strings.Contains(expr, "(((") {
			t.Fatalf("Parse(%q) = %+v but in parentheses %+v", expr, v, w)
		}
		w := Parse("(" + expr + `)&"z"`)
		if w.Kind != Text {
			t.Fatalf("Parse(%q) joined with text gives %v", expr, w.Kind)
		}
		if v.Const && v.Kind == Text && len(v.Text) < maxText && (!w.Const || w.Text != v.Text+"z") && !strings.Contains(expr, "(((") {
			t.Fatalf("Parse(%q) = %q but joined with \"z\" %+v", expr, v.Text, w)
		}
	})
}

// TestTextBounded computes no text longer than a cell holds, and checks
// the size before making it: a 50-byte formula does not allocate a
// gigabyte.
func TestTextBounded(t *testing.T) {
	for _, expr := range []string{
		`=SUBSTITUTE(REPT("a",32767),"a",REPT("a",32767))`,
		`=CONCATENATE(REPT("ab",16000),REPT("ab",16000),REPT("ab",16000))`,
		`=(REPT("a",32767)&REPT("a",32767))&(REPT("a",32767)&REPT("a",32767))`,
	} {
		var v Value
		n := peakrss.Allocated(func() { v = Parse(expr) })
		if v.Const {
			t.Errorf("Parse(%q) gave %d bytes of text, more than a cell holds", expr, len(v.Text))
		}
		if n > 1<<20 {
			t.Errorf("Parse(%q) allocated %d bytes", expr, n)
		}
	}
}

// TestBudget stops computing text once a workbook's budget is spent:
// the value is marked Over, not guessed, and the budget grows with the
// formulas read.
func TestBudget(t *testing.T) {
	const expr = `=REPT("ab",16000)` // 32,000 bytes of text from 17 of formula
	bu := NewBudget()
	var spent int
	n := peakrss.Allocated(func() {
		for range 100 {
			v := bu.Parse(expr)
			if v.Over {
				break
			}
			if !v.Const || len(v.Text) != 32000 {
				t.Fatalf("Parse(%q) = %+v", expr, v)
			}
			spent += len(v.Text)
		}
	})
	if spent == 0 || spent > BudgetBase+100*BudgetPerByte*len(expr) {
		t.Fatalf("%d bytes of text computed before the budget stopped it", spent)
	}
	if n > 4*BudgetBase {
		t.Errorf("%d bytes allocated within a budget of %d", n, BudgetBase)
	}
	if v := bu.Parse(`="a"&"b"`); v.Over || v.Text != "ab" {
		t.Errorf("a small formula after the budget: %+v, want \"ab\" (its own bytes pay for it)", v)
	}
	if v := bu.Parse(`=LOWER(REPT("x",20000))&"y"`); !v.Over || v.Const {
		t.Errorf("past the budget: %+v, want Over", v)
	}
	if v := (*Budget)(nil).Parse(expr); !v.Const || len(v.Text) != 32000 {
		t.Errorf("no budget: %+v", v)
	}
}
