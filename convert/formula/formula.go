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

// Concat is a & b: text, known when both are.
func Concat(a, b Value) Value {
	x, okA := a.text()
	y, okB := b.text()
	if okA && okB {
		return Str(x + y)
	}
	return Of(Text)
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
// arguments are computed; TRUE() and FALSE() are constants.
func Call(name string, args []Value) Value {
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
	if v, ok := textFunction(name, args); ok {
		return Str(v)
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

// maxText bounds the texts computed: a cell holds 32,767 characters.
const maxText = 32767

// textFunction computes a text function of constant arguments, the way
// spreadsheets do, or reports false (an argument not known, a count out
// of range: the spreadsheet's #VALUE!).
func textFunction(name string, args []Value) (string, bool) {
	texts := make([]string, len(args))
	for i, a := range args {
		t, ok := a.text()
		if !ok {
			return "", false
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
	var out string
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
		out = strings.Join(texts, "")
	case (name == "LEFT" || name == "RIGHT") && (len(args) == 1 || len(args) == 2):
		n, ok := count(1, 1)
		if !ok {
			return "", false
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
			return "", false
		}
		r := []rune(texts[0])
		from := min(start-1, len(r))
		out = string(r[from:min(from+n, len(r))])
	case name == "SUBSTITUTE" && len(args) == 3 && texts[1] != "":
		out = strings.ReplaceAll(texts[0], texts[1], texts[2])
	case name == "SUBSTITUTE" && len(args) == 3:
		out = texts[0]
	case name == "REPT" && len(args) == 2:
		n, ok := count(1, -1)
		if !ok || n*len(texts[0]) > maxText {
			return "", false
		}
		out = strings.Repeat(texts[0], n)
	default:
		return "", false
	}
	if utf8.RuneCountInString(out) > maxText {
		return "", false
	}
	return out, true
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
