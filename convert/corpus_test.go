// The corpus run takes seconds, and half a minute under the race
// detector: CI runs it once without it (.ci/run).

//go:build !race

package convert

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"

	"github.com/ovsync/ovsync/convert/internal/sheettest"
	"github.com/ovsync/ovsync/internal/corpus"
	"github.com/ovsync/ovsync/internal/peakrss"
)

// corpusWorkbooks are the names of the corpora's files that convert
// reads: workbooks of every kind, and the text files saved by
// spreadsheet programs (UTF-16 .txt, .tsv, HTML).
var corpusWorkbooks = []string{".xls", ".xlsx", ".xlsm", ".xlsb", ".ods", ".fods", ".htm", ".html", ".txt", ".tsv", ".biff5", ".xls5", ".csv"}

// corpusHang is how long reading one file may take before the test
// stops, naming it: not a measure of speed (the slowest file takes a
// fraction of a second), a guard against a loop that never ends.
const corpusHang = 60 * time.Second

// fixWords are the verbs that start the fix a refusal ends with.
var fixWords = regexp.MustCompile(`: (?:[^:]*\b)?(open|save|export|give|check|delete|fill|choose|remove|rename|convert|name|unzip|fix|quote|use|leave|decrypt|clear|let|type)\b`)

// readFully opens the input at path the way convert does and reads every
// cell of every sheet, hidden ones included. It returns the number of
// sheets, whether the calculation engine computed a cell (its memory is
// not the reader's), and what it read, by sheet: the cells as text (an
// error cell by its error).
func readFully(path string) (sheets int, engine bool, grid [][][]string, err error) {
	in, err := openInput(path, readOptions{note: func(string) {}})
	if err != nil {
		return 0, false, nil, err
	}
	defer in.close()
	for _, s := range in.sheets {
		rd, err := s.open()
		if err != nil {
			return len(in.sheets), engine, grid, fmt.Errorf("%s: %w", in.display(s), err)
		}
		var rows [][]string
		for rd.Next() {
			for len(rows) < rd.Row() {
				rows = append(rows, nil)
			}
			rec := make([]string, rd.Len())
			for c := range rec {
				v, e := rd.Cell(c)
				if e != "" {
					v = e
				}
				computed, unknown := rd.Formula(c)
				engine = engine || (computed || unknown != "") && in.format == FormatXLSX
				rec[c] = v
				_ = rd.CellName(c)
			}
			_ = rd.RowName()
			rows = append(rows, rec)
		}
		err = rd.Err()
		rd.Close()
		grid = append(grid, rows)
		if err != nil {
			return len(in.sheets), engine, grid, fmt.Errorf("%s: %w", in.path, err)
		}
	}
	return len(in.sheets), engine, grid, nil
}

// corpusResult is what reading one file of the corpora gave.
type corpusResult struct {
	rel    string
	grid   [][][]string
	failed bool // refused or an error
}

// TestCorpusWorkbooks reads every workbook and spreadsheet export of the
// shared corpora (calamine, xlrd, Apache POI, SheetJS, roo, tealeg/xlsx,
// excelize, frictionless: .xls of every BIFF, .xlsx, .xlsm, .xlsb, .ods,
// .fods, HTML, UTF-16 text), bug repros, fuzzer crashes, zip bombs and
// encrypted files included, through convert's reading: every cell of
// every sheet, then a whole conversion. Nothing panics or hangs; what a
// file allocates stays within the readers' stated bound (64 bytes for
// each byte of the file and of what it unzips, and 4 MiB for each sheet;
// the calculation engine, which holds a workbook in memory, aside); a
// file convert cannot use is refused with lines of UTF-8 that each name
// the file and end with what to do. Where SheetJS's CSV rendering of a
// sheet is there (NAME.EXT.N.csv), the cells read are compared with it.
func TestCorpusWorkbooks(t *testing.T) {
	dir := corpus.Dir(t)
	var files []string
	for _, p := range corpus.Files(t, dir, corpusWorkbooks...) {
		base := strings.ToUpper(filepath.Base(p))
		if strings.HasPrefix(base, "LICENSE") || strings.HasPrefix(base, "NOTICE") {
			continue
		}
		files = append(files, p)
	}
	if len(files) < 1000 {
		t.Fatalf("%d workbooks in %s: the corpora are incomplete", len(files), dir)
	}
	out := t.TempDir()
	start := time.Now()
	results := map[string]*corpusResult{}
	refused := 0
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		res := &corpusResult{rel: rel}
		results[path] = res
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		hang := time.AfterFunc(corpusHang, func() {
			panic(fmt.Sprintf("convert has been reading %s for %v: it hangs", rel, corpusHang))
		})
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic: %v\n%s", rel, p, debug.Stack())
					res.failed = true
				}
			}()
			var sheets int
			var engine bool
			var err error
			n := peakrss.Allocated(func() { sheets, engine, res.grid, err = readFully(path) })
			if err != nil {
				res.failed = true
				checkRefusal(t, rel, path, err.Error())
			}
			real := int64(len(data)) + sheettest.Unzipped(data, 1<<30)
			if limit := 64*uint64(real) + (4<<20)*uint64(1+sheets); n > limit && !engine {
				t.Errorf("%s: %d bytes (%d unzipped): %d bytes allocated, more than %d", rel, len(data), real, n, limit)
			}
			_, err = Run(Options{Inputs: []string{path}, OutDir: out})
			if err != nil {
				refused++
				for _, line := range strings.Split(err.Error(), "\n") {
					checkRefusal(t, rel, path, line)
				}
			}
		}()
		hang.Stop()
	}
	t.Logf("%d files read in %v (%d refused, whether unreadable or without a header)", len(files), time.Since(start).Round(time.Millisecond), refused)
	compareBaselines(t, dir, results)
}

// checkRefusal fails unless msg, a line of a refusal of the file at path,
// is one line of UTF-8 that names the file and says what to do.
func checkRefusal(t *testing.T, rel, path, msg string) {
	t.Helper()
	switch {
	case !utf8.ValidString(msg) || strings.ContainsAny(msg, "\r\n"):
		t.Errorf("%s: a message that is not one line of UTF-8: %q", rel, msg)
	case !strings.Contains(msg, path):
		t.Errorf("%s: a message that does not name the file: %q", rel, msg)
	case !fixWords.MatchString(msg):
		t.Errorf("%s: a message that does not say what to do: %q", rel, msg)
	}
}

// baselineName is SheetJS's CSV rendering of a sheet: NAME.EXT.N.csv for
// sheet N of NAME.EXT.
var baselineName = regexp.MustCompile(`^(.+)\.(\d+)\.csv$`)

// compareBaselines compares the sheets read with SheetJS's CSV renderings
// of them (and Excel 2011's, in sheetjs/2011/, of workbooks of POI, roo,
// xlrd and SheetJS), where the workbook is there. They write what
// Excel shows (dates as 3/4/19, numbers to 10 digits, percentages,
// currencies); ovsync writes the value a person means (ISO dates, 15
// significant digits). So a cell compares when SheetJS's text is text
// (equal), a plain number or a percentage (the same number, to the
// digits shown), a boolean or an error; dates, times and other formatted
// numbers do not compare. A sheet ovsync refused is not compared.
func compareBaselines(t *testing.T, dir string, results map[string]*corpusResult) {
	t.Helper()
	baselines := corpus.Files(t, dir, ".csv")
	compared, cells := 0, 0
	for _, b := range baselines {
		m := baselineName.FindStringSubmatch(filepath.Base(b))
		if m == nil {
			continue
		}
		res := results[baselineSource(dir, b, m[1])]
		if res == nil || res.failed {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		if n >= len(res.grid) {
			t.Errorf("%s: SheetJS renders sheet %d, ovsync reads %d sheets", res.rel, n, len(res.grid))
			continue
		}
		data, err := os.ReadFile(b)
		if err != nil {
			t.Fatal(err)
		}
		// Excel 2011 wrote its renderings in Windows-1252 (a character
		// it lacks as "_"), lines and line breaks in cells ended by CR.
		cp1252 := !utf8.Valid(data)
		if cp1252 {
			if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Contains(data, []byte("\n")) {
			data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
		}
		data = bytes.TrimPrefix(data, []byte("\uFEFF"))
		comma := ','
		if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
			comma = ';' // a rendering in a locale that separates with ; (and writes 1,5)
		}
		want, err := readRendering(data, comma)
		if err != nil {
			continue // not one CSV reading: nothing to compare
		}
		if numberFormats.MatchString(res.rel) {
			continue // workbooks of number formats: their renderings are the formats
		}
		compared++
		got := res.grid[n]
		// SheetJS renders a sheet from the first row and column of its
		// used range, ovsync from A1: line the two up by their first
		// non-empty row and column.
		r0, c0 := origin(got)
		w0, wc0 := origin(want)
		dr, dc := r0-w0, c0-wc0
		var diffs []string
		for i, rec := range want {
			for j, w := range rec {
				g := ""
				if gi, gj := i+dr, j+dc; gi >= 0 && gj >= 0 && gi < len(got) && gj < len(got[gi]) {
					g = got[gi][gj]
				}
				if cp1252 {
					g = inCP1252(g)
				}
				same, comparable := sameCell(strings.ReplaceAll(w, "\r", "\n"), g, comma == ';')
				if !comparable {
					continue
				}
				cells++
				if !same && len(diffs) < 5 {
					diffs = append(diffs, fmt.Sprintf("%s%d: SheetJS %q, ovsync %q", colName(j), i+1, w, g))
				}
			}
		}
		key := fmt.Sprintf("%s sheet %d", filepath.ToSlash(res.rel), n)
		why, known := knownDifferences[key]
		switch {
		case len(diffs) > 0 && known:
			t.Logf("%s differs from %s, as known (%s): %s", key, filepath.Base(b), why, strings.Join(diffs, "; "))
		case len(diffs) > 0:
			t.Errorf("%s differs from %s: %s", key, filepath.Base(b), strings.Join(diffs, "; "))
		case known:
			t.Errorf("%s is the same as %s: take it off the known differences", key, filepath.Base(b))
		}
	}
	t.Logf("%d sheets compared with SheetJS's renderings, %d cells", compared, cells)
	if compared < 10 {
		t.Errorf("only %d sheets compared with SheetJS's renderings", compared)
	}
}

// baselineSource returns the workbook a rendering NAME.N.csv is of: in its
// own folder, or for Excel 2011's renderings of other projects' files
// (sheetjs/2011/apachepoi_NAME, roo_NAME, xlrd_NAME) in that project's
// folder.
func baselineSource(dir, rendering, name string) string {
	if filepath.Base(filepath.Dir(rendering)) != "2011" {
		return filepath.Join(filepath.Dir(rendering), name)
	}
	for _, p := range [][2]string{{"apachepoi_", "poi/spreadsheet"}, {"roo_", "roo"}, {"xlrd_", "xlrd"}} {
		if rest, ok := strings.CutPrefix(name, p[0]); ok {
			return filepath.Join(dir, filepath.FromSlash(p[1]), rest)
		}
	}
	return filepath.Join(dir, "sheetjs", name)
}

// knownDifferences are the sheets whose reading differs from their
// rendering for a reason ovsync knows and does not fix (yet).
var knownDifferences = map[string]string{
	// Excel 2011 recalculated what the file stores: "Etude du
	// portefeuille ''" for ="…'"&ref&"'", 0 for =Sheet!ref of a text.
	// A stored result whose kind its formula does not settle is read as
	// stored (see the package doc).
	"poi/spreadsheet/44861.xls sheet 0": "stale results stored for formulas of references",
}

// numberFormats are the workbooks made to test number formats: what
// their renderings show is the formats, not values to compare.
var numberFormats = regexp.MustCompile(`(?i)number_?format|numfmt`)

// localNumber is a number as a locale with decimal commas writes it.
var localNumber = regexp.MustCompile(`^\s*-?[\d.,\s]+\s*$`)

// readRendering reads a CSV rendering of a sheet, its empty lines kept
// as empty rows (encoding/csv skips them).
func readRendering(data []byte, comma rune) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord, r.LazyQuotes, r.Comma = -1, true, comma
	var out [][]string
	end := 0 // the line the last record ended on
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		for ; end+1 < line; end++ {
			out = append(out, nil)
		}
		last, _ := r.FieldPos(len(rec) - 1)
		end = last + strings.Count(rec[len(rec)-1], "\n")
		out = append(out, rec)
	}
}

// inCP1252 returns s as Windows-1252 can write it, a character it lacks
// as "_", as Excel 2011 wrote its renderings.
func inCP1252(s string) string {
	var b strings.Builder
	for _, r := range s {
		if _, ok := charmap.Windows1252.EncodeRune(r); ok {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Formatted renderings that do not compare: dates and times (3/4/19,
// 08:30, 24-11-06, Tuesday, May 03, 1988), numbers with thousands
// separators, currencies before or after, accounting's " - " and (1),
// fractions, exponents, numbers in literal formats (42272-00558).
var formatted = regexp.MustCompile(`^\(\d.*\)$|[$€£¥]|\d[/:]\d|\d,\d\d\d|[a-zA-Z]{3}-\d|\d-[a-zA-Z]{3}|\d\s+\d+/\d|\d[eE][-+]?\d|^\d+(-\d+)+$|^-$|(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d`)

// sameCell compares SheetJS's rendering w of a cell with ovsync's g, and
// says whether the rendering compares at all. In a locale that writes
// decimal commas, numbers do not compare.
func sameCell(w, g string, decimalComma bool) (same, comparable bool) {
	switch {
	case w == g:
		return true, true
	case formatted.MatchString(strings.TrimSpace(w)), decimalComma && localNumber.MatchString(w):
		return false, false
	}
	w = strings.TrimSpace(w) // accounting formats pad numbers
	if pct, ok := strings.CutSuffix(w, "%"); ok {
		if v, err := strconv.ParseFloat(pct, 64); err == nil {
			return closeTo(v/100, g, pct), true
		}
	}
	if v, err := strconv.ParseFloat(w, 64); err == nil {
		return closeTo(v, g, w), true
	}
	switch strings.ToUpper(w) {
	case "TRUE", "FALSE":
		return strings.EqualFold(w, g), true
	}
	return false, true
}

// closeTo reports whether g is the number v, shown as text with as many
// digits: renderings round to what the format shows, and a format's
// section for negative numbers may leave the sign out.
func closeTo(v float64, g, text string) bool {
	x, err := strconv.ParseFloat(g, 64)
	if err != nil {
		return false
	}
	if v >= 0 {
		x = math.Abs(x)
	}
	digits := 0
	if i := strings.IndexByte(text, '.'); i >= 0 {
		digits = len(text) - i - 1
	}
	return math.Abs(x-v) <= 0.5*math.Pow(10, -float64(digits))*1.0001+1e-9*math.Abs(v)
}

// origin returns the first row holding a value and the first column
// holding one in any row.
func origin(rows [][]string) (row, col int) {
	row, col = -1, math.MaxInt
	for i, rec := range rows {
		for j, v := range rec {
			if v != "" {
				if row < 0 {
					row = i
				}
				col = min(col, j)
				break
			}
		}
	}
	if row < 0 {
		return 0, 0
	}
	return row, col
}

// colName names a 0-based column as a spreadsheet does: A, B, … AA.
func colName(c int) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

// TestCorpusCSVSpectrum reads every file of the csv-spectrum corpus as
// convert reads a text export and compares the records with its JSON
// twin (header row as keys; CRLF in a quoted field read as LF), as lint's
// reader is compared with it. A file with a quote inside an unquoted
// field is refused, naming the line, rather than read some way.
func TestCorpusCSVSpectrum(t *testing.T) {
	dir := filepath.Join(corpus.Dir(t), "csv-spectrum")
	files, err := filepath.Glob(filepath.Join(dir, "csvs", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files in %s: %v", dir, err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".csv")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, "json", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var want []map[string]string
			if err := json.Unmarshal(raw, &want); err != nil {
				var one map[string]string // one twin holds a single object
				if err := json.Unmarshal(raw, &one); err != nil {
					t.Fatal(err)
				}
				want = []map[string]string{one}
			}
			_, _, grid, err := readFully(path)
			if err != nil {
				checkRefusal(t, name, path, err.Error())
				if name != "location_coordinates" {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			rows := grid[0]
			var got []map[string]string
			for _, r := range rows[1:] {
				m := map[string]string{}
				for i, v := range r {
					m[rows[0][i]] = v
				}
				got = append(got, m)
			}
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
