package lint

import (
	"fmt"
	"unicode/utf8"
)

// FieldLimit returns the most characters (not bytes) Officevibe's importers
// take in the column of role, as its help pages document them: 50 for a
// first name, a last name and a team name, 255 for a job title; 0 for a
// column without a documented limit. Rule field-length reports values over
// it; ovsync build refuses them.
func FieldLimit(r Role) int {
	switch r {
	case UserFirstName, UserLastName, TeamName:
		return 50
	case UserJobTitle:
		return 255
	}
	return 0
}

// overLimit returns the message and hint of a value of the column of role
// that is longer than its limit, or "" when it is not.
func overLimit(r Role, column, value string) (msg, hint string) {
	limit := FieldLimit(r)
	if limit == 0 || len(value) <= limit { // a rune has at least one byte
		return "", ""
	}
	n := utf8.RuneCountInString(value)
	if n <= limit {
		return "", ""
	}
	return fmt.Sprintf("%s %s has %d characters, over Officevibe's limit of %d", column, quoted(value), n, limit),
		fmt.Sprintf("shorten it to %d characters or fewer: Officevibe's import takes no more", limit)
}

// checkLimits reports the values of the file's columns that have a limit
// and go over it.
func (fr *fileReader) checkLimits(rec *Record, vals []string, roles ...Role) {
	for _, r := range roles {
		i := fr.header.Col(r)
		if i < 0 || i >= len(vals) {
			continue
		}
		if msg, hint := overLimit(r, fr.header.Names[i], vals[i]); msg != "" {
			fr.fieldFinding(rec, i, RuleFieldLength, msg, hint)
		}
	}
}

// ValidImageURL reports whether s is empty or an absolute http(s) URL, as
// the users schema's image-url constraint defines it.
func ValidImageURL(s string) bool {
	cs, err := builtinSchema("users")
	if err != nil {
		return false
	}
	for _, c := range cs.checks["imageUrl"] {
		if c.rule == RuleImageURL && !c.valid(s) {
			return false
		}
	}
	return true
}
