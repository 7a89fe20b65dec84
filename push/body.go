package push

import (
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// bodyWriter builds a JSON body (or the state file) in a buffer and
// hands it to w in large writes, between elements, so that an element's
// bytes are contiguous in the buffer while it is written (the plan hashes
// them). Memory does not grow with the body.
type bodyWriter struct {
	w   io.Writer
	buf []byte
	n   int64 // bytes handed to w
	err error
}

// flushAt is the buffer size from which the body is handed on.
const flushAt = 64 << 10

func newBodyWriter(w io.Writer) *bodyWriter {
	return &bodyWriter{w: w, buf: make([]byte, 0, flushAt+4096)}
}

// boundary hands the buffer on when it is full enough. Call it only
// between elements.
func (b *bodyWriter) boundary() error {
	if len(b.buf) >= flushAt {
		return b.flush()
	}
	return b.err
}

// flush hands the whole buffer on.
func (b *bodyWriter) flush() error {
	if b.err == nil && len(b.buf) > 0 {
		var n int
		n, b.err = b.w.Write(b.buf)
		b.n += int64(n)
	}
	b.buf = b.buf[:0]
	return b.err
}

// raw appends JSON text as is.
func (b *bodyWriter) raw(s string) { b.buf = append(b.buf, s...) }

// str appends s as a JSON string.
func (b *bodyWriter) str(s string) { b.buf = appendString(b.buf, s) }

// boolean appends true or false.
func (b *bodyWriter) boolean(v bool) {
	if v {
		b.buf = append(b.buf, "true"...)
	} else {
		b.buf = append(b.buf, "false"...)
	}
}

// safeASCII marks the ASCII bytes a JSON string holds as they are.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping what JSON requires
// (quote, backslash, control characters) and nothing else, so that the
// text reads as written: "R&D", not "R\u0026D". Bytes that are not UTF-8
// become U+FFFD, as encoding/json does (lint reports them first).
func appendString(dst []byte, s string) []byte {
	return appendJSONRest(append(dst, '"'), s, 0)
}

// appendJSONRest appends s from i on, escaping what JSON requires, and
// the closing quote. Most values are plain ASCII: each run of plain
// bytes is found first and copied at once.
func appendJSONRest(dst []byte, s string, i int) []byte {
	start := i
	for {
		i = plainRun(s, i)
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf { // not safe: plainRun stopped on it
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// plainRun returns the end of the run of bytes of s from i on that JSON
// holds as they are: eight at a time while it can ([plain8]), then one
// at a time.
func plainRun(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		if !plain8(uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56) {
			break
		}
	}
	for i < len(s) && s[i] < utf8.RuneSelf && safeASCII[s[i]] {
		i++
	}
	return i
}

// plain8 reports whether the eight bytes of w (little-endian) are all
// written as they are: ASCII from 0x20, neither a quote nor a backslash.
// It tests them at once, as a word (a byte below n is one whose
// subtraction borrows; a byte equal to c is one that xor makes zero).
func plain8(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	bad := w & highs                    // not ASCII
	bad |= (w - 0x20*ones) &^ w & highs // a control character
	q := w ^ '"'*ones
	bad |= (q - ones) &^ q & highs
	b := w ^ '\\'*ones
	bad |= (b - ones) &^ b & highs
	return bad == 0
}

// jsonKey returns the JSON key of the named field of struct v, so that
// the wire types of api.go stay the one source of their key names.
func jsonKey(v any, field string) string {
	f, ok := reflect.TypeOf(v).FieldByName(field)
	if !ok {
		panic("push: no field " + field + " in " + reflect.TypeOf(v).String())
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// keyPrefix returns `,"key":` (without the comma for the first key).
func keyPrefix(key string, first bool) string {
	p := appendString(nil, key)
	p = append(p, ':')
	if first {
		return string(p)
	}
	return "," + string(p)
}
