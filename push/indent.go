package push

import (
	"bufio"
	"io"
)

// indenter rewrites compact JSON, as it streams through, with the layout
// of json.Indent(dst, src, "", "  "): one element per line, two spaces a
// level, ": " after keys, empty objects and arrays kept as {} and []. The
// dump is the body sent, byte for byte once indentation is removed.
type indenter struct {
	w        *bufio.Writer
	depth    int
	inString bool
	escape   bool
	open     bool // a bracket was just opened: its newline waits for the next byte
}

func newIndenter(w io.Writer) *indenter {
	return &indenter{w: bufio.NewWriterSize(w, 256<<10)}
}

func (in *indenter) newline() {
	in.w.WriteByte('\n')
	for range in.depth {
		in.w.WriteString("  ")
	}
}

func (in *indenter) Write(p []byte) (int, error) {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if in.inString {
			// Copy the run up to the next quote or backslash at once.
			j := i
			for j < len(p) && (in.escape || (p[j] != '"' && p[j] != '\\')) {
				if in.escape {
					in.escape = false
				}
				j++
			}
			in.w.Write(p[i:j])
			if j == len(p) {
				break
			}
			in.w.WriteByte(p[j])
			if p[j] == '\\' {
				in.escape = true
			} else {
				in.inString = false
			}
			i = j
			continue
		}
		if in.open {
			in.open = false
			if c == '}' || c == ']' {
				in.depth--
				in.w.WriteByte(c)
				continue
			}
			in.newline()
		}
		switch c {
		case '"':
			in.inString = true
			in.w.WriteByte(c)
		case '{', '[':
			in.w.WriteByte(c)
			in.depth++
			in.open = true
		case '}', ']':
			in.depth--
			in.newline()
			in.w.WriteByte(c)
		case ',':
			in.w.WriteByte(c)
			in.newline()
		case ':':
			in.w.WriteString(": ")
		case ' ', '\t', '\r', '\n':
		default:
			in.w.WriteByte(c)
		}
	}
	return len(p), nil
}

// Close ends the text with a newline and flushes it.
func (in *indenter) Close() error {
	in.w.WriteByte('\n')
	return in.w.Flush()
}
