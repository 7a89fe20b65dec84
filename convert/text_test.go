package convert

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/convert/internal/sheettest"
)

// utf16Bytes encodes s as UTF-16, with a byte order mark when bom is set.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want Detection
	}{
		{"csv", []byte("id,email\n1,a@example.com\n"), Detection{Format: FormatText, Encoding: UTF8}},
		{"utf-8 bom", []byte("\xEF\xBB\xBFid;email\n"), Detection{Format: FormatText, Encoding: UTF8, BOM: 3}},
		{"utf-16le bom", utf16Bytes("id\temail\n", false, true), Detection{Format: FormatText, Encoding: UTF16LE, BOM: 2}},
		{"utf-16be bom", utf16Bytes("id\temail\n", true, true), Detection{Format: FormatText, Encoding: UTF16BE, BOM: 2}},
		{"utf-16le without bom", utf16Bytes("id\temail\nRené\tr@example.com\n", false, false), Detection{Format: FormatText, Encoding: UTF16LE}},
		{"utf-16be without bom", utf16Bytes("id\temail\nRené\tr@example.com\n", true, false), Detection{Format: FormatText, Encoding: UTF16BE}},
		{"windows-1252", []byte("id,name\n1,Ren\xE9\n"), Detection{Format: FormatText, Encoding: Windows1252}},
		{"utf-8 cut in a character", []byte("id,name\n1,Ren\xC3"), Detection{Format: FormatText, Encoding: UTF8}},
		{"html", []byte("\n<!DOCTYPE html>\n<html><table>"), Detection{Format: FormatHTML, Encoding: UTF8}},
		{"html table only", []byte("<table><tr><td>id</td></tr></table>"), Detection{Format: FormatHTML, Encoding: UTF8}},
		{"utf-16 html", utf16Bytes("<html><body><table>", false, true), Detection{Format: FormatHTML, Encoding: UTF16LE, BOM: 2}},
		{"xhtml", []byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">`), Detection{Format: FormatHTML, Encoding: UTF8}},
		{"spreadsheetml", []byte(`<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`), Detection{Format: FormatSpreadsheetML, Encoding: UTF8}},
		{"other xml", []byte(`<?xml version="1.0"?><people/>`), Detection{Format: FormatXML, Encoding: UTF8}},
		{"zip", []byte("PK\x03\x04\x14\x00"), Detection{Format: FormatXLSX}},
		{"empty zip", []byte("PK\x05\x06"), Detection{Format: FormatXLSX}},
		{"ole2", oleSignature, Detection{Format: FormatXLS}},
		{"excel 4 worksheet", []byte{0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00}, Detection{Format: FormatOldExcel}},
		{"empty", nil, Detection{Format: FormatEmpty, Encoding: UTF8}},
		{"bom only", bomUTF8, Detection{Format: FormatEmpty, Encoding: UTF8, BOM: 3}},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), Detection{Format: FormatBinary}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Detect(tt.head, !strings.Contains(tt.name, "cut"))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Detect(%q) (-want +got):\n%s", tt.head, diff)
			}
		})
	}
}

func TestNewDecoder(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		enc  string
		bom  int
		want string
	}{
		{"utf-8", []byte("Zoë"), UTF8, 0, "Zoë"},
		{"utf-8 bom dropped", []byte("\xEF\xBB\xBFZoë"), UTF8, 0, "Zoë"},
		{"utf-8 bom skipped", []byte("\xEF\xBB\xBFZoë"), UTF8, 3, "Zoë"},
		{"utf-16le", utf16Bytes("Zoë 東京 😀", false, true), UTF16LE, 2, "Zoë 東京 😀"},
		{"utf-16be", utf16Bytes("Zoë 東京 😀", true, true), UTF16BE, 2, "Zoë 東京 😀"},
		{"windows-1252", []byte("Ren\xE9 \x80 \x93ok\x94 \x9F"), Windows1252, 0, "René € “ok” Ÿ"},
		{"latin1 is windows-1252", []byte("Ren\xE9 \x80"), "latin1", 0, "René €"},
		{"shift_jis", []byte("\x93\x8C\x8B\x9E"), "shift_jis", 0, "東京"},
		{"invalid utf-16", []byte{0x00, 0xD8, 'a', 0}, UTF16LE, 0, "\uFFFDa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewDecoder(bytes.NewReader(tt.in), tt.enc, tt.bom)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("decoded %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := NewDecoder(strings.NewReader(""), "klingon", 0); err == nil || !strings.Contains(err.Error(), `unknown encoding "klingon"`) {
		t.Errorf("unknown encoding: error %v", err)
	}
}

// TestCP1252Table checks the fast Windows-1252 decoder against x/text's
// on every byte.
func TestCP1252Table(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	want, err := io.ReadAll(mustDecoder(t, bytes.NewReader(all), "iso-8859-1"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(mustDecoder(t, bytes.NewReader(all), Windows1252))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("windows-1252 decodes to\n%q, x/text gives\n%q", got, want)
	}
}

func mustDecoder(t testing.TB, r io.Reader, enc string) io.Reader {
	t.Helper()
	d, err := NewDecoder(r, enc, 0)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name, text string
		want       rune
		skip       int
	}{
		{"comma", "id,email,firstName\n1,a@example.com,Ana\n", ',', 0},
		{"semicolon", "id;email;firstName\n1;a@example.com;Ana, Jr\n", ';', 0},
		{"tab", "id\temail\n1\ta@example.com\n", '\t', 0},
		{"pipe", "id|email\n1|a@example.com\n", '|', 0},
		{"quoted commas do not count", "\"a,b,c\";id;email\n", ';', 0},
		{"excel sep line", "sep=;\r\nid;email\n", ';', 7},
		{"one column", "id\n1\n", ',', 0},
		{"empty", "", ',', 0},
		{"a semicolon in a comma file", "id,email,jobTitle\n1,a@example.com,R&D; Sales\n2,b@example.com,x\n", ',', 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, skip := SniffDelimiter([]byte(tt.text))
			if got != tt.want || skip != tt.skip {
				t.Errorf("SniffDelimiter = %q, %d; want %q, %d", got, skip, tt.want, tt.skip)
			}
		})
	}
}

func TestParseDelimiter(t *testing.T) {
	for in, want := range map[string]rune{",": ',', ";": ';', "tab": '\t', `\t`: '\t', "\t": '\t', "|": '|', "semicolon": ';'} {
		got, err := ParseDelimiter(in)
		if err != nil || got != want {
			t.Errorf("ParseDelimiter(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", ",,", `"`, "\n"} {
		if _, err := ParseDelimiter(in); err == nil {
			t.Errorf("ParseDelimiter(%q) gave no error", in)
		}
	}
}

// TestTextInputs converts text in each encoding and layout to the same
// users.csv.
func TestTextInputs(t *testing.T) {
	want := "id,email,firstName\n00101,rene@example.com,René\n"
	tests := []struct {
		name      string
		data      []byte
		enc, deli string
		note      string
	}{
		{"utf-8", []byte("id,email,firstName\n00101,rene@example.com,René\n"), "", "", ""},
		{"utf-8 bom crlf", []byte("\xEF\xBB\xBFid,email,firstName\r\n00101,rene@example.com,René\r\n"), "", "", ""},
		{"utf-16le tabs", utf16Bytes("id\temail\tfirstName\r\n00101\trene@example.com\tRené\r\n", false, true), "", "", ""},
		{"utf-16be", utf16Bytes("id,email,firstName\n00101,rene@example.com,René\n", true, true), "", "", ""},
		{"windows-1252 semicolons", []byte("id;email;firstName\n00101;rene@example.com;Ren\xE9\n"), "", "", "not UTF-8: read as Windows-1252"},
		{"windows-1252 past the head", append(bytes.Repeat([]byte(" "), 70000), []byte("\nid,email,firstName\n00101,rene@example.com,Ren\xE9\n")...), "", "", "not UTF-8"},
		{"old mac line ends", []byte("id,email,firstName\r00101,rene@example.com,Ren\xE9\r"), "", "", ""},
		{"excel sep line", []byte("sep=|\nid|email|firstName\n00101|rene@example.com|René\n"), "", "", ""},
		{"encoding given", []byte("id,email,firstName\n00101,rene@example.com,Ren\xE9\n"), "latin1", "", ""},
		{"delimiter given", []byte("id:email:firstName\n00101:rene@example.com:René\n"), "", ":", ""},
		{"renamed headers", []byte("ID,E-Mail,First_Name\n00101,rene@example.com,René\n"), "", "", "renamed columns: ID → id, E-Mail → email, First_Name → firstName"},
		{"title rows above the header", []byte("Staff export\n\nid,email,firstName\n00101,rene@example.com,René\n"), "", "", "the header is on line 3"},
		{"empty rows", []byte("id,email,firstName\n,,\n00101,rene@example.com,René\n,,\n"), "", "", "skipped 1 row: empty (line 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "export.xls")
			if err := os.WriteFile(in, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var log, out bytes.Buffer
			if _, err := Run(Options{Inputs: []string{in}, Output: "-", Stdout: &out, Log: &log, Encoding: tt.enc, Delimiter: tt.deli}); err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Errorf("output %q, want %q", out.String(), want)
			}
			if tt.note != "" && !strings.Contains(log.String(), tt.note) {
				t.Errorf("log does not say %q:\n%s", tt.note, log.String())
			}
		})
	}
}

// FuzzDetect checks that detection never panics and names a text
// encoding for text only.
func FuzzDetect(f *testing.F) {
	for _, s := range sheettest.Files(f, filepath.Join(fixtures, "*.xls*")) {
		f.Add(s[:min(len(s), 4096)])
	}
	f.Add(utf16Bytes("id\temail", true, false))
	f.Add([]byte("sep=;\nid;email"))
	f.Fuzz(func(t *testing.T, head []byte) {
		d := Detect(head, true)
		text := d.Format == FormatText || d.Format == FormatHTML || d.Format == FormatEmpty ||
			d.Format == FormatXML || d.Format == FormatSpreadsheetML ||
			d.Format == FormatODS && !bytes.HasPrefix(head, zipSignature) // a flat .fods
		if text != (d.Encoding != "") {
			t.Fatalf("format %v with encoding %q", d.Format, d.Encoding)
		}
		if d.BOM > len(head) {
			t.Fatalf("BOM of %d bytes in %d", d.BOM, len(head))
		}
	})
}

// FuzzDecode decodes any bytes in the encoding detected: the result is
// UTF-8, and the delimiter sniffed is one convert writes back.
func FuzzDecode(f *testing.F) {
	for _, s := range sheettest.Files(f, filepath.Join(fixtures, "*.xls*")) {
		f.Add(s[:min(len(s), 8192)], "")
	}
	f.Add([]byte("Ren\xE9"), "")
	f.Add(utf16Bytes("a\tb", false, true), "")
	f.Add([]byte("\x93\x8C"), "shift_jis")
	f.Fuzz(func(t *testing.T, data []byte, enc string) {
		d := Detect(data, true)
		if d.Encoding == "" {
			return
		}
		if enc == "" {
			enc = d.Encoding
		}
		r, err := NewDecoder(bytes.NewReader(data), enc, d.BOM)
		if err != nil {
			return // an unknown label
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(out) {
			t.Fatalf("decoded %q is not UTF-8", out)
		}
		if delim, skip := SniffDelimiter(out); skip > len(out) || delim == '"' || delim == '\n' {
			t.Fatalf("delimiter %q, skip %d of %d", delim, skip, len(out))
		}
	})
}

// FuzzText converts any text input: an error or files, never a panic.
func FuzzText(f *testing.F) {
	f.Add([]byte("id,email\n1,a@example.com\n"))
	f.Add([]byte("x\ny\nid;email;name\n1;a;b\n,,\n2;c;\"d\"\"\"\n"))
	f.Add([]byte("<table><tr><td>id<td>name<tr><td colspan=3>T1<br>x<td>y</table>"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		in := filepath.Join(dir, "in.xls")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		_, err := Run(Options{Inputs: []string{in}, Output: "-", Stdout: &out, Kind: "users"})
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(err.Error(), "\n"+in) {
				t.Fatalf("error of several lines: %q", err)
			}
			return
		}
		if !utf8.Valid(out.Bytes()) {
			t.Fatalf("output is not UTF-8: %q", out.Bytes())
		}
	})
}
