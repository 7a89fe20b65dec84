// Package formula tells, from a spreadsheet formula alone, what kind of
// value it gives (text, a number, a boolean) and, for the simple formulas
// made only of constants, text operators and text functions, the value
// itself. The workbook readers of convert use it to catch results that
// cannot be right: a formula whose tokens can only give text but whose
// stored result is a number is a stale cache, not a value.
//
// Two front ends feed the same [Value] operations: [Parse] reads a formula
// as written in .xlsx and .ods files (Excel's A1 syntax or OpenFormula's
// "of:=[.A1]"), and the .xls reader builds values from the parsed tokens
// of its FORMULA records with [Concat], [Call] and the others. Anything
// the package does not know (references, names, unknown functions, IF)
// gives [Unknown]: no judgement, never a guess.
package formula

import (
	"math"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/ovsync/ovsync/convert/cellfmt"
)

// Kind is the kind of value a formula can be told to give.
type Kind uint8

// The kinds of results.
const (
	// Unknown is a formula whose kind of result depends on the data.
	Unknown Kind = iota
	// Text is a formula that gives text (or an error), never a number.
	Text
	// Number is a formula that gives a number (or an error), never text.
	Number
	// Bool is a formula that gives TRUE or FALSE (or an error).
	Bool
)

// String names the kind for messages: "text", "a number", "a boolean".
func (k Kind) String() string {
	switch k {
	case Text:
		return "text"
	case Number:
		return "a number"
	case Bool:
		return "a boolean"
	}
	return "unknown"
}

// Value is what a formula, or a part of one, gives.
type Value struct {
	// Kind is the kind of value given.
	Kind Kind
	// Const reports that the value is known: Text, Num or Bool (by Kind)
	// holds it.
	Const bool
	// Text, Num and B hold the known value of a Text, Number or Bool.
	Text string
	Num  float64
	B    bool
	// Missing marks an argument left out (LEFT("a",)).
	Missing bool
	// Over marks a value not computed because its computation would go
	// past the workbook's [Budget]: not known, and a cell that needs it
	// is to be refused, naming the budget.
	Over bool
}

// Str is the text constant s.
func Str(s string) Value { return Value{Kind: Text, Const: true, Text: s} }

// Num is the number constant v.
func Num(v float64) Value { return Value{Kind: Number, Const: true, Num: v} }

// Boolean is the boolean constant b.
func Boolean(b bool) Value { return Value{Kind: Bool, Const: true, B: b} }

// Ref is a reference, a name or anything else whose value depends on the
// workbook.
func Ref() Value { return Value{} }

// Missing is an argument left out.
func Missing() Value { return Value{Missing: true} }

// Of is a value of kind k that is not known.
func Of(k Kind) Value { return Value{Kind: k} }

// text returns a constant as text, as & and the text functions convert it.
func (v Value) text() (string, bool) {
	if !v.Const {
		return "", v.Missing
	}
	switch v.Kind {
	case Text:
		return v.Text, true
	case Number:
		return cellfmt.Number(v.Num), true
	case Bool:
		return cellfmt.Bool(v.B), true
	}
	return "", false
}

// number returns a constant as a number, as text functions read counts.
func (v Value) number() (float64, bool) {
	if !v.Const {
		return 0, false
	}
	switch v.Kind {
	case Number:
		return v.Num, true
	case Bool:
		if v.B {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// Concat is a & b: text, known when both are. It bounds nothing but the
// text's length: see [Budget.Concat].
func Concat(a, b Value) Value { return (*Budget)(nil).Concat(a, b) }

// Concat is a & b: text, known when both are (and the result fits in a
// cell) and the budget allows it.
func (bu *Budget) Concat(a, b Value) Value {
	x, okA := a.text()
	y, okB := b.text()
	switch {
	case !okA && !a.Over, !okB && !b.Over:
		return Of(Text) // a value not known: none to compute
	case a.Over || b.Over:
		return overBudget() // one that was not computed
	}
	if len(x)+len(y) > maxTextBytes {
		return Of(Text) // past what a cell holds: the spreadsheet's #VALUE!
	}
	if !bu.spend(len(x) + len(y)) {
		return overBudget()
	}
	out := x + y
	if utf8.RuneCountInString(out) > maxText {
		return Of(Text)
	}
	return Str(out)
}

// Arith is an arithmetic operation (+ - * / ^, unary minus, %): a number
// or an error, whatever its operands.
func Arith() Value { return Of(Number) }

// Compare is a comparison (= <> < > <= >=): a boolean.
func Compare() Value { return Of(Bool) }

// functions are the kinds of result of the functions whose kind does not
// depend on their arguments. Those of kind Text with an entry in textFuncs
// are computed when their arguments are constants.
var functions = map[string]Kind{
	// Text.
	"LOWER": Text, "UPPER": Text, "PROPER": Text, "TRIM": Text, "CONCATENATE": Text, "CONCAT": Text,
	"LEFT": Text, "RIGHT": Text, "MID": Text, "SUBSTITUTE": Text, "TEXT": Text, "REPT": Text,
	"CHAR": Text, "CLEAN": Text, "T": Text, "REPLACE": Text, "DOLLAR": Text, "FIXED": Text,
	"TEXTJOIN": Text, "UNICHAR": Text, "LEFTB": Text, "RIGHTB": Text, "MIDB": Text,
	// Numbers.
	"LEN": Number, "VALUE": Number, "SUM": Number, "COUNT": Number, "COUNTA": Number, "COUNTIF": Number,
	"AVERAGE": Number, "MIN": Number, "MAX": Number, "ROUND": Number, "INT": Number, "ABS": Number,
	"FIND": Number, "SEARCH": Number, "CODE": Number, "DATE": Number, "YEAR": Number, "MONTH": Number,
	"DAY": Number, "ROW": Number, "COLUMN": Number, "N": Number, "MOD": Number, "TODAY": Number,
	"NOW": Number, "SUMIF": Number, "PI": Number, "ROWS": Number, "COLUMNS": Number, "DATEVALUE": Number,
	// Booleans.
	"AND": Bool, "OR": Bool, "NOT": Bool, "TRUE": Bool, "FALSE": Bool, "ISBLANK": Bool, "ISNUMBER": Bool,
	"ISTEXT": Bool, "ISERROR": Bool, "ISNA": Bool, "EXACT": Bool, "ISERR": Bool, "ISLOGICAL": Bool,
}

// Call is the function name (upper case, without prefixes such as
// _xlfn. or ORG.OPENOFFICE.) applied to args. Text functions of constant
// arguments are computed; TRUE() and FALSE() are constants. It bounds
// nothing but the text's length: see [Budget.Call].
func Call(name string, args []Value) Value { return (*Budget)(nil).Call(name, args) }

// Call is [Call] within the budget: a text function whose result would go
// past it gives a Value with Over set.
func (bu *Budget) Call(name string, args []Value) Value {
	name = canonical(name)
	k, ok := functions[name]
	if !ok {
		return Ref()
	}
	switch name {
	case "TRUE", "FALSE":
		if len(args) == 0 {
			return Boolean(name == "TRUE")
		}
	}
	if k != Text {
		return Of(k)
	}
	over := false
	for _, a := range args {
		if _, known := a.text(); !known && !a.Over {
			return Of(Text) // a value not known: none to compute
		}
		over = over || a.Over
	}
	if over {
		return overBudget() // one that was not computed
	}
	v, ok, over := textFunction(name, args, bu)
	switch {
	case ok:
		return Str(v)
	case over:
		return overBudget()
	}
	return Of(Text)
}

// canonical drops the namespace prefixes that .xlsx and .ods files put
// before newer functions' names.
func canonical(name string) string {
	name = strings.ToUpper(name)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// maxText bounds the texts computed: a cell holds 32,767 characters;
// maxTextBytes is their most bytes in UTF-8.
const (
	maxText      = 32767
	maxTextBytes = 4 * maxText
)

// Budget bounds the work of computing the formulas of one workbook, in a
// unit that does not depend on the machine's speed: the bytes of text
// that & and the text functions produce. It starts at [BudgetBase] bytes
// and grows by [BudgetPerByte] for each byte of formula read ([Budget.Parse],
// [Budget.Credit]), so the work, and the memory it allocates, stay in
// proportion to the workbook. A computation that would go past it gives a
// [Value] with Over set. A Budget may be used by several goroutines; a
// nil *Budget bounds each text only, to the 32,767 characters of a cell.
type Budget struct {
	left atomic.Int64
}

// The budget of a workbook: a start, and bytes for each byte of formula.
const (
	BudgetBase    = 1 << 20
	BudgetPerByte = 16
)

// NewBudget returns the budget of a workbook.
func NewBudget() *Budget {
	bu := &Budget{}
	bu.left.Store(BudgetBase)
	return bu
}

// Credit adds the allowance of n bytes of formula read (a formula's
// tokens in a binary workbook).
func (bu *Budget) Credit(n int) {
	if bu != nil {
		bu.left.Add(BudgetPerByte * int64(n))
	}
}

// spend takes n bytes of text from the budget, reporting false (and
// taking nothing) when fewer are left.
func (bu *Budget) spend(n int) bool {
	if bu == nil {
		return true
	}
	for {
		left := bu.left.Load()
		if int64(n) > left {
			return false
		}
		if bu.left.CompareAndSwap(left, left-int64(n)) {
			return true
		}
	}
}

// overBudget is a value not computed for want of budget.
func overBudget() Value { return Value{Kind: Text, Over: true} }

// OverBudget is why a formula cell past the budget has no value, for
// messages.
const OverBudget = "a formula whose computation goes past ovsync's budget for a workbook (in bytes of text computed, 1 MiB and 16 for each byte of formula)"

// textFunction computes a text function of constant arguments, the way
// spreadsheets do, or reports false (an argument not known, a count out
// of range: the spreadsheet's #VALUE!).
func textFunction(name string, args []Value, bu *Budget) (out string, ok, over bool) {
	texts := make([]string, len(args))
	for i, a := range args {
		t, ok := a.text()
		if !ok {
			return "", false, false
		}
		texts[i] = t
	}
	count := func(i int, def float64) (int, bool) {
		if i >= len(args) || args[i].Missing {
			return int(def), i >= len(args) || def >= 0
		}
		n, ok := args[i].number()
		if !ok || n < 0 || n > maxText {
			return 0, false
		}
		return int(n), true
	}
	switch {
	case len(args) == 1 && name == "LOWER":
		out = strings.ToLower(texts[0])
	case len(args) == 1 && name == "UPPER":
		out = strings.ToUpper(texts[0])
	case len(args) == 1 && name == "PROPER":
		out = proper(texts[0])
	case len(args) == 1 && name == "TRIM":
		out = strings.Join(strings.FieldsFunc(texts[0], func(r rune) bool { return r == ' ' }), " ")
	case (name == "CONCATENATE" || name == "CONCAT") && len(args) > 0:
		n := 0
		for _, t := range texts {
			n += len(t)
		}
		if n > maxTextBytes {
			return "", false, false
		}
		if !bu.spend(n) {
			return "", false, true
		}
		out = strings.Join(texts, "")
	case (name == "LEFT" || name == "RIGHT") && (len(args) == 1 || len(args) == 2):
		n, ok := count(1, 1)
		if !ok {
			return "", false, false
		}
		r := []rune(texts[0])
		n = min(n, len(r))
		if name == "LEFT" {
			out = string(r[:n])
		} else {
			out = string(r[len(r)-n:])
		}
	case name == "MID" && len(args) == 3:
		start, ok1 := count(1, -1)
		n, ok2 := count(2, -1)
		if !ok1 || !ok2 || start < 1 {
			return "", false, false
		}
		r := []rune(texts[0])
		from := min(start-1, len(r))
		out = string(r[from:min(from+n, len(r))])
	case name == "SUBSTITUTE" && len(args) == 3 && texts[1] != "":
		n := len(texts[0]) + strings.Count(texts[0], texts[1])*(len(texts[2])-len(texts[1]))
		if n > maxTextBytes {
			return "", false, false
		}
		if !bu.spend(n) {
			return "", false, true
		}
		out = strings.ReplaceAll(texts[0], texts[1], texts[2])
	case name == "SUBSTITUTE" && len(args) == 3:
		out = texts[0]
	case name == "REPT" && len(args) == 2:
		n, ok := count(1, -1)
		if !ok || n*len(texts[0]) > maxText {
			return "", false, false
		}
		if !bu.spend(n * len(texts[0])) {
			return "", false, true
		}
		out = strings.Repeat(texts[0], n)
	default:
		return "", false, false
	}
	if utf8.RuneCountInString(out) > maxText {
		return "", false, false
	}
	return out, true, false
}

// proper capitalises the first letter of each run of letters and lowers
// the others, as PROPER does.
func proper(s string) string {
	var b strings.Builder
	prev := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if prev {
				r = unicode.ToLower(r)
			} else {
				r = unicode.ToUpper(r)
			}
			prev = true
		} else {
			prev = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Stale reports whether a stored result of kind stored cannot be the
// result of a formula that gives v: text stored for a formula that gives
// a number, or a number for one that gives text. Booleans are not judged:
// some programs store them as the numbers 1 and 0.
func Stale(v Value, stored Kind) bool {
	switch {
	case v.Kind == Text && stored == Number, v.Kind == Number && stored == Text:
		return true
	}
	return false
}

// isFinite reports whether v is a number a workbook can hold.
func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
