package convert

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// validText returns s with each byte that is not part of valid UTF-8
// quoted as \xE9, so that a message quoting bytes of a file (a name, a
// cell, a parser's error) is valid UTF-8 whatever the file holds.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			fmt.Fprintf(&b, `\x%02X`, s[i])
			i++
			continue
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// validError is an error whose text was made valid UTF-8 by validText;
// errors.Is and errors.As still see the error it stands for.
type validError struct {
	text string
	err  error
}

func (e *validError) Error() string { return e.text }
func (e *validError) Unwrap() error { return e.err }

// validErr returns err, or an error of the same chain whose text is
// valid UTF-8.
func validErr(err error) error {
	if err == nil {
		return nil
	}
	if s := err.Error(); !utf8.ValidString(s) {
		return &validError{text: validText(s), err: err}
	}
	return err
}
