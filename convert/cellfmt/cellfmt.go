// Package cellfmt turns a spreadsheet cell into the value a person means:
// the text they would type back into the cell, not the float a workbook
// stores. It is shared by the workbook readers of convert.
//
// The rules:
//
//   - Numbers are shown at Excel's 15 significant digits, never with an
//     exponent and never with a trailing ".0" ([Number]): 1234567890123 is
//     "1234567890123" and the result of =0.1+0.2 is "0.3".
//   - A number whose format shows a date, a date-time or a time of day is
//     written in ISO 8601 whatever the format's own layout ([ISO]):
//     "2019-03-04", "2019-03-04T08:30:00", "08:30:00"; a duration
//     ([h]:mm:ss) as hours, minutes and seconds, "32:30:00".
//   - A number whose format is made only of quoted literal text (the way
//     LibreOffice formats booleans, "TRUE";"TRUE";"FALSE") is that text.
//   - Any other format (currency, percent, thousands separators, leading
//     zeros) is ignored: the number itself is what the person means.
//   - Booleans are "TRUE" and "FALSE" ([Bool]).
//
// A [Format] is parsed once from a number format code ([Parse]) or a
// built-in format id ([Builtin]) and then renders any number of cells.
package cellfmt

import (
	"math"
	"strconv"
	"strings"
)

// Kind is what a number format shows.
type Kind uint8

// The kinds of number formats.
const (
	// KindNumber shows the number (General, 0.00, #,##0, 0%, currency…).
	KindNumber Kind = iota
	// KindDate shows a calendar date (yyyy-mm-dd, dd/mm/yyyy, mmmm d yyyy…).
	KindDate
	// KindDateTime shows a date and a time of day (dd/mm/yyyy hh:mm…).
	KindDateTime
	// KindTime shows a time of day or a duration (hh:mm, [h]:mm:ss…).
	KindTime
	// KindLiteral shows fixed text chosen by the sign of the number
	// ("TRUE";"TRUE";"FALSE").
	KindLiteral
)

// String returns the kind's name in lower case ("date-time" for
// [KindDateTime]).
func (k Kind) String() string {
	switch k {
	case KindDate:
		return "date"
	case KindDateTime:
		return "date-time"
	case KindTime:
		return "time"
	case KindLiteral:
		return "literal"
	}
	return "number"
}

// Format is a parsed number format code. The zero value is General.
type Format struct {
	kind Kind
	// elapsed is set for a time format with [h], [m] or [s]: a duration
	// whose hours may exceed 23.
	elapsed bool
	// literal holds the sections' texts when kind is KindLiteral.
	literal []literalSection
}

// literalSection is one section of a literal-only format.
type literalSection struct {
	text string
	cond *condition // nil without a [>0]-style condition
}

// condition is a section condition such as [>=100].
type condition struct {
	op  string
	val float64
}

func (c *condition) match(v float64) bool {
	switch c.op {
	case "<":
		return v < c.val
	case "<=":
		return v <= c.val
	case ">":
		return v > c.val
	case ">=":
		return v >= c.val
	case "=":
		return v == c.val
	case "<>":
		return v != c.val
	}
	return false
}

// Kind returns what the format shows.
func (f Format) Kind() Kind { return f.kind }

// Render returns the value a person means for the number v shown with the
// format f, in a workbook whose dates count from 1900 or, when date1904 is
// set, from 1904. A date outside what a spreadsheet can show (before its
// epoch or after 9999-12-31) falls back to the number.
func (f Format) Render(v float64, date1904 bool) string {
	switch f.kind {
	case KindLiteral:
		return f.literalFor(v)
	case KindDate, KindDateTime:
		if s, ok := ISO(v, f.kind, date1904); ok {
			return s
		}
	case KindTime:
		if f.elapsed {
			if s, ok := duration(v); ok {
				return s
			}
			break
		}
		if s, ok := ISO(v, KindTime, date1904); ok {
			return s
		}
	}
	return Number(v)
}

// literalFor picks the section Excel would use for v: with conditions, the
// first section whose condition holds (a section without one is the
// fallback); otherwise the first section for a positive number (and zero
// with fewer than three sections), the second for a negative one and the
// third for zero.
func (f Format) literalFor(v float64) string {
	s := f.literal
	hasCond := false
	for _, sec := range s {
		if sec.cond != nil {
			hasCond = true
		}
	}
	if hasCond {
		for _, sec := range s {
			if sec.cond == nil || sec.cond.match(v) {
				return sec.text
			}
		}
		return Number(v)
	}
	switch {
	case len(s) >= 3 && v == 0:
		return s[2].text
	case len(s) >= 2 && v < 0:
		return s[1].text
	}
	return s[0].text
}

// Bool returns "TRUE" or "FALSE", Excel's spelling.
func Bool(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// Number returns v rounded to 15 significant digits (what Excel keeps and
// shows in its formula bar) in plain decimal notation: no exponent, no
// trailing zeros after the decimal point, no "-" for zero. Very large and
// very small numbers are spelt out in full (1e20 is
// "100000000000000000000", 1.234e-6 is "0.000001234"). NaN and infinities,
// which no workbook stores, are "NaN", "+Inf" and "-Inf".
func Number(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	// Fast path for whole numbers that fit 15 digits: most IDs.
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		if v == 0 {
			return "0"
		}
		return strconv.FormatInt(int64(v), 10)
	}
	var buf [32]byte
	// d.dddddddddddddde±xx: 15 significant digits, correctly rounded.
	e := strconv.AppendFloat(buf[:0], math.Abs(v), 'e', 14, 64)
	exp, _ := strconv.Atoi(string(e[17:]))
	digits := strings.TrimRight(string(e[0:1])+string(e[2:16]), "0")
	if digits == "" {
		return "0"
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	// The value is 0.digits × 10^(exp+1): the point goes after exp+1 digits.
	point := exp + 1
	switch {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(digits)
	case point >= len(digits):
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", point-len(digits)))
	default:
		b.WriteString(digits[:point])
		b.WriteByte('.')
		b.WriteString(digits[point:])
	}
	return b.String()
}
