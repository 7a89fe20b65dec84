package xls

import (
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"

	"github.com/ovsync/ovsync/convert/sheet"
)

// values returns the rows as their values, with "!" before an error, "="
// before a value computed from a formula's tokens, and "?" before the
// reason of a formula without a value; the rows skipped are empty.
func values(rows *Rows) [][]string {
	out := [][]string{}
	for rows != nil && rows.Next() {
		for len(out) < rows.Row() {
			out = append(out, []string{})
		}
		cells := rows.Cells()
		rec := make([]string, len(cells))
		for j, c := range cells {
			if c.Row != rows.Row() || c.Col != j {
				panic("cell out of place")
			}
			rec[j] = c.Value
			switch {
			case c.Unknown != "":
				rec[j] = "?" + c.Unknown
			case c.Err != "":
				rec[j] = "!" + c.Err
			case c.Computed:
				rec[j] = "=" + c.Value
			}
		}
		out = append(out, rec)
	}
	return out
}

// readBook opens the workbook stream of b and reads its first sheet.
func readBook(t *testing.T, b testBook) ([][]string, error) {
	t.Helper()
	w, err := newWorkbook(b.stream(), b.biff5)
	if err != nil {
		return nil, err
	}
	rows, err := w.Rows(0)
	return values(rows), err
}

// utf16le returns s as UTF-16LE bytes.
func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestSST(t *testing.T) {
	head := func(unique int) []byte { return cat(le32(unique), le32(unique)) }
	tests := []struct {
		name string
		segs [][]byte
		want []string
		err  bool
	}{
		{
			name: "compressed and uncompressed",
			segs: [][]byte{cat(head(3), str16("abc"), str16("Português"), str16("東京"))},
			want: []string{"abc", "Português", "東京"},
		},
		{
			name: "empty string",
			segs: [][]byte{cat(head(2), str16(""), str16("x"))},
			want: []string{"", "x"},
		},
		{
			name: "continued from 8 to 16 bits",
			segs: [][]byte{
				cat(head(1), le16(7), []byte{0}, []byte("abc")),
				cat([]byte{1}, utf16le("de東京")),
			},
			want: []string{"abcde東京"},
		},
		{
			name: "continued from 16 to 8 bits",
			segs: [][]byte{
				cat(head(1), le16(5), []byte{1}, utf16le("東京")),
				cat([]byte{0}, []byte("abc")),
			},
			want: []string{"東京abc"},
		},
		{
			name: "continued twice",
			segs: [][]byte{
				cat(head(1), le16(6), []byte{0}, []byte("ab")),
				cat([]byte{1}, utf16le("çd")),
				cat([]byte{0}, []byte("ef")),
			},
			want: []string{"abçdef"},
		},
		{
			name: "characters start after the boundary",
			segs: [][]byte{
				cat(head(1), le16(3), []byte{0}),
				cat([]byte{1}, utf16le("ação")[:6]),
			},
			want: []string{"açã"},
		},
		{
			name: "string starts at the boundary",
			segs: [][]byte{
				cat(head(2), str16("first")),
				str16("second"),
			},
			want: []string{"first", "second"},
		},
		{
			name: "rich text runs and phonetic data across the boundary",
			segs: [][]byte{
				cat(head(2), le16(4), []byte{0x0C}, le16(2), le32(6), []byte("bold"), make([]byte, 4)),
				cat(make([]byte, 4), make([]byte, 6), str16("next")),
			},
			want: []string{"bold", "next"},
		},
		{
			name: "surrogate pair",
			segs: [][]byte{cat(head(1), str16("😀 team"))},
			want: []string{"😀 team"},
		},
		{
			name: "surrogate pair across the boundary",
			segs: [][]byte{
				cat(head(1), le16(3), []byte{1}, utf16le("😀")[:2]),
				cat([]byte{1}, utf16le("😀")[2:], utf16le("!")),
			},
			want: []string{"😀!"},
		},
		{
			name: "fewer strings than announced",
			segs: [][]byte{cat(head(5), str16("only"))},
			want: []string{"only"},
		},
		{
			name: "characters cut short",
			segs: [][]byte{cat(head(1), le16(10), []byte{0}, []byte("abc"))},
			err:  true,
		},
		{
			name: "rich runs cut short",
			segs: [][]byte{cat(head(1), le16(1), []byte{0x08}, le16(3), []byte("a"), make([]byte, 4))},
			err:  true,
		},
		{
			name: "huge phonetic size",
			segs: [][]byte{cat(head(1), le16(1), []byte{0x04}, le32(-1), []byte("a"))},
			err:  true,
		},
		{
			name: "half a character before the last boundary",
			segs: [][]byte{cat(head(1), le16(2), []byte{1}, []byte{'a'})},
			err:  true,
		},
		{
			name: "header only",
			segs: [][]byte{le32(1)},
			err:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &Workbook{}
			err := w.readSST(tt.segs)
			if tt.err {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("readSST error = %v, want ErrCorrupt", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("readSST: %v", err)
			}
			if diff := cmp.Diff(tt.want, w.sst); diff != "" {
				t.Errorf("strings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRawContinue reads a LABEL split the way Gnumeric splits long
// records: anywhere, without flag bytes.
func TestRawContinue(t *testing.T) {
	text := strings.Repeat("Ação 東京 ", 3)
	body := cat(cellHead(0, 0, 0), le16(len([]rune(text))), []byte{1}, utf16le(text))
	// Cut after an odd number of bytes of characters, then again.
	cut1, cut2 := 6+3+9, 6+3+9+20
	b := testBook{sheets: []testSheet{{name: "S", records: [][]byte{
		rec(recLabel, body[:cut1]),
		rec(recContinue, body[cut1:cut2]),
		rec(recContinue, body[cut2:]),
	}}}}
	got, err := readBook(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{text}}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// formats is the globals of a workbook with these XF records:
// 0 General, 1 built-in date (14), 2 yyyy-mm-dd hh:mm, 3 LibreOffice's
// boolean format, 4 built-in time (20), 5 a percentage.
func formats() [][]byte {
	return [][]byte{
		rec(recFormat, le16(164), str16("yyyy-mm-dd hh:mm")),
		rec(recFormat, le16(165), str16(`"TRUE";"TRUE";"FALSE"`)),
		rec(recXF, le16(0), le16(0), make([]byte, 16)),
		rec(recXF, le16(0), le16(14), make([]byte, 16)),
		rec(recXF, le16(0), le16(164), make([]byte, 16)),
		rec(recXF, le16(0), le16(165), make([]byte, 16)),
		rec(recXF, le16(0), le16(20), make([]byte, 16)),
		rec(recXF, le16(0), le16(9), make([]byte, 16)),
	}
}

func TestCells(t *testing.T) {
	const march4 = 43528
	shared := sst(cat(le32(2), le32(2), str16("shared"), str16("Ação")))
	rk := func(v uint32) []byte { return le32(int(v)) }
	tests := []struct {
		name    string
		records [][]byte
		want    [][]string
	}{
		{
			name: "numbers",
			records: [][]byte{
				number(0, 0, 0, 2.5),
				number(0, 1, 0, 1234567890123),
				number(0, 2, 0, 0.1+0.2),
				number(0, 3, 5, 0.25),
				number(0, 4, 99, 7), // no such XF: General
			},
			want: [][]string{{"2.5", "1234567890123", "0.3", "0.25", "7"}},
		},
		{
			name: "rk",
			records: [][]byte{
				rec(recRK, cellHead(0, 0, 0), rk(42<<2|2)),
				rec(recRK, cellHead(0, 1, 0), rk(1234<<2|3)),
				rec(recRK, cellHead(0, 2, 0), rk(0x40040000)),   // 2.5
				rec(recRK, cellHead(0, 3, 0), rk(0x40590000|1)), // 100/100
				rec(recRK, cellHead(0, 4, 0), le32(-5<<2|2)),
			},
			want: [][]string{{"42", "12.34", "2.5", "1", "-5"}},
		},
		{
			name: "mulrk",
			records: [][]byte{
				rec(recMulRK, le16(1), le16(2), le16(0), rk(1<<2|2), le16(1), rk(march4<<2|2), le16(3), rk(1<<2|2), le16(4)),
			},
			want: [][]string{{}, {"", "", "1", "2019-03-04", "TRUE"}},
		},
		{
			name: "dates and times",
			records: [][]byte{
				number(0, 0, 1, march4),
				number(0, 1, 2, march4+8.5/24),
				number(0, 2, 4, 8.5/24),
			},
			want: [][]string{{"2019-03-04", "2019-03-04T08:30:00", "08:30:00"}},
		},
		{
			name: "text",
			records: [][]byte{
				labelSST(0, 0, 0, 0),
				labelSST(0, 1, 0, 1),
				label(0, 2, "Português"),
				label(0, 3, "山田"),
				rec(recRString, cellHead(0, 4, 0), str16("rich"), le16(0)),
			},
			want: [][]string{{"shared", "Ação", "Português", "山田", "rich"}},
		},
		{
			name: "booleans and errors",
			records: [][]byte{
				boolErr(0, 0, 1, false),
				boolErr(0, 1, 0, false),
				boolErr(0, 2, 0x2A, true),
				boolErr(0, 3, 0x07, true),
				boolErr(0, 4, 0x99, true),
				number(0, 5, 3, 1), // LibreOffice's boolean format
				number(0, 6, 3, 0),
			},
			want: [][]string{{"TRUE", "FALSE", "!#N/A", "!#DIV/0!", "!#ERR99", "TRUE", "FALSE"}},
		},
		{
			name: "formulas",
			records: [][]byte{
				formulaRec(0, 0, 0, resNum(0.1+0.2)),
				formulaRec(0, 1, 1, resNum(march4)),
				formulaRec(0, 2, 0, resString()),
				rec(0x04BC, make([]byte, 8)), // SHRFMLA between FORMULA and STRING
				rec(recString, str16("alice@example.com")),
				formulaRec(0, 3, 0, resBool(1)),
				formulaRec(0, 4, 0, resErr(0x2A)),
				formulaRec(0, 5, 0, resEmpty()),
				formulaRec(0, 6, 0, resString()), // its STRING never comes
				formulaRec(0, 7, 0, resNum(1)),
			},
			want: [][]string{{"0.3", "2019-03-04", "alice@example.com", "TRUE", "!#N/A", "", "", "1"}},
		},
		{
			name: "stale results",
			records: [][]byte{
				// ="U"&"77" stored as the number 0, as LibreOffice exports it.
				formulaTokens(0, 0, resNum(0), ptgStr("U"), ptgStr("77"), []byte{0x08}),
				// =LOWER("MAX@X.TEST") likewise, through ptgFunc.
				formulaTokens(0, 1, resNum(0), ptgStr("MAX@X.TEST"), []byte{0x41, 112, 0}),
				// =CONCATENATE("a",1.5,TRUE) through ptgFuncVar.
				formulaTokens(0, 2, resNum(0), ptgStr("a"), cat([]byte{0x1F}, lef64(1.5)), []byte{0x1D, 1}, []byte{0x42, 3, 80, 1}),
				// =LOWER(A2)&"@x.test": text, but not known.
				formulaTokens(0, 3, resNum(0), []byte{0x44, 1, 0, 0, 0}, []byte{0x41, 112, 0}, ptgStr("@x.test"), []byte{0x08}),
				// =1+2 stored as text.
				formulaTokens(0, 4, resString(), []byte{0x1E, 1, 0}, []byte{0x1E, 2, 0}, []byte{0x03}),
				rec(recString, str16("3")),
				// Consistent results are read as stored.
				formulaTokens(0, 5, resString(), ptgStr("U"), ptgStr("77"), []byte{0x08}),
				rec(recString, str16("U77")),
				formulaTokens(0, 6, resNum(3), []byte{0x1E, 1, 0}, []byte{0x1E, 2, 0}, []byte{0x03}),
				// =IF(A2,"a",1): no judgement.
				formulaTokens(0, 7, resNum(1), []byte{0x44, 1, 0, 0, 0}, ptgStr("a"), []byte{0x1E, 1, 0}, []byte{0x42, 3, 1, 0}),
				// A shared formula that is never defined: no judgement.
				formulaTokens(0, 8, resNum(7), []byte{0x01, 9, 0, 9, 0}),
			},
			want: [][]string{{"=U77", "=max@x.test", "=a1.5TRUE",
				"?a stale result: the workbook stores a number for a formula that gives text",
				"?a stale result: the workbook stores text for a formula that gives a number",
				"U77", "3", "1", "7"}},
		},
		{
			name: "stale results of a shared formula",
			records: [][]byte{
				// B1:B2 share =LOWER(A1)&"@x.test" (SHRFMLA after the first
				// FORMULA), stored as 0; C1 shares a constant formula.
				formulaTokens(0, 1, resNum(0), []byte{0x01, 0, 0, 1, 0}),
				rec(recShrFmla, le16(0), le16(1), []byte{1, 1, 0, 2}, le16(14), []byte{0x4C, 0, 0, 0xFF, 0xFF}, []byte{0x41, 112, 0}, ptgStr("@x"), []byte{0x08}),
				formulaTokens(1, 1, resNum(0), []byte{0x01, 0, 0, 1, 0}),
				formulaTokens(0, 2, resNum(0), []byte{0x01, 0, 0, 2, 0}),
				rec(recShrFmla, le16(0), le16(0), []byte{2, 2, 0, 1}, le16(6), ptgStr("ab"), []byte{0x15}),
			},
			want: [][]string{
				{"", "?a stale result: the workbook stores a number for a formula that gives text", "=ab"},
				{"", "?a stale result: the workbook stores a number for a formula that gives text"},
			},
		},
		{
			name: "long formula text over CONTINUE",
			records: [][]byte{
				formulaRec(0, 0, 0, resString()),
				rec(recString, le16(6), []byte{0}, []byte("abc")),
				rec(recContinue, []byte{1}, utf16le("東京d")),
			},
			want: [][]string{{"abc東京d"}},
		},
		{
			name: "string record without a formula",
			records: [][]byte{
				rec(recString, str16("stray")),
				number(0, 0, 0, 1),
			},
			want: [][]string{{"1"}},
		},
		{
			name: "trailing empty rows and columns dropped",
			records: [][]byte{
				label(0, 0, "a"),
				rec(0x0201, cellHead(0, 5, 1)), // BLANK
				label(2, 1, "b"),
				rec(0x00BE, le16(3), le16(0), le16(1), le16(1), le16(1), le16(2)), // MULBLANK
				formulaRec(4, 0, 0, resEmpty()),
				label(5, 3, ""),
			},
			want: [][]string{{"a"}, {}, {"", "b"}},
		},
		{
			name: "cells out of order, the last of two wins",
			records: [][]byte{
				label(2, 0, "c"),
				label(0, 1, "b"),
				label(0, 0, "first"),
				label(0, 0, "a"),
			},
			want: [][]string{{"a", "b"}, {}, {"c"}},
		},
		{
			name: "embedded chart skipped",
			records: [][]byte{
				label(0, 0, "before"),
				testBook{}.bof(0x0020),
				number(5, 5, 0, 99),
				testBook{}.bof(0x0020),
				rec(recEOF),
				rec(recEOF),
				label(1, 0, "after"),
			},
			want: [][]string{{"before"}, {"after"}},
		},
		{
			name: "short records ignored",
			records: [][]byte{
				rec(recNumber, le16(0)),
				rec(recRK, le16(0)),
				rec(recLabelSST, le16(0)),
				rec(recBoolErr, le16(0)),
				rec(recFormula, le16(0)),
				rec(recMulRK, le16(0)),
				label(0, 0, "ok"),
			},
			want: [][]string{{"ok"}},
		},
		{
			name: "last column",
			records: [][]byte{
				label(0, 255, "IV"),
			},
			want: [][]string{append(make([]string, 255), "IV")},
		},
		{
			name:    "empty sheet",
			records: nil,
			want:    [][]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := testBook{
				globals: formats(),
				tail:    shared,
				sheets:  []testSheet{{name: "Sheet1", records: tt.records}},
			}
			got, err := readBook(t, b)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cells mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCellErrors(t *testing.T) {
	tests := []struct {
		name    string
		records [][]byte
		want    string
	}{
		{"shared string out of range", [][]byte{labelSST(11, 6, 0, 7)}, "cell G12 refers to shared string 7 of 1"},
		{"column past IV", [][]byte{label(0, 256, "x")}, "column 257"},
		{"mulrk past IV", [][]byte{rec(recMulRK, le16(0), le16(255), le16(0), le32(6), le16(0), le32(6), le16(256))}, "column 257"},
		{"label cut short", [][]byte{rec(recLabel, cellHead(0, 0, 0), le16(10), []byte{0}, []byte("abc"))}, "text of cell A1 cut short"},
		{"label too short", [][]byte{rec(recLabel, cellHead(0, 0, 0))}, "text cell record too short"},
		{"formula text cut short", [][]byte{formulaRec(3, 1, 0, resString()), rec(recString, le16(9), []byte{0}, []byte("ab"))}, "text result of formula B4 cut short"},
		{"record past the end", [][]byte{{0x03, 0x02, 0xFF, 0x00, 1, 2}}, "runs past the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := testBook{
				globals: formats(),
				tail:    sst(cat(le32(1), le32(1), str16("only"))),
				sheets:  []testSheet{{name: "Users", records: tt.records}},
			}
			_, err := readBook(t, b)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error = %v, want ErrCorrupt", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), `sheet "Users": `) {
				t.Errorf("error %q does not name the sheet and say %q", err, tt.want)
			}
		})
	}
}

func TestGlobals(t *testing.T) {
	t.Run("sheets", func(t *testing.T) {
		b := testBook{sheets: []testSheet{
			{name: "Users"},
			{name: "Chart", kind: 2},
			{name: "Hidden", hidden: 1},
			{name: "Module", kind: 6},
			{name: "東京"},
		}}
		w, err := newWorkbook(b.stream(), false)
		if err != nil {
			t.Fatal(err)
		}
		want := []sheet.Sheet{{Name: "Users"}, {Name: "Hidden", Hidden: true}, {Name: "東京"}}
		if diff := cmp.Diff(want, w.Sheets()); diff != "" {
			t.Errorf("Sheets mismatch (-want +got):\n%s", diff)
		}
		for _, i := range []int{-1, 3} {
			if _, err := w.Rows(i); err == nil || !strings.HasPrefix(err.Error(), "no sheet") {
				t.Errorf("Rows(%d) error = %v, want no sheet", i, err)
			}
		}
	})
	t.Run("1904 dates", func(t *testing.T) {
		b := testBook{
			globals: append([][]byte{rec(recDateMode, le16(1))}, formats()...),
			sheets:  []testSheet{{name: "S", records: [][]byte{number(0, 0, 1, 0), number(0, 1, 1, 43528-1462)}}},
		}
		got, err := readBook(t, b)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]string{{"1904-01-01", "2019-03-04"}}, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("password", func(t *testing.T) {
		b := testBook{globals: [][]byte{rec(recFilePass, le16(1), make([]byte, 52))}}
		if _, err := newWorkbook(b.stream(), false); !errors.Is(err, ErrEncrypted) {
			t.Errorf("error = %v, want ErrEncrypted", err)
		}
	})
	t.Run("sheet offset past the end", func(t *testing.T) {
		s := testBook{sheets: []testSheet{{name: "S"}}}.stream()
		copy(s[20+4:], le32(1<<30)) // the BOUNDSHEET after the 20-byte BOF
		w, err := newWorkbook(s, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Rows(0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("error = %v, want ErrCorrupt", err)
		}
	})
	t.Run("sheet without BOF", func(t *testing.T) {
		s := testBook{sheets: []testSheet{{name: "S"}}}.stream()
		copy(s[len(s)-24:], rec(recEOF)) // overwrite the sheet's BOF header
		w, err := newWorkbook(s, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Rows(0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("error = %v, want ErrCorrupt", err)
		}
	})
	for _, tt := range []struct {
		name string
		rec  []byte
	}{
		{"short FORMAT", rec(recFormat, []byte{1})},
		{"FORMAT cut short", rec(recFormat, le16(164), le16(20), []byte{0}, []byte("yy"))},
		{"short XF", rec(recXF, le16(0))},
		{"short BOUNDSHEET", rec(recBoundSheet, le32(0))},
		{"sheet name cut short", rec(recBoundSheet, le32(0), []byte{0, 0, 9, 0}, []byte("ab"))},
		{"SST cut short", rec(recSST, le32(1), le32(1), le16(5), []byte{0}, []byte("ab"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := testBook{globals: [][]byte{tt.rec}}
			if _, err := newWorkbook(b.stream(), false); !errors.Is(err, ErrCorrupt) {
				t.Errorf("error = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestBIFF5(t *testing.T) {
	cp := func(s string, enc *charmap.Charmap) []byte {
		b, err := enc.NewEncoder().Bytes([]byte(s))
		if err != nil {
			panic(err)
		}
		return b
	}
	label5 := func(row, col int, b []byte) []byte {
		return rec(recLabel, cellHead(row, col, 0), le16(len(b)), b)
	}
	tests := []struct {
		name     string
		codePage int
		records  [][]byte
		want     [][]string
	}{
		{
			name:     "windows-1252",
			codePage: 1252,
			records: [][]byte{
				label5(0, 0, cp("Português", charmap.Windows1252)),
				label5(0, 1, cp("€ Zoë", charmap.Windows1252)),
				number(0, 2, 1, 43528),
				formulaRec(0, 3, 0, resString()),
				rec(recString, le16(3), []byte("abc")),
			},
			want: [][]string{{"Português", "€ Zoë", "2019-03-04", "abc"}},
		},
		{
			name:     "windows-1251",
			codePage: 1251,
			records:  [][]byte{label5(0, 0, cp("Привет", charmap.Windows1251))},
			want:     [][]string{{"Привет"}},
		},
		{
			name:     "unknown code page read as windows-1252",
			codePage: 4242,
			records:  [][]byte{label5(0, 0, []byte{'Z', 'o', 0xEB})},
			want:     [][]string{{"Zoë"}},
		},
		{
			name:     "gnumeric's utf-16",
			codePage: 1200,
			records: [][]byte{
				label5(0, 0, []byte("Ana")),
				label5(0, 1, utf16le("José")),
				label5(0, 2, utf16le("太郎")),
			},
			want: [][]string{{"Ana", "José", "太郎"}},
		},
		{
			name:     "label cut short",
			codePage: 1252,
			records:  [][]byte{rec(recLabel, cellHead(0, 0, 0), le16(9), []byte("ab"))},
			want:     nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := testBook{
				biff5: true,
				globals: [][]byte{
					rec(recCodePage, le16(tt.codePage)),
					rec(recFormat, le16(164), []byte{10}, []byte("yyyy-mm-dd")),
					rec(recXF, le16(0), le16(0), make([]byte, 12)),
					rec(recXF, le16(0), le16(164), make([]byte, 12)),
				},
				sheets: []testSheet{{name: "Données", records: tt.records}},
			}
			// BIFF5 sheet names are 8-bit text in the code page too.
			s := b.stream()
			w, err := newWorkbook(s, true)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := w.Rows(0)
			if tt.want == nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("error = %v, want ErrCorrupt", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, values(rows)); diff != "" {
				t.Errorf("cells mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("sheet name in windows-1252", func(t *testing.T) {
		b := testBook{biff5: true, sheets: []testSheet{{name: string(cp("Données", charmap.Windows1252))}}}
		w, err := newWorkbook(b.stream(), true)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]sheet.Sheet{{Name: "Données"}}, w.Sheets()); diff != "" {
			t.Errorf("Sheets mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestRK(t *testing.T) {
	tests := []struct {
		name string
		in   uint32
		want float64
	}{
		{"integer", 42<<2 | 2, 42},
		{"negative integer", 0xFFFFFFE6, -7},
		{"integer hundredths", 1234<<2 | 3, 12.34},
		{"float", 0x40040000, 2.5},
		{"float hundredths", 0x40590000 | 1, 1},
		{"zero", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rk(tt.in); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("rk(%#x) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
