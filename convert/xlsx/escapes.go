package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// decodeEscapes replaces the _xHHHH_ escapes of Office Open XML strings
// (ST_Xstring: Excel writes a carriage return as _x000D_ and a literal
// "_x" as _x005F_x) by the characters they name.
func decodeEscapes(s []byte) []byte {
	if !bytes.Contains(s, []byte("_x")) {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && i+6 < len(s) && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(string(s[i+2:i+6]), 16, 16); err == nil {
				out = utf8.AppendRune(out, rune(v))
				i += 6
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}

// openPart opens a part of the archive as UTF-8 XML. Parts are UTF-8 as
// a rule, but XML allows UTF-16, and some writers (Excel for Windows
// Phone) use it: a part that starts with a UTF-16 byte order mark is
// decoded, and a UTF-8 byte order mark dropped.
func openPart(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(rc)
	head, _ := br.Peek(3)
	var r io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		r = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	}
	return struct {
		io.Reader
		io.Closer
	}{r, rc}, nil
}

// unmarshal reads a small part, made UTF-8 by openPart, into v: its
// declaration may still name the encoding it was written in.
func unmarshal(b []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-16", "utf-16le", "utf-16be", "unicode", "utf-8":
			return r, nil // decoded already
		}
		return nil, fmt.Errorf("the encoding %q, not UTF-8 or UTF-16", label)
	}
	return d.Decode(v)
}
