package convert

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// LookupEncoding returns the encoding named by a WHATWG label ("utf-8",
// "utf-16le", "windows-1252", "latin1", "shift_jis", …), as --encoding
// takes it. The label is case-insensitive.
func LookupEncoding(label string) (encoding.Encoding, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case UTF8, "utf8":
		return unicode.UTF8, nil
	case UTF16LE, "utf16le", "utf-16", "utf16", "unicode":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), nil
	case UTF16BE, "utf16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), nil
	case Windows1252, "cp1252":
		return charmap.Windows1252, nil
	}
	e, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unknown encoding %q: use utf-8, utf-16le, utf-16be, windows-1252 or another WHATWG encoding label", label)
	}
	return e, nil
}

// NewDecoder returns a reader of r's text as UTF-8, decoded from enc (an
// encoding label as [LookupEncoding] takes it), with bom bytes of byte
// order mark skipped first. UTF-8 input passes through unchanged, but a
// UTF-8 byte order mark at the start is dropped whatever bom says.
// Invalid input becomes U+FFFD, never an error.
func NewDecoder(r io.Reader, enc string, bom int) (io.Reader, error) {
	e, err := LookupEncoding(enc)
	if err != nil {
		return nil, err
	}
	if bom > 0 {
		if _, err := io.CopyN(io.Discard, r, int64(bom)); err != nil && err != io.EOF {
			return nil, err
		}
	}
	if e == unicode.UTF8 {
		return &bomSkipper{r: r}, nil
	}
	if e == charmap.Windows1252 {
		return &cp1252Reader{r: r}, nil
	}
	return transform.NewReader(r, e.NewDecoder()), nil
}

// bomSkipper drops a UTF-8 byte order mark at the start of its input.
type bomSkipper struct {
	r       io.Reader
	started bool
	pending []byte
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if !b.started {
		b.started = true
		head := make([]byte, 3)
		n, err := io.ReadFull(b.r, head)
		head = head[:n]
		if !bytes.Equal(head, bomUTF8) {
			b.pending = head
		}
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return 0, err
		}
	}
	if len(b.pending) > 0 {
		n := copy(p, b.pending)
		b.pending = b.pending[n:]
		return n, nil
	}
	return b.r.Read(p)
}

// cp1252Reader decodes Windows-1252 to UTF-8. It does what
// charmap.Windows1252's decoder does (the same table, taken from it), but
// ASCII runs, most of any file, are copied as they are.
type cp1252Reader struct {
	r   io.Reader
	in  []byte
	buf []byte // backing array of out
	out []byte // decoded, not yet returned
	err error
}

// cp1252 maps each byte to its UTF-8 encoding.
var cp1252 = func() (t [256]string) {
	d := charmap.Windows1252.NewDecoder()
	for i := range t {
		s, _ := d.String(string([]byte{byte(i)}))
		t[i] = s
	}
	return t
}()

func (c *cp1252Reader) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		if c.in == nil {
			c.in = make([]byte, 32<<10)
		}
		n, err := c.r.Read(c.in)
		c.err = err
		buf := c.buf[:0]
		for _, b := range c.in[:n] {
			if b < 0x80 {
				buf = append(buf, b)
			} else {
				buf = append(buf, cp1252[b]...)
			}
		}
		c.buf, c.out = buf, buf
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// validUTF8 reports whether everything r gives is UTF-8, reading it in
// chunks: a file too large to hold is checked as well.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 256<<10)
	carry := 0
	for {
		n, err := r.Read(buf[carry:])
		data := buf[:carry+n]
		end := err != nil
		check := data
		if !end {
			check = trimIncomplete(data)
		}
		if !utf8.Valid(check) {
			return false, nil
		}
		carry = copy(buf, data[len(check):])
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// Delimiters convert recognises in text, in order of preference.
var delimiters = []rune{',', ';', '\t', '|'}

// SniffDelimiter returns the field separator of delimited text from its
// first lines: the candidate (comma, semicolon, tab, vertical bar) that
// the first line holds most often outside quotes, preferring one that
// the next lines hold as often. An Excel "sep=;" first line names it
// directly, and skip is then its length. Text with no candidate is comma-
// separated (a file of one column).
func SniffDelimiter(text []byte) (delim rune, skip int) {
	if len(text) >= 5 && strings.EqualFold(string(text[:4]), "sep=") {
		r, n := utf8.DecodeRune(text[4:])
		if r != utf8.RuneError && r != '\n' && r != '\r' && r != '"' {
			skip = 4 + n
			if skip < len(text) && text[skip] == '\r' {
				skip++
			}
			if skip < len(text) && text[skip] == '\n' {
				skip++
			}
			return r, skip
		}
	}
	lines := splitLines(text, 20)
	if len(lines) == 0 {
		return ',', 0
	}
	best, bestScore := ',', 0
	for _, d := range delimiters {
		first := countOutsideQuotes(lines[0], d)
		if first == 0 {
			continue
		}
		// Lines that agree with the first count double.
		score := first * 2
		for _, l := range lines[1:] {
			if countOutsideQuotes(l, d) == first {
				score += 2
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best, 0
}

// splitLines returns up to n lines of text (a quoted field's line breaks
// do not end a line), without the last one if it may be cut.
func splitLines(text []byte, n int) [][]byte {
	var lines [][]byte
	quoted, start := false, 0
	for i, c := range text {
		switch c {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				if l := bytes.TrimRight(text[start:i], "\r"); len(bytes.TrimSpace(l)) > 0 {
					lines = append(lines, l)
				}
				start = i + 1
				if len(lines) == n {
					return lines
				}
			}
		}
	}
	if l := text[start:]; len(lines) == 0 && len(bytes.TrimSpace(l)) > 0 {
		lines = append(lines, l)
	}
	return lines
}

// countOutsideQuotes counts d in line outside double-quoted parts.
func countOutsideQuotes(line []byte, d rune) int {
	n, quoted := 0, false
	for _, r := range string(line) {
		switch {
		case r == '"':
			quoted = !quoted
		case r == d && !quoted:
			n++
		}
	}
	return n
}

// DelimiterName returns how messages name a delimiter: "comma",
// "semicolon", "tab", or the character quoted.
func DelimiterName(d rune) string {
	switch d {
	case ',':
		return "comma"
	case ';':
		return "semicolon"
	case '\t':
		return "tab"
	case '|':
		return "vertical bar"
	}
	return fmt.Sprintf("%q", d)
}

// ParseDelimiter reads a --delimiter value: one character, or a name
// ("comma", "semicolon", "tab", "\t", "pipe").
func ParseDelimiter(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "comma":
		return ',', nil
	case "semicolon":
		return ';', nil
	case "tab", `\t`:
		return '\t', nil
	case "pipe", "bar":
		return '|', nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || n != len(s) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		return 0, fmt.Errorf("delimiter %q: give one character (, ; | or tab)", s)
	}
	return r, nil
}

// textReader reads the records of delimited text as rows.
type textReader struct {
	name  string
	cr    *csv.Reader
	rec   []string
	row   int // index of the current record
	line  int // physical line where it starts
	err   error
	count func() int64 // bytes of the file read so far
	size  int64
	close func() error
}

// newTextReader reads UTF-8 text separated by delim.
func newTextReader(name string, r io.Reader, delim rune) *textReader {
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &textReader{name: name, cr: cr, row: -1}
}

func (t *textReader) Next() bool {
	if t.err != nil {
		return false
	}
	rec, err := t.cr.Read()
	if err == io.EOF {
		return false
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			t.err = textSyntaxError(pe)
		} else {
			t.err = err
		}
		return false
	}
	t.rec = rec
	t.row++
	t.line, _ = t.cr.FieldPos(0)
	return true
}

// textSyntaxError explains a CSV syntax error with its position and fix.
func textSyntaxError(pe *csv.ParseError) error {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Errorf("line %d, column %d: a quote inside a field that does not start with one: quote the whole field and double each quote inside it (\"Sam \"\"The Man\"\" Lee\"), or export the file again", pe.Line, pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Errorf("line %d: a quoted field that starts on line %d never ends: close its quote, or export the file again", pe.Line, pe.StartLine)
	}
	return fmt.Errorf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
}

func (t *textReader) Row() int                    { return t.row }
func (t *textReader) Len() int                    { return len(t.rec) }
func (t *textReader) Cell(c int) (string, string) { return t.rec[c], "" }
func (*textReader) Formula(int) (bool, string)    { return false, "" }
func (t *textReader) Err() error                  { return t.err }
func (t *textReader) RowName() string             { return fmt.Sprintf("line %d", t.line) }
func (t *textReader) CellName(c int) string       { return fmt.Sprintf("line %d, field %d", t.line, c+1) }
func (t *textReader) Progress() (int64, int64) {
	if t.count == nil {
		return 0, 0
	}
	return t.count(), t.size
}

func (t *textReader) Close() error {
	if t.close != nil {
		return t.close()
	}
	return nil
}
