package plural

import (
	"strconv"
	"strings"
)

// And joins texts as a sentence does: "a", "a and b", "a, b and c".
func And(texts []string) string { return join(texts, " and ") }

// Or joins texts as a sentence does: "a", "a or b", "a, b or c".
func Or(texts []string) string { return join(texts, " or ") }

func join(texts []string, last string) string {
	if len(texts) < 2 {
		return strings.Join(texts, "")
	}
	return strings.Join(texts[:len(texts)-1], ", ") + last + texts[len(texts)-1]
}

// Quoted writes texts quoted and separated by commas ("a", "b"), cut
// with "…" once more than max characters are written: a short list for a
// message.
func Quoted(texts []string, max int) string {
	var b strings.Builder
	for i, t := range texts {
		if i > 0 {
			b.WriteString(", ")
		}
		if b.Len() > max {
			b.WriteString("…")
			break
		}
		b.WriteString(strconv.Quote(t))
	}
	return b.String()
}
