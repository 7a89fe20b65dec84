package convert

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/ovsync/ovsync/lint"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// fixtures holds the spreadsheets written by LibreOffice and Gnumeric;
// its README says how each was made, and its golden/ folder what each
// sheet must read as.
const fixtures = "../testdata/spreadsheets"

// textGolden holds what the fixtures that are not workbooks (text and
// HTML named .xls) must read as: their values as written, dates
// included, since a text file has no number formats.
const textGolden = "testdata/golden"

// goldenFor returns the golden file of a fixture's sheet: the shared
// golden/<name>.<sheet>.csv of a workbook and its .xlsx twin, or this
// package's own for text.
// noValue stands in the golden files for a formula cell without a value
// ovsync can be sure of.
const noValue = "(no value)"

func goldenFor(file, sheet string) string {
	base := file[:len(file)-len(filepath.Ext(file))]
	if sheet == "" {
		return filepath.Join(textGolden, base+".csv")
	}
	if strings.HasPrefix(sheet, "table ") {
		return filepath.Join(textGolden, base+"."+sheet+".csv")
	}
	return filepath.Join(fixtures, "golden", base+"."+sheet+".csv")
}

// readSheet reads every row of a sheet as the fields of a CSV file: an
// error cell gives its error, a row the workbook skips is empty, and
// every row is padded to the width of the widest.
func readSheet(t *testing.T, s *inputSheet) [][]string {
	t.Helper()
	rd, err := s.open()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	out := [][]string{}
	width := 0
	for rd.Next() {
		for len(out) < rd.Row() {
			out = append(out, nil)
		}
		var rec []string
		for c := 0; c < rd.Len(); c++ {
			v, e := rd.Cell(c)
			if e != "" {
				v = e
			}
			if _, unknown := rd.Formula(c); unknown != "" {
				v = noValue
			}
			rec = append(rec, v)
		}
		for len(rec) > 0 && rec[len(rec)-1] == "" {
			rec = rec[:len(rec)-1]
		}
		out = append(out, rec)
		width = max(width, len(rec))
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	for i := range out {
		for len(out[i]) < width {
			out[i] = append(out[i], "")
		}
	}
	return out
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create a golden file of this package)", err)
	}
	return parseCSV(t, data)
}

func parseCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if records == nil {
		records = [][]string{}
	}
	return records
}

func writeCSVFile(t *testing.T, path string, records [][]string) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFixtureSheets reads every sheet of every fixture through format
// detection and the reader it picks, and compares it cell by cell with
// its golden file.
func TestFixtureSheets(t *testing.T) {
	var paths []string
	for _, pattern := range []string{"*.xls*", "*.ods", "*.fods"} {
		p, err := filepath.Glob(filepath.Join(fixtures, pattern))
		if err != nil || len(p) == 0 {
			t.Fatalf("no %s fixtures: %v", pattern, err)
		}
		paths = append(paths, p...)
	}
	for _, path := range paths {
		file := filepath.Base(path)
		if file == "Password Protected.xls" {
			continue // TestRunErrors
		}
		t.Run(file, func(t *testing.T) {
			in, err := openInput(path, readOptions{note: func(string) {}})
			if err != nil {
				t.Fatal(err)
			}
			defer in.close()
			for _, s := range in.sheets {
				got := readSheet(t, s)
				golden := goldenFor(file, s.name)
				if *update && strings.HasPrefix(golden, textGolden) {
					writeCSVFile(t, golden, got)
				}
				want := readCSVFile(t, golden)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("sheet %q differs from %s (-want +got):\n%s", s.name, golden, diff)
				}
			}
		})
	}
}

// TestFixtureFormats checks what each fixture is detected as.
func TestFixtureFormats(t *testing.T) {
	tests := map[string]struct {
		format Format
		enc    string
		delim  rune
	}{
		"Org.xlsx":               {FormatXLSX, "", 0},
		"Org.xls":                {FormatXLS, "", 0},
		"Org.ods":                {FormatODS, "", 0},
		"Org.fods":               {FormatODS, UTF8, 0},
		"Password Protected.xls": {FormatXLS, "", 0},
		"HRMS Export.xls":        {FormatText, UTF8, ','},
		"Unicode Export.xls":     {FormatText, UTF16LE, '\t'},
		"Web Export.xls":         {FormatHTML, UTF8, 0},
	}
	for file, want := range tests {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(fixtures, file))
			if err != nil {
				t.Fatal(err)
			}
			d := Detect(data[:min(len(data), 4096)], len(data) <= 4096)
			if d.Format != want.format || d.Encoding != want.enc && want.enc != "" {
				t.Errorf("Detect = %v %s, want %v %s", d.Format, d.Encoding, want.format, want.enc)
			}
			if want.delim != 0 {
				in, err := openInput(filepath.Join(fixtures, file), readOptions{note: func(string) {}})
				if err != nil {
					t.Fatal(err)
				}
				defer in.close()
				if in.delim != want.delim {
					t.Errorf("delimiter %q, want %q", in.delim, want.delim)
				}
			}
		})
	}
}

// convertTo runs the conversion of inputs into a new folder and returns
// the folder.
func convertTo(t *testing.T, opt Options) (string, *Result) {
	t.Helper()
	dir := t.TempDir()
	if opt.OutDir == "" && opt.Config == "" && opt.Output == "" {
		opt.OutDir = dir
	}
	res, err := Run(opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return dir, res
}

func fixture(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(fixtures, n)
	}
	return out
}

// TestConvertFixtures converts the organisation fixtures and compares
// each output file, cell by cell, with the golden file of the sheet it
// came from; the outputs are UTF-8 without a byte order mark, with LF
// line ends.
func TestConvertFixtures(t *testing.T) {
	samples := map[lint.Kind]string{
		lint.KindUsers:   "Users Sample .Users.csv",
		lint.KindGroups:  "Groups Sample.Groups.csv",
		lint.KindMapping: "Groups Mapping Sample.Mapping.csv",
	}
	org := map[lint.Kind]string{lint.KindUsers: "Org.Users.csv", lint.KindGroups: "Org.Groups.csv", lint.KindMapping: "Org.Mapping.csv"}
	tests := []struct {
		name   string
		inputs []string
		want   map[lint.Kind]string // golden file under golden/ by kind
		text   map[lint.Kind]string // golden file of this package by kind
	}{
		{"the three sample workbooks", fixture("Users Sample .xls", "Groups Sample.xls", "Groups Mapping Sample.xls"), samples, nil},
		{"three-sheet xls", fixture("Org.xls"), org, nil},
		{"three-sheet xlsx", fixture("Org.xlsx"), org, nil},
		{"csv named xls", fixture("HRMS Export.xls"), nil, map[lint.Kind]string{lint.KindUsers: "HRMS Export.csv"}},
		{"utf-16 text named xls", fixture("Unicode Export.xls"), nil, map[lint.Kind]string{lint.KindUsers: "Unicode Export.csv"}},
		{"html named xls", fixture("Web Export.xls"), map[lint.Kind]string{lint.KindGroups: "Groups Sample.Groups.csv"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, res := convertTo(t, Options{Inputs: tt.inputs})
			written := 0
			check := func(k lint.Kind, golden string) {
				written++
				out := filepath.Join(dir, lint.Legacy.FileNames[k])
				if res.Outputs[k] != out {
					t.Errorf("output of %s = %q, want %q", k, res.Outputs[k], out)
				}
				data, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.HasPrefix(data, bomUTF8) || bytes.Contains(data, []byte("\r\n")) {
					t.Errorf("%s has a byte order mark or CR LF line ends", out)
				}
				if diff := cmp.Diff(readCSVFile(t, golden), parseCSV(t, data)); diff != "" {
					t.Errorf("%s differs from %s (-want +got):\n%s", out, golden, diff)
				}
			}
			for k, g := range tt.want {
				check(k, filepath.Join(fixtures, "golden", g))
			}
			for k, g := range tt.text {
				check(k, filepath.Join(textGolden, g))
			}
			if len(res.Outputs) != written {
				t.Errorf("wrote %d files, want %d: %v", len(res.Outputs), written, res.Outputs)
			}
		})
	}
}

// TestTemplateRoundTrip converts the template of each format back: the
// files are those of the format, and lint finds nothing wrong with them.
func TestTemplateRoundTrip(t *testing.T) {
	for _, v := range lint.Vocabularies {
		t.Run(v.Name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "template.xlsx")
			var buf bytes.Buffer
			if err := WriteTemplate(&buf, v); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			// The language drop-down offers the format's spellings.
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			dvs, err := f.GetDataValidations(templateSheets[v][lint.KindUsers])
			f.Close()
			if err != nil || len(dvs) != 1 {
				t.Fatalf("%d drop-down lists on the users sheet (%v), want 1", len(dvs), err)
			}
			if want := `"` + strings.Join(v.Languages, ",") + `"`; dvs[0].Formula1 != want {
				t.Errorf("language drop-down %s, want %s", dvs[0].Formula1, want)
			}
			out := filepath.Join(dir, "Data")
			res, err := Run(Options{Inputs: []string{path}, OutDir: out})
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != v {
				t.Errorf("converted as %s, want %s", res.Format.Name, v.Name)
			}
			var skipped, sheets []string
			for _, s := range res.Sheets {
				if !s.Converted {
					skipped = append(skipped, s.Sheet)
				} else {
					sheets = append(sheets, s.Sheet)
				}
			}
			if diff := cmp.Diff([]string{"Instructions"}, skipped); diff != "" {
				t.Errorf("skipped sheets (-want +got):\n%s", diff)
			}
			want := templateSheets[v]
			if diff := cmp.Diff(want[:], sheets); diff != "" {
				t.Errorf("converted sheets (-want +got):\n%s", diff)
			}
			rep, err := lint.Run(lint.Options{
				Users:   filepath.Join(out, v.FileNames[lint.KindUsers]),
				Groups:  filepath.Join(out, v.FileNames[lint.KindGroups]),
				Mapping: filepath.Join(out, v.FileNames[lint.KindMapping]),
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) > 0 {
				t.Errorf("lint found %d problems in the converted template, first: %+v", len(rep.Findings), rep.Findings[0])
			}
			users := readCSVFile(t, filepath.Join(out, v.FileNames[lint.KindUsers]))
			lang := slices.Index(users[0], v.Column(lint.KindUsers, lint.UserLanguage))
			for _, rec := range users[1:] {
				if rec[lang] != "" && !slices.Contains(v.Languages, rec[lang]) {
					t.Errorf("language %q is not one of %v", rec[lang], v.Languages)
				}
			}
		})
	}
}

// TestConvertToConfig writes to the paths of a config.json, relative to
// its folder, creating the data folder.
func TestConvertToConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	if err := os.WriteFile(cfg, []byte(`{"Configuration": {"ApiUrl": "https://app.officevibe.com", "UsersCsv": "./Data/u.csv", "GroupsCsv": "./Data/g.csv", "MappingCsv": "./Data/m.csv"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Inputs: fixture("Org.xlsx"), Config: dir})
	if err != nil {
		t.Fatal(err)
	}
	for k, name := range map[lint.Kind]string{lint.KindUsers: "u.csv", lint.KindGroups: "g.csv", lint.KindMapping: "m.csv"} {
		want := filepath.Join(dir, "Data", name)
		if res.Outputs[k] != want {
			t.Errorf("%s written to %q, want %q", k, res.Outputs[k], want)
		}
		if _, err := os.Stat(want); err != nil {
			t.Error(err)
		}
	}
}

// TestConvertToStdout writes one kind to standard output.
func TestConvertToStdout(t *testing.T) {
	var out bytes.Buffer
	_, err := Run(Options{Inputs: fixture("Org.xlsx"), Output: "-", Kind: "groups", Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	want := readCSVFile(t, filepath.Join(fixtures, "golden", "Org.Groups.csv"))
	if diff := cmp.Diff(want, parseCSV(t, out.Bytes())); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}

// TestAllOrNothing: when one input fails, no output is written or
// replaced, and a folder made for the outputs is removed again.
func TestAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	old := []byte("id,email\nold,old@example.com\n")
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(Options{Inputs: fixture("Groups Sample.xls", "Users Lookup Error.xlsx"), OutDir: dir})
	if err == nil || !strings.Contains(err.Error(), "Users!G12 (#N/A)") {
		t.Fatalf("error = %v, want the #N/A cell", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only the old users.csv", names)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "users.csv")); !bytes.Equal(got, old) {
		t.Errorf("users.csv was replaced: %q", got)
	}
	fresh := filepath.Join(dir, "new", "Data")
	if _, err := Run(Options{Inputs: fixture("Password Protected.xls"), OutDir: fresh}); err == nil {
		t.Fatal("no error")
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the output folder was left behind: %v", err)
	}
}

// TestWorkbookNotes checks what is reported about a sheet's layout: the
// columns renamed, the rows above the header, the empty rows in the
// middle (rows a workbook does not store included), the values in
// columns without a header, the sheets skipped.
func TestWorkbookNotes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hr.xlsx")
	data := workbook(t,
		sheetData{"Notes", [][]any{{"exported by the HR system"}}},
		sheetData{"Staff", [][]any{
			{"Staff list"},
			{"Employee ID"},
			{"ID", "Email Address", "e_mail", "First Name", nil, "Department"},
			{"00101", "x", "ana@example.com", "Ana", nil, "R&D"},
			{},
			{"00102", "y", "li@example.com", "Li", "stray", "People"},
			{},
			{"00103", "z", "sam@example.com", "Sam", nil, "Sales"},
			{},
		}},
		sheetData{"Empty", nil},
	)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var log, out bytes.Buffer
	_, err := Run(Options{Inputs: []string{path}, Output: "-", Stdout: &out, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	want := "id,Email Address,email,firstName,Department\n00101,x,ana@example.com,Ana,R&D\n00102,y,li@example.com,Li,People\n00103,z,sam@example.com,Sam,Sales\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	notes := strings.SplitAfter(log.String(), "\n")
	for i, n := range notes {
		notes[i] = strings.ReplaceAll(n, path, "hr.xlsx")
	}
	for _, w := range []string{
		"hr.xlsx: Staff: renamed columns: ID → id, e_mail → email, First Name → firstName\n",
		"hr.xlsx: Staff: the header is on row 3: the rows above it are skipped\n",
		"hr.xlsx: Staff: skipped 2 rows: empty (row 5, row 7)\n",
		"hr.xlsx: Staff: skipped 1 value in columns without a header (Staff!E6): give the column a name to keep it\n",
		"hr.xlsx: Notes: skipped: no header of users.csv, groups.csv, groups-mapping.csv in its first 20 rows (row 1 reads \"exported by the HR system\")\n",
		"hr.xlsx: Empty: skipped: the sheet is empty\n",
	} {
		found := false
		for _, n := range notes {
			found = found || n == w
		}
		if !found {
			t.Errorf("the log does not say %q:\n%s", w, strings.Join(notes, ""))
		}
	}
}

// TestProgress shows a progress line on the writer given, and erases it.
func TestProgress(t *testing.T) {
	defer func(d time.Duration) { progressDelay = d }(progressDelay)
	progressDelay = 0
	dir := t.TempDir()
	path := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(path, usersCSV(20000), 0o644); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	if _, err := Run(Options{Inputs: []string{path}, OutDir: dir, Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	p := progress.String()
	if !strings.Contains(p, "\rconverting "+path+": line 4097 (") || !strings.HasSuffix(p, "\r") {
		t.Errorf("progress %q", p)
	}
}

func TestNormalise(t *testing.T) {
	for in, want := range map[string]string{
		"First Name": "firstname", "first_name": "firstname", "FIRSTNAME": "firstname", "first-name": "firstname",
		" e-mail ": "email", "Group ID": "groupid", "is_Manager": "ismanager", "\uFEFFid": "id", "Hiring Date": "hiringdate",
	} {
		if got := normalise(in); got != want {
			t.Errorf("normalise(%q) = %q, want %q", in, got, want)
		}
	}
}
