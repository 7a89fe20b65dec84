package lint

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"unicode/utf8"

	"github.com/ovsync/ovsync/internal/lineends"
)

// fillUTF16Columns sets the UTF16Column of the findings that have a
// column, reading each of their files once more: SARIF counts columns in
// UTF-16 code units, and a byte column after "é" or "Zoë" is one too
// many. The findings must be sorted ([SortFindings]); a file that cannot
// be read again leaves its findings' UTF-16 columns at 0 (unknown), so
// that SARIF leaves the column out rather than give a wrong one.
func fillUTF16Columns(fs []Finding) {
	for start := 0; start < len(fs); {
		end := start
		need := false
		for end < len(fs) && fs[end].File == fs[start].File {
			need = need || fs[end].Column > 0
			end++
		}
		if need {
			fillFileUTF16Columns(fs[start:end])
		}
		start = end
	}
}

// fillFileUTF16Columns fills the UTF-16 columns of the findings of one
// file, sorted by line and column.
func fillFileUTF16Columns(fs []Finding) {
	f, err := os.Open(fs[0].File)
	if err != nil {
		return
	}
	defer f.Close()
	lr := newLineReader(f)
	line, text, bom := 0, []byte(nil), 0
	for i := range fs {
		fd := &fs[i]
		if fd.Column <= 0 || fd.Line <= 0 {
			continue
		}
		for line < fd.Line {
			var ok bool
			if text, ok = lr.next(); !ok {
				return
			}
			line++
			bom = 0
			if line == 1 && bytes.HasPrefix(text, []byte{0xEF, 0xBB, 0xBF}) {
				// A viewer shows no BOM: the columns after it are 3 bytes less.
				text, bom = text[3:], 3
			}
		}
		fd.UTF16Column = utf16Column(text, fd.Column-bom)
	}
}

// utf16Column turns the 1-based byte column col of line into its 1-based
// column in UTF-16 code units. A byte that is not UTF-8 counts as one
// unit (it shows as U+FFFD); a column past the end of the line counts
// its extra bytes as one unit each.
func utf16Column(line []byte, col int) int {
	if col < 1 {
		return 1
	}
	prefix := line[:min(col-1, len(line))]
	units := col - 1 - len(prefix)
	for len(prefix) > 0 {
		r, size := utf8.DecodeRune(prefix)
		units++
		if r >= 0x10000 {
			units++
		}
		prefix = prefix[size:]
	}
	return units + 1
}

// lineReader reads a file's lines as lint numbers them: ended by LF (a CR
// before it dropped), or also by a lone CR in a file whose first 4096
// bytes have CRs and no LF (old Mac OS).
type lineReader struct {
	br   *bufio.Reader
	buf  []byte
	done bool
}

func newLineReader(r io.Reader) *lineReader {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096)
	if bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0 {
		// As the CSV reader does: every CR is a line end then.
		br = bufio.NewReaderSize(lineends.FromCR(br), 64<<10)
	}
	return &lineReader{br: br}
}

// next returns the next line without its end, valid until the next call;
// ok is false at the end of the file.
func (l *lineReader) next() (line []byte, ok bool) {
	if l.done {
		return nil, false
	}
	l.buf = l.buf[:0]
	for {
		chunk, err := l.br.ReadSlice('\n')
		l.buf = append(l.buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			l.done = true
			if len(l.buf) == 0 {
				return nil, false
			}
			return l.buf, true
		}
		return bytes.TrimSuffix(l.buf[:len(l.buf)-1], []byte{'\r'}), true
	}
}
