package build

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/lint"
)

// update rewrites the golden files of testdata/golden: go test -update.
var update = flag.Bool("update", false, "rewrite the golden files")

// result is what a build wrote and said.
type result struct {
	files   map[string]string // by file name
	log     string            // the columns, the summary
	warns   []string          // "message | hint"
	defects []string          // one per error, the input's folder cut from paths
	dir     string            // where the files are
}

// runOn builds from export (written to hr.csv in a new folder) into an out
// folder beside it.
func runOn(t testing.TB, export string, opt Options) result {
	t.Helper()
	dir := t.TempDir()
	if opt.Input == "" {
		opt.Input = filepath.Join(dir, "hr.csv")
		if err := os.WriteFile(opt.Input, []byte(export), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if opt.OutDir == "" && opt.Config == "" {
		opt.OutDir = filepath.Join(dir, "out")
	}
	return runOpt(t, opt)
}

// runOpt runs a build and collects what it did.
func runOpt(t testing.TB, opt Options) result {
	t.Helper()
	var log bytes.Buffer
	var r result
	opt.Log = &log
	opt.Warn = func(msg, hint string) { r.warns = append(r.warns, msg+" | "+hint) }
	_, err := Run(opt)
	r.log = log.String()
	r.dir = opt.OutDir
	if err != nil {
		errs := []error{err}
		var many interface{ Unwrap() []error }
		if errors.As(err, &many) {
			errs = many.Unwrap()
		}
		cut := filepath.Dir(opt.Input) + string(filepath.Separator)
		for _, e := range errs {
			r.defects = append(r.defects, strings.ReplaceAll(e.Error(), cut, ""))
		}
		return r
	}
	r.files = map[string]string{}
	if opt.OutDir != "" {
		entries, _ := os.ReadDir(opt.OutDir)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(opt.OutDir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			r.files[e.Name()] = string(b)
		}
	}
	return r
}

// lintClean lints the files of a build and fails on any error or
// warning: what build writes must lint with neither.
func lintClean(t testing.TB, dir string) *lint.Report {
	t.Helper()
	var paths [3]string
	for _, v := range lint.Vocabularies {
		if _, err := os.Stat(filepath.Join(dir, v.FileNames[0])); err == nil {
			for k, n := range v.FileNames {
				paths[k] = filepath.Join(dir, n)
			}
		}
	}
	rep, err := lint.Run(lint.Options{Users: paths[0], Groups: paths[1], Mapping: paths[2]})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Severity >= lint.Warning {
			t.Errorf("the build does not lint clean: %s\n    hint: %s", f, f.Hint)
		}
	}
	return rep
}

const smallExport = `Employee ID,First Name,Last Name,Work Email,Job Title,Manager ID,Department,Salary
1,Ana,Silva,Ana.Silva@x.co,CEO,,Exec,300000
2,Bo,Li,bo@x.co,CTO,1,R&D,200000
3,Cy,Ng,cy@x.co,Engineer,2,R&D,100000
4,Di,Ok,di@x.co,Engineer,2,r&d,100000
5,Ed,Po,ed@x.co,CFO,1,Finance,200000
`

func TestSmallExport(t *testing.T) {
	r := runOn(t, smallExport, Options{})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	want := map[string]string{
		"users.csv": `id,email,firstName,lastName,jobTitle
1,ana.silva@x.co,Ana,Silva,CEO
2,bo@x.co,Bo,Li,CTO
3,cy@x.co,Cy,Ng,Engineer
4,di@x.co,Di,Ok,Engineer
5,ed@x.co,Ed,Po,CFO
`,
		"groups.csv": `id,name
H-1,Ana Silva – full hierarchy
D-1,Ana Silva – direct reports
D-2,Bo Li – direct reports
`,
		"groups-mapping.csv": `groupId,userId,subGroupId,isMember,isManager
H-1,1,,FALSE,TRUE
H-1,,D-1,FALSE,FALSE
H-1,,D-2,FALSE,FALSE
D-1,1,,FALSE,TRUE
D-1,2,,TRUE,FALSE
D-1,5,,TRUE,FALSE
D-2,2,,FALSE,TRUE
D-2,3,,TRUE,FALSE
D-2,4,,TRUE,FALSE
`,
	}
	if diff := cmp.Diff(want, r.files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	lintClean(t, r.dir)
	for _, s := range []string{
		`hr\.csv: the header is line 1; columns:\n`,
		`\n  id +"Employee ID"\n`,
		`\n  manager +"Manager ID"\n`,
		`\| emails written in lower case +\| +1 \|`,
		`\| levels +\| +3 \|`,
		`\| hierarchy teams +\| +1 \|`,
	} {
		if !regexp.MustCompile(s).MatchString(r.log) {
			t.Errorf("the log lacks %s:\n%s", s, r.log)
		}
	}
	if strings.Contains(r.files["users.csv"], "300000") {
		t.Error("a column not asked for (Salary) left")
	}
}

// TestSampleCompany builds the export of testdata/hr-export as the README
// does: users.csv is the sample org's own, byte for byte, and the teams
// are the golden files.
func TestSampleCompany(t *testing.T) {
	r := runOpt(t, sampleOptions(t, "cedarline-people.csv"))
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	sample, err := os.ReadFile("../../testdata/sample/Data/users.csv")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(sample), r.files["users.csv"]); diff != "" {
		t.Errorf("users.csv differs from testdata/sample's (-sample +built):\n%s", diff)
	}
	for _, name := range []string{"groups.csv", "groups-mapping.csv"} {
		golden(t, filepath.Join("testdata", "golden", "cedarline", name), r.files[name])
	}
	golden(t, filepath.Join("testdata", "golden", "cedarline", "log.txt"), strings.ReplaceAll(r.log, r.dir, "OUT"))
	rep := lintClean(t, r.dir)
	if len(rep.Findings) != 0 {
		t.Errorf("findings: %v", rep.Findings)
	}
	if len(r.warns) != 0 {
		t.Errorf("warnings: %q", r.warns)
	}
}

// sampleOptions are the options of the README's build of the sample
// company's export, file being one of testdata/hr-export.
func sampleOptions(t testing.TB, file string) Options {
	return Options{
		Input:      filepath.Join("..", "..", "testdata", "hr-export", file),
		OutDir:     filepath.Join(t.TempDir(), "out"),
		Where:      []string{"Employment Status=Active"},
		Columns:    Columns{ImageURL: "Photo URL"},
		Properties: []string{"Department", "Country", "Hiring Date=Hire Date", "Location"},
	}
}

// TestSameExportEveryFormat builds the sample company's export from the
// .csv and from the .xlsx, .xls and .ods that LibreOffice made of it: the
// files must be the same, byte for byte.
func TestSameExportEveryFormat(t *testing.T) {
	want := runOpt(t, sampleOptions(t, "cedarline-people.csv"))
	if want.defects != nil {
		t.Fatalf("csv: %q", want.defects)
	}
	for _, f := range []string{"cedarline-people.xlsx", "cedarline-people.xls", "cedarline-people.ods"} {
		t.Run(f, func(t *testing.T) {
			got := runOpt(t, sampleOptions(t, f))
			if got.defects != nil {
				t.Fatalf("defects: %q", got.defects)
			}
			if diff := cmp.Diff(want.files, got.files); diff != "" {
				t.Errorf("files differ from the .csv's (-csv +%s):\n%s", filepath.Ext(f), diff)
			}
		})
	}
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// itoa writes an int.
func itoa(i int) string { return strconv.Itoa(i) }

// regexpMatch reports whether s matches the regular expression re.
func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// replaceAll replaces each old of pairs (old, new, old, new…) in s.
func replaceAll(s string, pairs ...string) string { return strings.NewReplacer(pairs...).Replace(s) }
