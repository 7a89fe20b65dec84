package lint

import (
	"bytes"
	"io"
)

// endTracker passes a CSV file's bytes through and notes how its records
// end, for rule line-endings: a line feed outside quotes ends a record,
// and it is a CRLF end when a carriage return comes just before it. Line
// feeds inside quoted fields are left alone, so that a spreadsheet's
// CRLF file with LF breaks inside cells is not a mix.
//
// Quotes are followed by their parity on each line, which is exact for
// RFC 4180 files (a doubled quote counts twice); a file with a bare quote
// has its own csv-syntax finding.
type endTracker struct {
	r       io.Reader
	line    int  // line feeds seen so far
	quoted  bool // inside a quoted field at the end of what was read
	lastCR  bool // the last byte read was a carriage return
	first   int  // the ending of the first record: 0 none yet, 1 LF, 2 CRLF
	mixLine int  // the first line whose record end differs, 0 for none
}

func (t *endTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.scan(p[:n])
	return n, err
}

// scan follows the line feeds and quotes of the next bytes of the file.
func (t *endTracker) scan(b []byte) {
	if len(b) == 0 {
		return
	}
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		seg := b
		if i >= 0 {
			seg = b[:i]
		}
		if bytes.Count(seg, []byte{'"'})%2 == 1 {
			t.quoted = !t.quoted
		}
		if i < 0 {
			t.lastCR = seg[len(seg)-1] == '\r'
			return
		}
		cr := i > 0 && b[i-1] == '\r' || i == 0 && t.lastCR
		t.line++
		if !t.quoted && t.mixLine == 0 {
			kind := 1
			if cr {
				kind = 2
			}
			switch {
			case t.first == 0:
				t.first = kind
			case kind != t.first:
				t.mixLine = t.line
			}
		}
		t.lastCR = false
		b = b[i+1:]
	}
}

// mixed returns the first line whose record end differs from the first
// record's, the ending of line 1's record and that line's, or ok false.
func (t *endTracker) mixed() (line int, firstEnd, thisEnd string, ok bool) {
	if t.mixLine == 0 {
		return 0, "", "", false
	}
	names := [...]string{1: "LF", 2: "CRLF"}
	return t.mixLine, names[t.first], names[3-t.first], true
}
