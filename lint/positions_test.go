package lint

import (
	"bytes"
	"fmt"
	"testing"
	"unicode/utf8"
)

// inputLines splits data into lines as lint numbers them (see
// [lineReader]), each without its line end.
func inputLines(t testing.TB, data []byte) [][]byte {
	t.Helper()
	lr := newLineReader(bytes.NewReader(data))
	var lines [][]byte
	for {
		l, ok := lr.next()
		if !ok {
			break
		}
		lines = append(lines, bytes.Clone(l))
	}
	if len(lines) == 0 {
		lines = [][]byte{nil} // an empty input still has its line 1
	}
	return lines
}

// checkInside reports an error unless the position lies inside the
// input: line 0 only with column 0 (the whole file), else a line of the
// input, a byte column of at most its length + 1, and a UTF-16 column
// (when utf16 is not negative; 0 is unknown) of at most its length in
// UTF-16 code units + 1, a BOM of line 1 not counted.
func checkInside(lines [][]byte, line, col, utf16 int) error {
	switch {
	case line == 0 && col == 0 && utf16 <= 0:
		return nil
	case line < 1 || line > len(lines):
		return fmt.Errorf("line %d outside 1..%d", line, len(lines))
	case col < 0 || col > len(lines[line-1])+1:
		return fmt.Errorf("byte column %d outside 0..%d of line %d", col, len(lines[line-1])+1, line)
	}
	text := lines[line-1]
	if line == 1 {
		text = bytes.TrimPrefix(text, []byte{0xEF, 0xBB, 0xBF})
	}
	units := 0
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		units++
		if r >= 0x10000 {
			units++
		}
		text = text[size:]
	}
	if utf16 > units+1 || col == 0 && utf16 > 0 {
		return fmt.Errorf("UTF-16 column %d outside 0..%d of line %d (byte column %d)", utf16, units+1, line, col)
	}
	return nil
}
