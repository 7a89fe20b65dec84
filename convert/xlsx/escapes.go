package xlsx

import (
	"bytes"
	"strconv"
	"unicode/utf8"
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
