package pushtest

import (
	"bytes"
	"encoding/json"
)

// kind is the JSON type of a value, told from its first byte.
type kind uint8

const (
	kindInvalid kind = iota
	kindString
	kindNumber
	kindBool
	kindNull
	kindObject
	kindArray
)

// String names the kind as messages do.
func (k kind) String() string {
	switch k {
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindBool:
		return "a boolean"
	case kindNull:
		return "null"
	case kindObject:
		return "an object"
	case kindArray:
		return "an array"
	}
	return "not JSON"
}

// field is one key and value of a JSON object. key is unescaped; val is
// the raw value, quotes included for a string.
type field struct {
	key  []byte
	kind kind
	val  []byte
}

// kindOf tells a value's kind from its first byte.
func kindOf(c byte) kind {
	switch {
	case c == '"':
		return kindString
	case c == 't' || c == 'f':
		return kindBool
	case c == 'n':
		return kindNull
	case c == '{':
		return kindObject
	case c == '[':
		return kindArray
	case c == '-' || ('0' <= c && c <= '9'):
		return kindNumber
	}
	return kindInvalid
}

// scanObject appends to fields the members of the JSON object data and
// reports whether data is an object. Each element of a sync payload is
// decoded by encoding/json into a json.RawMessage first, which validates it;
// this scanner then walks the bytes once, without the maps and interfaces
// of a generic decode, so that checking a million users stays cheap. It
// never panics, whatever data holds, and returns false on bytes that are
// not an object it can walk. Keys with escapes are unescaped by
// encoding/json; plain keys are sub-slices of data (no copy).
func scanObject(data []byte, fields []field) ([]field, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return fields, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return fields, skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return fields, false
		}
		end := skipString(data, i)
		if end < 0 {
			return fields, false
		}
		key, ok := unquote(data[i:end])
		if !ok {
			return fields, false
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return fields, false
		}
		i = skipSpace(data, i+1)
		if i >= len(data) {
			return fields, false
		}
		k := kindOf(data[i])
		end = skipValue(data, i)
		if k == kindInvalid || end < 0 {
			return fields, false
		}
		fields = append(fields, field{key: key, kind: k, val: data[i:end]})
		i = skipSpace(data, end)
		if i >= len(data) {
			return fields, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return fields, skipSpace(data, i+1) == len(data)
		default:
			return fields, false
		}
	}
}

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just past the string starting at data[i]
// (a quote), or -1 when it does not end.
func skipString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index just past the value starting at data[i], or
// -1 when it does not end. It trusts the value to be valid JSON where it
// can, checking only what it needs to stay in bounds.
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end := skipString(data, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(data) {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r', ':', '"', '{', '[':
			return j
		}
		j++
	}
	return j
}

// unquote returns the contents of the JSON string raw (quotes included).
// Without a backslash it is a sub-slice of raw; otherwise encoding/json
// unescapes it.
func unquote(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, false
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return body, true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, false
	}
	return []byte(s), true
}
