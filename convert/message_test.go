package convert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"Ren\xE9", `Ren\xE9`},
		{"é\xFF\xFEok", `é\xFF\xFEok`},
		{"\xE2\x82", `\xE2\x82`}, // a cut sequence
	}
	for _, tt := range tests {
		if got := validText(tt.in); got != tt.want {
			t.Errorf("validText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMessagesValidUTF8 converts workbooks whose parts hold bytes that
// are not UTF-8 where a parser quotes them: every message is valid UTF-8,
// the bytes quoted as \xE9.
func TestMessagesValidUTF8(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"names.xlsx":  zipFile(t, "xl/workbook.xml", "<workbook><sheets></\xE9\xFF></workbook>"),
		"ren\xE9.csv": []byte("id,email\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name := range files {
		_, err := Run(Options{Inputs: []string{filepath.Join(dir, name)}, OutDir: filepath.Join(dir, "out")})
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		msg := err.Error()
		if !utf8.ValidString(msg) || !strings.Contains(msg, `\xE9`) {
			t.Errorf("%s: message %q is not valid UTF-8 quoting \\xE9", name, msg)
		}
	}
}
