package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity is how much a finding matters. Errors block a push; warnings
// and infos do not.
type Severity int

// The severities, from least to most serious. Off disables a rule.
const (
	Off Severity = iota
	Info
	Warning
	Error
)

// String returns the severity as docs/rules.md spells it: "error", "warning",
// "info" or "off".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "off"
}

// MarshalText writes the severity as its name, so JSON shows "error".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity reads "error", "warning", "info" or "off" (any case).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info", "note":
		return Info, nil
	case "off", "none":
		return Off, nil
	}
	return Off, fmt.Errorf("unknown severity %q (use error, warning, info or off)", s)
}

// Finding is one problem found in the input, at a position a person can
// open in an editor.
type Finding struct {
	// Rule is the stable rule ID of docs/rules.md, such as "language-value".
	Rule string
	// Severity is the rule's severity after --rule overrides.
	Severity Severity
	// File is the path as the user can open it: relative to the working
	// folder when under it, else absolute.
	File string
	// Line is the 1-based physical line where the record or field starts;
	// 0 when the finding is about the whole file.
	Line int
	// Column is the 1-based byte column of the field's first byte, as
	// encoding/csv's FieldPos counts it; 0 for a whole row or file.
	Column int
	// Field is the column name the finding is about, if any.
	Field string
	// Value is the offending value, if any.
	Value string
	// Message says what is wrong, in lower case with no final period.
	Message string
	// Hint says how to fix it, if there is something to say.
	Hint string
	// Path is the whole path of a cycle (rule cycle), team ids from the
	// closing row's team back to it; the message shows at most 20.
	Path []string
	// UTF16Column is Column counted in UTF-16 code units of its line, as
	// SARIF counts columns (a BOM not counted); 0 when Column is 0 or the
	// file could not be read again. [Run] fills it.
	UTF16Column int
	// Key names what the finding is about apart from its position: the id
	// of its row (a user or team id; a mapping row's team and target),
	// "header:" and a column for the header, a config key; "" when
	// nothing names it. SARIF's partialFingerprints are made from it, so
	// that an alert stays the same when lines move.
	Key string
}

// String formats the finding as the text output does, without the hint:
// file:line:col: severity: message [rule].
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", f.File, f.Line, f.Column, f.Severity, f.Message, f.Rule)
}

// SortFindings orders findings by file, line, column and rule, then by
// message so that the order is total and output is deterministic.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}
