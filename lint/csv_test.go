package lint

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/corpus"
)

// readAll reads every record of data, returning the records (fields and
// positions) and the findings.
func readAll(t testing.TB, data []byte) (recs []testRecord, findings []Finding) {
	t.Helper()
	r := NewCSVReader("f.csv", bytes.NewReader(data), func(f Finding) { findings = append(findings, f) })
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, findings
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		tr := testRecord{Line: rec.Line, Fields: append([]string(nil), rec.Fields...), Broken: rec.Broken}
		for i := range rec.Fields {
			l, c := rec.Pos(i)
			tr.Pos = append(tr.Pos, [2]int{l, c})
		}
		recs = append(recs, tr)
	}
}

type testRecord struct {
	Line   int
	Fields []string
	Pos    [][2]int
	Broken bool
}

// TestCSVSpectrum reads every file of the csv-spectrum corpus and compares
// the records with its JSON twin.
func TestCSVSpectrum(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpus.Dir(t), "csv-spectrum", "csvs", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".csv")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(path, "..", "..", "json", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var want []map[string]string
			if err := json.Unmarshal(raw, &want); err != nil {
				// One twin holds a single object rather than a list.
				var one map[string]string
				if err := json.Unmarshal(raw, &one); err != nil {
					t.Fatal(err)
				}
				want = []map[string]string{one}
			}
			if name == "location_coordinates" {
				// Upstream erratum: the twin's phone number is not the
				// file's. Its bare quotes are what the file tests.
				want[0]["Contact Phone Number"] = "2095257564"
			}
			recs, findings := readAll(t, data)
			for _, f := range findings {
				// Bare quotes are reported, and the field kept as written.
				if f.Rule != RuleCSVSyntax || name != "location_coordinates" {
					t.Errorf("finding: %v", f)
				}
			}
			if len(recs) == 0 {
				t.Fatal("no header")
			}
			header := recs[0].Fields
			var got []map[string]string
			for _, r := range recs[1:] {
				m := map[string]string{}
				for i, v := range r.Fields {
					m[header[i]] = v
				}
				got = append(got, m)
			}
			// The corpus writes CRLF inside quoted fields of *_crlf files
			// as it is in the file; encoding/csv, like RFC 4180 readers in
			// Go, turns CRLF into LF.
			for _, m := range want {
				for k, v := range m {
					m[k] = strings.ReplaceAll(v, "\r\n", "\n")
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCSVReaderPositions(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []testRecord
		findings []string // "rule line:col"
	}{
		{
			name: "plain",
			in:   "id,email\n1,a@b.co\n22,c@d.co\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "email"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"1", "a@b.co"}, Pos: [][2]int{{2, 1}, {2, 3}}},
				{Line: 3, Fields: []string{"22", "c@d.co"}, Pos: [][2]int{{3, 1}, {3, 4}}},
			},
		},
		{
			name: "bom and crlf",
			in:   "\xEF\xBB\xBFid,name\r\nT-1,Sales\r\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "name"}, Pos: [][2]int{{1, 1}, {1, 7}}},
				{Line: 2, Fields: []string{"T-1", "Sales"}, Pos: [][2]int{{2, 1}, {2, 5}}},
			},
		},
		{
			name: "embedded newline counts its lines",
			in:   "a,b\n\"x\ny\",z\nlast,one\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"a", "b"}, Pos: [][2]int{{1, 1}, {1, 3}}},
				{Line: 2, Fields: []string{"x\ny", "z"}, Pos: [][2]int{{2, 1}, {3, 4}}},
				{Line: 4, Fields: []string{"last", "one"}, Pos: [][2]int{{4, 1}, {4, 6}}},
			},
		},
		{
			name: "bare quote reported at the field start, reading goes on",
			in:   "a,b,c\n1,Sam \"The Man\",x\n2,ok,y\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"a", "b", "c"}, Pos: [][2]int{{1, 1}, {1, 3}, {1, 5}}},
				{Line: 2, Fields: []string{"1", "Sam \"The Man\"", "x"}, Pos: [][2]int{{2, 1}, {2, 3}, {2, 17}}},
				{Line: 3, Fields: []string{"2", "ok", "y"}, Pos: [][2]int{{3, 1}, {3, 3}, {3, 6}}},
			},
			findings: []string{"csv-syntax 2:3"},
		},
		{
			name: "text after a closing quote",
			in:   "a,b\n\"one\ntwo\"x,y\nz,w\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"a", "b"}, Pos: [][2]int{{1, 1}, {1, 3}}},
				{Line: 2, Fields: nil, Broken: true},
				{Line: 4, Fields: []string{"z", "w"}, Pos: [][2]int{{4, 1}, {4, 3}}},
			},
			findings: []string{"csv-syntax 2:1"},
		},
		{
			name: "unterminated quote at its start, after empty lines",
			in:   "a,b\n\n1,2\n3,\"open\nmore\nlines\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"a", "b"}, Pos: [][2]int{{1, 1}, {1, 3}}},
				{Line: 3, Fields: []string{"1", "2"}, Pos: [][2]int{{3, 1}, {3, 3}}},
				{Line: 4, Fields: []string{"3"}, Pos: [][2]int{{4, 1}}, Broken: true},
			},
			findings: []string{"blank-line 2:0", "csv-syntax 4:3"},
		},
		{
			name: "one finding per run of empty lines, none for the final newline",
			in:   "\n\na,b\n1,2\n\n\n\n3,4\r\n\r\n5,\"x\n\ny\"\n\n6,7\n\n",
			want: []testRecord{
				{Line: 3, Fields: []string{"a", "b"}, Pos: [][2]int{{3, 1}, {3, 3}}},
				{Line: 4, Fields: []string{"1", "2"}, Pos: [][2]int{{4, 1}, {4, 3}}},
				{Line: 8, Fields: []string{"3", "4"}, Pos: [][2]int{{8, 1}, {8, 3}}},
				{Line: 10, Fields: []string{"5", "x\n\ny"}, Pos: [][2]int{{10, 1}, {10, 3}}},
				{Line: 14, Fields: []string{"6", "7"}, Pos: [][2]int{{14, 1}, {14, 3}}},
			},
			// The empty line inside the quoted field is text, not a gap.
			findings: []string{"blank-line 1:0", "blank-line 5:0", "blank-line 9:0", "blank-line 13:0", "line-endings 8:0"},
		},
		{
			name: "crlf file with lf inside a quoted field is not a mix",
			in:   "id,note\r\n1,\"two\nlines\"\r\n2,x\r\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "note"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"1", "two\nlines"}, Pos: [][2]int{{2, 1}, {2, 3}}},
				{Line: 4, Fields: []string{"2", "x"}, Pos: [][2]int{{4, 1}, {4, 3}}},
			},
		},
		{
			name: "mixed record ends are reported once, at the first that differs",
			in:   "id,note\n1,a\r\n2,b\n3,c\r\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "note"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"1", "a"}, Pos: [][2]int{{2, 1}, {2, 3}}},
				{Line: 3, Fields: []string{"2", "b"}, Pos: [][2]int{{3, 1}, {3, 3}}},
				{Line: 4, Fields: []string{"3", "c"}, Pos: [][2]int{{4, 1}, {4, 3}}},
			},
			findings: []string{"line-endings 2:0"},
		},
		{
			name: "a quoted field over more than 3 lines is a runaway quote",
			in:   "id,note\n1,\"a\nb\nc\"\n2,\"a\nb\nc\nd\"\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "note"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"1", "a\nb\nc"}, Pos: [][2]int{{2, 1}, {2, 3}}},
				{Line: 5, Fields: []string{"2", "a\nb\nc\nd"}, Pos: [][2]int{{5, 1}, {5, 3}}},
			},
			findings: []string{"runaway-quote 5:3"},
		},
		{
			name: "a quoted field holding a whole record is a runaway quote",
			in:   "id,name,email\n1,\"Ana,a@b.co\n2,Bo,b@c.co\n3,Cy\",c@d.co\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "name", "email"}, Pos: [][2]int{{1, 1}, {1, 4}, {1, 9}}},
				{Line: 2, Fields: []string{"1", "Ana,a@b.co\n2,Bo,b@c.co\n3,Cy", "c@d.co"}, Pos: [][2]int{{2, 1}, {2, 3}, {4, 7}}},
			},
			findings: []string{"runaway-quote 2:3"},
		},
		{
			name: "semicolons are reported and read",
			in:   "id;name\nT-1;Sales, EMEA\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "name"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"T-1", "Sales, EMEA"}, Pos: [][2]int{{2, 1}, {2, 5}}},
			},
			findings: []string{"delimiter 1:0"},
		},
		{
			name: "tabs are reported and read",
			in:   "id\tname\nT-1\tSales\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "name"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"T-1", "Sales"}, Pos: [][2]int{{2, 1}, {2, 5}}},
			},
			findings: []string{"delimiter 1:0"},
		},
		{
			name: "classic mac line ends are reported and read",
			in:   "id,name\rT-1,Sales\rT-2,Ops\r",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "name"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"T-1", "Sales"}, Pos: [][2]int{{2, 1}, {2, 5}}},
				{Line: 3, Fields: []string{"T-2", "Ops"}, Pos: [][2]int{{3, 1}, {3, 5}}},
			},
			findings: []string{"csv-syntax 1:0"},
		},
		{
			// Found by fuzzing FuzzLint: the finding sat at column 6 of
			// this 5-byte line.
			name: "classic mac line ends with a quote never closed, at the field's start",
			in:   "\"K0A\r",
			want: []testRecord{
				{Line: 1, Fields: nil, Broken: true},
			},
			findings: []string{"csv-syntax 1:0", "csv-syntax 1:1"},
		},
		{
			name: "classic mac line ends with a bare quote, reading goes on",
			in:   "id,name\rT-1,Sa\"les\rT-2,Ops\r",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "name"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"T-1", "Sa\"les"}, Pos: [][2]int{{2, 1}, {2, 5}}},
				{Line: 3, Fields: []string{"T-2", "Ops"}, Pos: [][2]int{{3, 1}, {3, 5}}},
			},
			findings: []string{"csv-syntax 1:0", "csv-syntax 2:5"},
		},
		{
			name:     "utf-16 with bom yields nothing",
			in:       "\xFF\xFEi\x00d\x00\n\x00",
			findings: []string{"encoding 1:0"},
		},
		{
			name:     "utf-16 without bom yields nothing",
			in:       "i\x00d\x00,\x00n\x00a\x00m\x00e\x00\n\x00",
			findings: []string{"encoding 1:0"},
		},
		{
			name: "windows-1252 byte at its line and column, once",
			in:   "id,name\n1,Ren\xe9\n2,Zo\xeb\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "name"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"1", "Ren\xe9"}, Pos: [][2]int{{2, 1}, {2, 3}}},
				{Line: 3, Fields: []string{"2", "Zo\xeb"}, Pos: [][2]int{{3, 1}, {3, 3}}},
			},
			findings: []string{"encoding 2:3"},
		},
		{
			name: "bad byte on the second line of a quoted field",
			in:   "id,note\n1,\"ok\nab\xff\"\n",
			want: []testRecord{
				{Line: 1, Fields: []string{"id", "note"}, Pos: [][2]int{{1, 1}, {1, 4}}},
				{Line: 2, Fields: []string{"1", "ok\nab\xff"}, Pos: [][2]int{{2, 1}, {2, 3}}},
			},
			findings: []string{"encoding 3:3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, findings := readAll(t, []byte(tt.in))
			if diff := cmp.Diff(tt.want, recs); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			var got []string
			for _, f := range findings {
				got = append(got, f.Rule+" "+itoa(f.Line)+":"+itoa(f.Column))
			}
			if diff := cmp.Diff(tt.findings, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// FuzzCSVReader checks that the reader never panics, that every position
// falls inside the input, and that where encoding/csv reads the input
// without error the reader gives the same records.
func FuzzCSVReader(f *testing.F) {
	var seeds []string
	if dir, ok := corpus.Find(); ok {
		seeds, _ = filepath.Glob(filepath.Join(dir, "csv-spectrum", "csvs", "*.csv"))
	}
	more, _ := filepath.Glob("../testdata/*/Data/*.csv")
	for _, p := range append(seeds, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("a,b\n\"x\"y,z\n"))
	f.Add([]byte("a;b\n1;\"2\n"))
	f.Add([]byte("\"K0A\r")) // a quote never closed, classic Mac OS line ends
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := inputLines(t, data)
		// Read as a stream too (no rescanning of a malformed record):
		// the positions must still lie inside the input.
		readInside(t, lines, struct{ io.Reader }{bytes.NewReader(data)})
		var findings []Finding
		r := NewCSVReader("f.csv", bytes.NewReader(data), func(f Finding) { findings = append(findings, f) })
		var got [][]string
		for n := 0; ; n++ {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if n > len(data)+1 {
				t.Fatal("more records than bytes")
			}
			if err := checkInside(lines, rec.Line, 1, -1); err != nil {
				t.Fatalf("record: %v", err)
			}
			for i := range rec.Fields {
				l, c := rec.Pos(i)
				if err := checkInside(lines, l, c, -1); err != nil || c < 1 {
					t.Fatalf("field %d at %d:%d: %v", i, l, c, err)
				}
			}
			if !rec.Broken {
				got = append(got, append([]string(nil), rec.Fields...))
			}
		}
		for _, f := range findings {
			if err := checkInside(lines, f.Line, f.Column, -1); err != nil {
				t.Fatalf("finding %v: %v", f, err)
			}
		}
		// Warnings (empty lines, mixed line ends, long quoted fields) do
		// not change the records: only errors end the comparison.
		errs := 0
		for _, f := range findings {
			if withDefaultSeverity(f).Severity == Error {
				errs++
			}
		}
		if errs > 0 || len(data) > 0 && (data[0] == 0xFF || data[0] == 0xFE || data[0] == 0xEF) {
			return
		}
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		if r.Comma() != ',' {
			return
		}
		want, err := cr.ReadAll()
		var pe *csv.ParseError
		if errors.As(err, &pe) || err != nil {
			return
		}
		if len(want) == 0 {
			want = nil
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("records differ from encoding/csv (-want +got):\n%s", diff)
		}
	})
}

// readInside reads every record of r and fails unless every record,
// field and finding lies inside lines.
func readInside(t *testing.T, lines [][]byte, r io.Reader) {
	t.Helper()
	var findings []Finding
	cr := NewCSVReader("f.csv", r, func(f Finding) { findings = append(findings, f) })
	for {
		rec, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		for i := range rec.Fields {
			if l, c := rec.Pos(i); checkInside(lines, l, c, -1) != nil || c < 1 {
				t.Fatalf("stream: field %d at %d:%d outside the input", i, l, c)
			}
		}
	}
	for _, f := range findings {
		if err := checkInside(lines, f.Line, f.Column, -1); err != nil {
			t.Fatalf("stream: finding %v: %v", f, err)
		}
	}
}
