package lint

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/ovsync/ovsync/internal/lineends"
	"github.com/ovsync/ovsync/internal/plural"
)

// Record is one CSV record with the position of every field.
//
// Lines are 1-based physical lines: a quoted field with embedded newlines
// counts its lines. Columns are 1-based byte columns of the field's first
// byte (its opening quote when quoted), as encoding/csv's FieldPos reports.
type Record struct {
	// Line is the line where the record starts.
	Line int
	// Fields are the field values. With [CSVReader] reuse, they are valid
	// until the next call to Next: clone what you keep.
	Fields []string
	// Broken is set when the record could not be read whole (a csv-syntax
	// finding was reported): Fields then holds the fields before the bad
	// one, good enough to recognise an id but not to check.
	Broken bool

	pos [][2]int
}

// Pos returns the line and column of field i.
func (r *Record) Pos(i int) (line, col int) {
	if i < 0 || i >= len(r.pos) {
		return r.Line, 0
	}
	return r.pos[i][0], r.pos[i][1]
}

// CSVReader reads a CSV file as [Record] values, reporting the problems
// that docs/rules.md names at the file and CSV level (encoding, delimiter,
// csv-syntax) as findings, and keeps reading after a problem wherever the
// rest of the file can still be read.
//
// It is built on encoding/csv, which gives exact field positions. When a
// quote is malformed, encoding/csv reports where the parser noticed it,
// not where the field began; when the input is an [io.ReaderAt] (a file),
// the reader scans that one record again to name the field's start.
// Memory does not grow with the file: one record at a time.
type CSVReader struct {
	name   string
	src    io.ReaderAt // the input, for rescanning a malformed record; may be nil
	base   int64       // bytes skipped before the CSV data (a UTF-8 BOM)
	cr     *csv.Reader
	comma  rune
	report func(Finding)
	rec    Record
	done   bool
	failed bool // the file cannot be read as UTF-8 CSV at all
	badUTF bool
	fromCR bool // lines end with a lone CR, read as LF (see lineends.FromCR)

	ends     *endTracker // how records end, for line-endings; nil with CR line ends
	nextLine int         // the line after the last record, 0 when unknown
	width    int         // the number of fields of the first record (the header)
}

// NewCSVReader returns a reader for the CSV data in r, named name in
// findings. Findings go to report as they are found. If r is an
// [io.ReaderAt] positioned at its start (an *os.File just opened, a
// *bytes.Reader), positions of malformed quotes name the field's start.
//
// UTF-16 input is reported (rule encoding) and yields no records; a UTF-8
// BOM is skipped; a header separated by semicolons or tabs is reported
// (rule delimiter) and the file is then read with that separator, so that
// the rest of it is still checked.
func NewCSVReader(name string, r io.Reader, report func(Finding)) *CSVReader {
	c := &CSVReader{name: name, comma: ',', report: report, nextLine: 1}
	if ra, ok := r.(io.ReaderAt); ok && canReadAt(r) {
		c.src = ra
	}
	c.ends = &endTracker{r: r}
	br := bufio.NewReaderSize(c.ends, 64<<10)
	head, _ := br.Peek(4096)
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		c.fail(1, "the file is UTF-16 text, not UTF-8",
			`convert it to UTF-8: "ovsync convert --out DIR FILE" or save it as "CSV UTF-8"`)
		return c
	case looksUTF16(head):
		c.fail(1, "the file is UTF-16 text without a byte order mark, not UTF-8",
			`convert it to UTF-8: "ovsync convert --encoding utf-16le --out DIR FILE" or save it as "CSV UTF-8"`)
		return c
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		c.base = 3
		head = head[3:]
	}
	var in io.Reader = br
	if bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0 {
		// Classic Mac OS line ends: read each CR as a line end, so that
		// lines and rows are still told apart.
		c.report(Finding{Rule: RuleCSVSyntax, File: name, Line: 1,
			Message: "lines end with a lone carriage return (old Mac OS format)",
			Hint:    "save the file with Windows (CRLF) or Unix (LF) line ends"})
		in = lineends.FromCR(br)
		// A malformed record is scanned again the same way: FromCR keeps
		// every byte's offset, so positions stay those of the file.
		c.fromCR = true
		c.ends = nil // every line ends alike
	}
	if d := sniffDelimiter(head); d != ',' {
		sepName := "semicolons"
		if d == '\t' {
			sepName = "tabs"
		}
		c.report(Finding{Rule: RuleDelimiter, File: name, Line: 1,
			Message: fmt.Sprintf("the header is separated by %s, not commas", sepName),
			Hint:    `Officevibe reads comma-separated files: export as "CSV (comma delimited)" or run "ovsync convert --out DIR FILE"`})
		c.comma = d
	}
	c.cr = csv.NewReader(in)
	c.cr.Comma = c.comma
	c.cr.FieldsPerRecord = -1
	c.cr.ReuseRecord = true
	return c
}

// canReadAt reports whether r, an [io.ReaderAt], can really read at an
// offset: a pipe or a terminal opened as a file cannot.
func canReadAt(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return true
	}
	st, err := f.Stat()
	return err == nil && st.Mode().IsRegular()
}

// fail reports a file-level encoding problem and ends reading.
func (c *CSVReader) fail(line int, msg, hint string) {
	c.report(Finding{Rule: RuleEncoding, File: c.name, Line: line, Message: msg, Hint: hint})
	c.done = true
	c.failed = true
}

// Failed reports whether the file could not be read at all (UTF-16).
func (c *CSVReader) Failed() bool { return c.failed }

// Offset returns the number of bytes of the CSV data read so far.
func (c *CSVReader) Offset() int64 {
	if c.cr == nil {
		return 0
	}
	return c.base + c.cr.InputOffset()
}

// Comma returns the field separator the file is read with.
func (c *CSVReader) Comma() rune { return c.comma }

// Next returns the next record, or io.EOF at the end of the input. Any
// other error is an I/O error reading the input. A record that could not
// be read whole comes back with Broken set after its finding was reported.
func (c *CSVReader) Next() (*Record, error) {
	if c.done {
		return nil, io.EOF
	}
	start := c.cr.InputOffset()
	fields, err := c.cr.Read()
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		c.done = true
		c.endings()
		return nil, io.EOF
	case errors.As(err, &pe):
		// An unterminated quote swallows the rest of the file.
		unterminated := errors.Is(pe.Err, csv.ErrQuote) && !c.moreAfter()
		c.done = unterminated
		c.fill(fields)
		c.rec.Broken = !c.syntax(pe, start, unterminated)
		c.rec.Line = pe.StartLine
		if !c.rec.Broken && !c.badUTF {
			c.checkUTF8()
		}
		c.blankLines()
		if unterminated {
			c.endings()
		}
		return &c.rec, nil
	case err != nil:
		c.done = true
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	c.fill(fields)
	c.rec.Broken = false
	c.rec.Line = c.rec.pos[0][0]
	if !c.badUTF {
		c.checkUTF8()
	}
	c.blankLines()
	return &c.rec, nil
}

// blankLines reports the empty lines that encoding/csv skipped before
// the record just read (rule blank-line), one finding per run of them,
// and notes where the record ends. After a broken record, where it ends
// is not known for sure, and the next gap is not reported.
func (c *CSVReader) blankLines() {
	rec := &c.rec
	if c.width == 0 {
		c.width = len(rec.Fields)
	}
	if n := rec.Line - c.nextLine; c.nextLine > 0 && n > 0 {
		where := "between records"
		if c.nextLine == 1 {
			where = "before the header"
		}
		msg := "an empty line " + where
		if n > 1 {
			msg = fmt.Sprintf("%d empty lines %s (lines %d to %d)", n, where, c.nextLine, rec.Line-1)
		}
		c.report(Finding{Rule: RuleBlankLine, File: c.name, Line: c.nextLine, Message: msg,
			Hint: "remove the empty lines: some readers take an empty line for a row with no values, others for the end of the file"})
	}
	c.nextLine = 0
	if rec.Broken || len(rec.Fields) == 0 {
		return
	}
	last := len(rec.Fields) - 1
	end := rec.pos[last][0] + strings.Count(rec.Fields[last], "\n")
	c.nextLine = end + 1
	if end > rec.Line {
		c.runawayQuote()
	}
}

// runawayQuote reports a quoted field of the record just read that looks
// like a missing closing quote (rule runaway-quote): it spans more than
// 3 lines, or a line of it reads as a whole record of the file.
func (c *CSVReader) runawayQuote() {
	for i, v := range c.rec.Fields {
		breaks := strings.Count(v, "\n")
		if breaks == 0 {
			continue
		}
		line, col := c.rec.Pos(i)
		recordAt := 0
		if c.width > 1 {
			rest := v
			for k := 1; k <= breaks; k++ {
				_, rest, _ = strings.Cut(rest, "\n")
				seg, _, _ := strings.Cut(rest, "\n")
				if strings.Count(seg, string(c.comma))+1 == c.width {
					recordAt = line + k
					break
				}
			}
		}
		if breaks < 3 && recordAt == 0 {
			continue
		}
		msg := fmt.Sprintf("quoted field runs from line %d to line %d, swallowing %s", line, line+breaks, plural.Count(breaks, "line", "lines"))
		if recordAt > 0 {
			msg += fmt.Sprintf("; line %d reads as a row of its own", recordAt)
		}
		c.report(Finding{Rule: RuleRunawayQuote, File: c.name, Line: line, Column: col, Value: v, Message: msg,
			Hint: `close the quote where the field should end (a quote meant as text is doubled: "")`})
	}
}

// endings reports, once the whole file is read, a mix of CRLF and LF
// record ends (rule line-endings).
func (c *CSVReader) endings() {
	if c.ends == nil || c.failed {
		return
	}
	line, first, this, ok := c.ends.mixed()
	if !ok {
		return
	}
	c.report(Finding{Rule: RuleLineEndings, File: c.name, Line: line,
		Message: fmt.Sprintf("line %d ends with %s, but line 1 ends with %s: the file mixes line ends", line, this, first),
		Hint:    fmt.Sprintf("save the file with one kind of line end throughout (%s, as line 1)", first)})
}

// moreAfter reports whether the csv reader can still return records after
// a quote error, that is, whether the error was not at the end of input.
func (c *CSVReader) moreAfter() bool {
	if c.src == nil {
		return true
	}
	var b [1]byte
	n, _ := c.src.ReadAt(b[:], c.base+c.cr.InputOffset())
	return n == 1
}

// fill copies the fields and their positions into the reused record.
func (c *CSVReader) fill(fields []string) {
	c.rec.Fields = fields
	c.rec.pos = c.rec.pos[:0]
	for i := range fields {
		l, col := c.cr.FieldPos(i)
		c.rec.pos = append(c.rec.pos, [2]int{l, c.fileColumn(l, col)})
	}
}

// fileColumn turns a column of the data after a skipped UTF-8 BOM into
// the byte column in the file, as encoding/csv counts it on the file's
// bytes: the BOM belongs to the first field, which still starts at
// column 1, and moves every later field of line 1 by its three bytes.
func (c *CSVReader) fileColumn(line, col int) int {
	if line == 1 && col > 1 {
		return col + int(c.base)
	}
	return col
}

// syntax reports a malformed quote at the start of the field it is in.
// A record whose only fault is a bare quote is read again leniently, the
// quote kept as text, so that the rest of it is still checked; it returns
// true then and the record is filled.
func (c *CSVReader) syntax(pe *csv.ParseError, start int64, unterminated bool) (recovered bool) {
	line, col := pe.Line, pe.Column
	if errors.Is(pe.Err, csv.ErrQuote) {
		// encoding/csv notices an unclosed quote past the end of the
		// input: without reading the record again, the row is all that
		// is known.
		line, col = pe.StartLine, 0
	}
	if c.src != nil {
		sc := scanRecord(c.src, c.base+start, pe.StartLine, c.comma, c.fromCR)
		if sc.bad >= 0 {
			line, col = sc.pos[sc.bad][0], c.fileColumn(sc.pos[sc.bad][0], sc.pos[sc.bad][1])
		}
		// encoding/csv drops the rest of the line with a bare quote: the
		// lenient reading is used only if it ends where csv goes on.
		if sc.ok && errors.Is(pe.Err, csv.ErrBareQuote) && sc.end == c.base+c.cr.InputOffset() {
			c.rec.Fields = append(c.rec.Fields[:0], sc.fields...)
			c.rec.pos = c.rec.pos[:0]
			for _, p := range sc.pos {
				c.rec.pos = append(c.rec.pos, [2]int{p[0], c.fileColumn(p[0], p[1])})
			}
			recovered = true
		}
	}
	f := Finding{Rule: RuleCSVSyntax, File: c.name, Line: line, Column: col}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		f.Message = "bare quote in an unquoted field"
		f.Hint = `quote the whole field and double each quote inside it: "Sam ""The Man"" Lee"`
	case unterminated:
		f.Message = "quoted field is never closed: the rest of the file is inside it"
		f.Hint = "add the closing quote, or double a quote meant as text (\"\")"
	case errors.Is(pe.Err, csv.ErrQuote):
		f.Message = "quote inside a quoted field is not doubled, or text follows the closing quote"
		f.Hint = "double a quote meant as text (\"\"), and put a comma right after the closing quote"
	default:
		f.Message = pe.Err.Error()
	}
	c.report(f)
	return recovered
}

// checkUTF8 reports the first field holding bytes that are not UTF-8,
// once per file, on the line of the first bad byte: at the field's start
// when the byte is on the field's first line, else at the byte itself
// (the field starts on another line).
func (c *CSVReader) checkUTF8() {
	for i, v := range c.rec.Fields {
		if utf8.ValidString(v) {
			continue
		}
		c.badUTF = true
		line, col := c.rec.pos[i][0], c.rec.pos[i][1]
		bad := firstInvalid(v)
		if nl := bytes.Count([]byte(v[:bad]), []byte{'\n'}); nl > 0 {
			line += nl
			col = bad - bytes.LastIndexByte([]byte(v[:bad]), '\n')
		}
		msg := fmt.Sprintf("byte 0x%02X is not UTF-8", v[bad])
		hint := `save the file as "CSV UTF-8", or run "ovsync convert --out DIR FILE"`
		if looksWindows1252(v[bad:]) {
			msg += " (the file looks like Windows-1252 or Latin-1)"
			hint = `re-encode it as UTF-8: "ovsync convert --encoding windows-1252 --out DIR FILE", or save it as "CSV UTF-8"`
		}
		c.report(Finding{Rule: RuleEncoding, File: c.name, Line: line, Column: col, Value: v, Message: msg, Hint: hint})
		return
	}
}

// firstInvalid returns the byte offset of the first invalid UTF-8 sequence.
func firstInvalid(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return 0
}

// looksWindows1252 reports whether bytes that are not UTF-8 look like a
// single-byte Western encoding: a high byte not starting a UTF-8 sequence.
func looksWindows1252(s string) bool {
	b := s[0]
	return b >= 0x80 && !utf8.RuneStart(b) || b >= 0xC0 && (len(s) == 1 || s[1] < 0x80 || s[1] >= 0xC0)
}

// looksUTF16 reports whether text without a BOM is UTF-16: NUL bytes in
// every other position of its first characters.
func looksUTF16(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	n := min(len(head), 64) &^ 1
	zeros := 0
	for _, b := range head[:n] {
		if b == 0 {
			zeros++
		}
	}
	return zeros*4 >= n
}

// sniffDelimiter returns ';' or '\t' when the first line has no comma
// outside quotes but has one of those, else ','.
func sniffDelimiter(head []byte) rune {
	var commas, semis, tabs int
	quoted := false
	for _, b := range head {
		if b == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if b == '\n' {
			break
		}
		switch b {
		case ',':
			commas++
		case ';':
			semis++
		case '\t':
			tabs++
		}
	}
	switch {
	case commas > 0:
		return ','
	case tabs > semis:
		return '\t'
	case semis > 0:
		return ';'
	}
	return ','
}

// scanned is one record read again by [scanRecord].
type scanned struct {
	fields []string
	pos    [][2]int
	bad    int   // index of the first field with a quote problem, or -1
	end    int64 // offset just past the record
	ok     bool  // the record ended normally (bare quotes aside)
}

// scanRecord reads one record again from its first byte at off (empty
// lines before it included); the record starts at line startLine. It
// follows RFC 4180 like encoding/csv, except that a quote inside an
// unquoted field is kept as text (as lenient readers do) and noted in
// bad. A quoted field that is never closed, or followed by text, ends the
// scan with bad at that field and ok false. With fromCR, each CR byte is
// read as a line end, as [NewCSVReader] reads a file of classic Mac OS
// line ends.
func scanRecord(src io.ReaderAt, off int64, startLine int, comma rune, fromCR bool) scanned {
	var in io.Reader = io.NewSectionReader(src, off, 1<<62)
	if fromCR {
		in = lineends.FromCR(in)
	}
	br := bufio.NewReader(in)
	sc := scanned{bad: -1, end: off}
	read := func() (byte, bool) {
		b, err := br.ReadByte()
		if err != nil {
			return 0, false
		}
		sc.end++
		return b, true
	}
	peek := func() (byte, bool) {
		b, err := br.Peek(1)
		if err != nil {
			return 0, false
		}
		return b[0], true
	}
	// Skip the empty lines encoding/csv skipped before the record.
	for {
		b, ok := peek()
		if !ok {
			return sc
		}
		if b == '\n' {
			read()
			continue
		}
		if b2, _ := br.Peek(2); len(b2) == 2 && b2[0] == '\r' && b2[1] == '\n' {
			read()
			read()
			continue
		}
		break
	}
	sep := byte(comma)
	line, col := startLine, 1
	var field []byte
	endField := func(fl, fc int) {
		sc.fields = append(sc.fields, string(field))
		sc.pos = append(sc.pos, [2]int{fl, fc})
		field = field[:0]
	}
	markBad := func() {
		if sc.bad < 0 {
			sc.bad = len(sc.fields)
		}
	}
	for {
		fLine, fCol := line, col
		b, more := read()
		if !more {
			endField(fLine, fCol)
			sc.ok = true
			return sc
		}
		col++
		if b == '"' {
			for {
				b, more := read()
				if !more {
					markBad() // never closed
					endField(fLine, fCol)
					return sc
				}
				col++
				if b == '\n' {
					line, col = line+1, 1
				}
				if b != '"' {
					field = append(field, b)
					continue
				}
				next, more := peek()
				switch {
				case more && next == '"':
					read()
					col++
					field = append(field, '"')
					continue
				case more && next == sep:
					read()
					col++
					endField(fLine, fCol)
				case !more || next == '\n' || next == '\r':
					if more && next == '\r' {
						read()
					}
					read()
					endField(fLine, fCol)
					sc.ok = true
					return sc
				default:
					markBad() // text after the closing quote
					endField(fLine, fCol)
					return sc
				}
				break
			}
			continue
		}
		for {
			switch {
			case b == sep:
				endField(fLine, fCol)
			case b == '\n':
				if n := len(field); n > 0 && field[n-1] == '\r' {
					field = field[:n-1]
				}
				endField(fLine, fCol)
				sc.ok = true
				return sc
			default:
				if b == '"' {
					markBad()
				}
				field = append(field, b)
				var more bool
				if b, more = read(); !more {
					endField(fLine, fCol)
					sc.ok = true
					return sc
				}
				col++
				continue
			}
			break
		}
	}
}
