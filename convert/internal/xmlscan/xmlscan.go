// Package xmlscan is a small XML tokenizer for the large parts of
// spreadsheet files: the sheets and shared strings of .xlsx workbooks and
// the content of OpenDocument spreadsheets. It reads its input through a
// buffer that grows only to hold the largest single tag or text (at most
// [MaxToken] bytes), so memory does not depend on the size of the part,
// and it is several times faster than encoding/xml because it knows the
// few things a spreadsheet's XML uses: elements, attributes, text with
// entity references, comments, processing instructions and CDATA. It does
// not check well-formedness beyond what it needs; names are compared by
// their local part, so prefixed elements (<x:row>) read as well.
package xmlscan

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// Scanner reads the tokens of an XML document one at a time.
type Scanner struct {
	r        io.Reader
	buf      []byte
	pos, end int   // unread data is buf[pos:end]
	base     int64 // input offset of buf[0]
	rerr     error // the error that stopped reading, io.EOF at the end

	// The current token, valid until the next call of Next.
	Kind  Kind
	Name  []byte // local name of a start or end tag
	Qual  []byte // the name of a start tag as written, prefix included
	Attrs []byte // the raw attributes of a start tag, for [Attr]
	Empty bool   // a start tag that closes itself (<c r="A1"/>)
	Text  []byte // unescaped text of a text token

	scratch []byte // buffer of text being assembled
}

// Kind is the kind of token [Scanner.Next] found.
type Kind uint8

// The kinds of tokens.
const (
	// EOF is the end of the input, or an error ([Scanner.Err]).
	EOF Kind = iota
	// Start is a start tag (or a tag that closes itself).
	Start
	// End is an end tag.
	End
	// Text is character data.
	Text
)

// MaxToken bounds a single tag or text run: a cell holds 32,767
// characters at most, so anything far longer is a damaged file, not data
// to buffer.
const MaxToken = 16 << 20

// ErrSyntax is returned for XML the scanner cannot read.
var ErrSyntax = errors.New("malformed XML")

// New returns a scanner reading r.
func New(r io.Reader) *Scanner {
	return &Scanner{r: r, buf: make([]byte, 64<<10)}
}

// Offset returns how many bytes of input have been consumed.
func (s *Scanner) Offset() int64 { return s.base + int64(s.pos) }

// fill reads more input after the unread data, moving it to the start of
// the buffer and growing the buffer when it is full. It reports whether
// any byte was added.
func (s *Scanner) fill() bool {
	if s.rerr != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= MaxToken {
			s.rerr = ErrSyntax
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.rerr = io.ErrNoProgress
	return false
}

// Err returns the error that stopped reading, nil at a clean end.
func (s *Scanner) Err() error {
	if s.rerr == io.EOF {
		return nil
	}
	return s.rerr
}

// ErrText names an error that stopped a scan as a person can act on it:
// "malformed XML", and for a part read from a zip archive "checksum
// mismatch" or "data cut short"; another error as it says.
func ErrText(err error) string {
	switch {
	case errors.Is(err, ErrSyntax):
		return "malformed XML"
	case errors.Is(err, zip.ErrChecksum):
		return "checksum mismatch"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "data cut short"
	}
	return err.Error()
}

// Ended says why the input ended where more was due: what stopped the
// scan ([ErrText]), or else, at a clean end, the text what.
func (s *Scanner) Ended(what string) string {
	if err := s.Err(); err != nil {
		return ErrText(err)
	}
	return what
}

// Child moves to the next start tag before the end tag named end, which
// closes the element being read, reporting false at that end tag or at
// the end of the input ([Scanner.Kind] is then End or EOF). Text and the
// end tags of other elements are passed over.
func (s *Scanner) Child(end string) bool {
	for {
		switch s.Next() {
		case EOF:
			return false
		case End:
			if string(s.Name) == end {
				return false
			}
		case Start:
			return true
		}
	}
}

// index returns the index, relative to s.pos, of the first sep at or
// after s.pos+from, reading more input as needed, or -1 at the end of the
// input.
func (s *Scanner) index(from int, sep []byte) int {
	for {
		if s.pos+from <= s.end {
			if i := bytes.Index(s.buf[s.pos+from:s.end], sep); i >= 0 {
				return from + i
			}
		}
		// Keep the last len(sep)-1 bytes: sep may straddle the refill.
		from = max(from, s.end-s.pos-len(sep)+1)
		if !s.fill() {
			return -1
		}
	}
}

// tagEnd returns the index, relative to s.pos, of the '>' that ends the
// tag starting at s.pos, skipping quoted attribute values; -1 at the end
// of the input.
func (s *Scanner) tagEnd() int {
	var quote byte
	i := 1
	for {
		for ; s.pos+i < s.end; i++ {
			c := s.buf[s.pos+i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '>':
				return i
			}
		}
		if !s.fill() {
			return -1
		}
	}
}

// Next reads the next token. At the end of the input, or on an error
// (see Err), it returns EOF.
func (s *Scanner) Next() Kind {
	for {
		if s.pos >= s.end && !s.fill() {
			s.Kind = EOF
			return s.Kind
		}
		if s.buf[s.pos] != '<' {
			s.readText()
			s.Kind = Text
			return s.Kind
		}
		if s.pos+1 >= s.end && !s.fill() {
			s.rerr = ErrSyntax
			s.Kind = EOF
			return s.Kind
		}
		switch s.buf[s.pos+1] {
		case '?':
			if !s.skipPast([]byte("?>")) {
				return s.fail()
			}
			continue
		case '!':
			if s.hasPrefix("<!--") {
				if !s.skipPast([]byte("-->")) {
					return s.fail()
				}
				continue
			}
			if s.hasPrefix("<![CDATA[") {
				i := s.index(9, []byte("]]>"))
				if i < 0 {
					return s.fail()
				}
				s.Text = append(s.scratch[:0], s.buf[s.pos+9:s.pos+i]...)
				s.scratch = s.Text
				s.pos += i + 3
				s.Kind = Text
				return s.Kind
			}
			// A DOCTYPE: workbooks have none; skip it.
			i := s.tagEnd()
			if i < 0 {
				return s.fail()
			}
			s.pos += i + 1
			continue
		case '/':
			i := s.index(2, []byte(">"))
			if i < 0 {
				return s.fail()
			}
			s.Name = localName(bytes.TrimSpace(s.buf[s.pos+2 : s.pos+i]))
			s.pos += i + 1
			s.Kind = End
			return s.Kind
		}
		i := s.tagEnd()
		if i < 0 {
			return s.fail()
		}
		tag := s.buf[s.pos+1 : s.pos+i]
		s.pos += i + 1
		s.Empty = len(tag) > 0 && tag[len(tag)-1] == '/'
		if s.Empty {
			tag = tag[:len(tag)-1]
		}
		n := 0
		for n < len(tag) && !isSpace(tag[n]) {
			n++
		}
		s.Qual = tag[:n]
		s.Name = localName(s.Qual)
		s.Attrs = tag[n:]
		s.Kind = Start
		return s.Kind
	}
}

// fail ends the scan on malformed input.
func (s *Scanner) fail() Kind {
	if s.rerr == nil || s.rerr == io.EOF {
		s.rerr = ErrSyntax
	}
	s.Kind = EOF
	return s.Kind
}

// hasPrefix reports whether the unread data starts with p, reading more
// input as needed.
func (s *Scanner) hasPrefix(p string) bool {
	for s.end-s.pos < len(p) {
		if !s.fill() {
			return false
		}
	}
	return string(s.buf[s.pos:s.pos+len(p)]) == p
}

// SkipPast moves past the next occurrence of sep in the input, without
// reading tokens: a fast way past an element whose end tag is known (and
// not nested). It reports false at the end of the input.
func (s *Scanner) SkipPast(sep []byte) bool {
	for {
		if i := bytes.Index(s.buf[s.pos:s.end], sep); i >= 0 {
			s.pos += i + len(sep)
			return true
		}
		// Keep the last len(sep)-1 bytes, which may start sep: the rest
		// is skipped, so the buffer does not grow.
		s.pos = max(s.pos, s.end-len(sep)+1)
		if !s.fill() {
			return false
		}
	}
}

// Discard skips the next n bytes of input without reading tokens: a way
// to an offset recorded by an earlier pass over the same input. It
// reports false at the end of the input.
func (s *Scanner) Discard(n int64) bool {
	for n > 0 {
		if s.pos >= s.end && !s.fill() {
			return false
		}
		k := int(min(n, int64(s.end-s.pos)))
		s.pos += k
		n -= int64(k)
	}
	return true
}

// skipPast moves past the next sep; false at the end of the input.
func (s *Scanner) skipPast(sep []byte) bool {
	i := s.index(1, sep)
	if i < 0 {
		return false
	}
	s.pos += i + len(sep)
	return true
}

// readText reads the text up to the next '<' (or the end of the input)
// into s.Text, unescaped, with line ends normalised as XML requires.
func (s *Scanner) readText() {
	i := s.index(0, []byte("<"))
	if i < 0 {
		i = s.end - s.pos
	}
	raw := s.buf[s.pos : s.pos+i]
	s.pos += i
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		s.Text = raw
		return
	}
	s.Text = Unescape(s.scratch[:0], raw)
	s.scratch = s.Text
}

// SkipElement skips the content of the element whose start tag was just
// read, through its end tag.
func (s *Scanner) SkipElement() {
	if s.Empty {
		return
	}
	depth := 1
	for {
		switch s.Next() {
		case EOF:
			return
		case Start:
			if !s.Empty {
				depth++
			}
		case End:
			depth--
			if depth == 0 {
				return
			}
		}
	}
}

// ElementText returns the text of the element whose start tag was just
// read (its text tokens joined, child elements skipped), appended to dst.
func (s *Scanner) ElementText(dst []byte) []byte {
	if s.Empty {
		return dst
	}
	for {
		switch s.Next() {
		case EOF, End:
			return dst
		case Text:
			dst = append(dst, s.Text...)
		case Start:
			s.SkipElement()
		}
	}
}

// Attr returns the value of the attribute called name among the raw
// attributes a (matched by its full name, prefix included), not
// unescaped: see [Unescape].
func Attr(a []byte, name string) ([]byte, bool) {
	for len(a) > 0 {
		for len(a) > 0 && isSpace(a[0]) {
			a = a[1:]
		}
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil, false
		}
		key := bytes.TrimSpace(a[:eq])
		a = a[eq+1:]
		for len(a) > 0 && isSpace(a[0]) {
			a = a[1:]
		}
		if len(a) == 0 || (a[0] != '"' && a[0] != '\'') {
			return nil, false
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return nil, false
		}
		val := a[1 : 1+end]
		a = a[end+2:]
		if string(key) == name {
			return val, true
		}
	}
	return nil, false
}

// localName drops the namespace prefix of an XML name.
func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Unescape appends raw to dst with entity and character references
// replaced and CR LF or lone CR turned into LF. An unknown or malformed
// reference is kept as written.
func Unescape(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\r':
			dst = append(dst, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			continue
		case '&':
			semi := bytes.IndexByte(raw[i:min(len(raw), i+12)], ';')
			if semi > 1 {
				if r, ok := entity(raw[i+1 : i+semi]); ok {
					dst = utf8.AppendRune(dst, r)
					i += semi
					continue
				}
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// entity returns the character of the reference name (between & and ;).
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	var v uint64
	var err error
	if name[1] == 'x' || name[1] == 'X' {
		v, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		v, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || v > utf8.MaxRune {
		return 0, false
	}
	return rune(v), true
}
