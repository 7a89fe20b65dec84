package lint

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/redact"
)

// run lints with opt from the repository's root, so that paths in the
// report read as a user at the root sees them.
func runFromRoot(t *testing.T, opt Options) *Report {
	t.Helper()
	t.Chdir("..")
	rep, err := Run(opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

func TestSampleIsClean(t *testing.T) {
	rep := runFromRoot(t, Options{Path: "testdata/sample"})
	for _, f := range rep.Findings {
		t.Errorf("finding: %v", f)
	}
	want := Summary{Users: 87, Teams: 38, Mappings: 161, Format: "legacy"}
	if diff := cmp.Diff(want, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

// brokenKeys knows the ApiKey of testdata/broken/config.json, as
// OFFICEVIBE_API_KEY would: the single files are linted with it.
func brokenKeys() *redact.Redactor { return redact.New("ov-test-key-123") }

// documented reads the tables of testdata/broken/README.md: one
// "file line:col rule severity" entry per planted case, file relative to
// testdata/broken.
func documented(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("testdata/broken/README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([^`]+)` \\| (\\d+) \\| (\\d+) \\| `([a-z-]+)` \\| (error|warning|info) \\|")
	out := map[string][]string{} // by the lint run that finds it: "org" or the single file
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := row.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		run := "org"
		if strings.HasPrefix(m[1], "single/") {
			run = m[1]
		}
		out[run] = append(out[run], m[1]+" "+m[2]+":"+m[3]+" "+m[4]+" "+m[5])
	}
	return out
}

// TestBrokenOrgFindsWhatREADMEDocuments lints testdata/broken and checks
// that the findings are exactly the planted cases its README lists, at
// the documented positions.
func TestBrokenOrgFindsWhatREADMEDocuments(t *testing.T) {
	t.Chdir("..")
	want := documented(t)
	if len(want["org"]) < 30 {
		t.Fatalf("README documents only %d cases", len(want["org"]))
	}
	entries := func(rep *Report) []string {
		var got []string
		for _, f := range rep.Findings {
			file := filepath.ToSlash(strings.TrimPrefix(f.File, filepath.FromSlash("testdata/broken/")))
			got = append(got, file+" "+itoa(f.Line)+":"+itoa(f.Column)+" "+f.Rule+" "+f.Severity.String())
		}
		return got
	}
	for run, cases := range want {
		t.Run(run, func(t *testing.T) {
			opt := Options{Path: "testdata/broken"}
			switch {
			case strings.Contains(run, "users"):
				opt = Options{Users: "testdata/broken/" + run, Keys: brokenKeys()}
			case strings.Contains(run, "groups"):
				opt = Options{Groups: "testdata/broken/" + run, Keys: brokenKeys()}
			}
			rep, err := Run(opt)
			if err != nil {
				t.Fatal(err)
			}
			got := entries(rep)
			slices.Sort(got)
			slices.Sort(cases)
			if diff := cmp.Diff(cases, got); diff != "" {
				t.Errorf("findings differ from the README (-documented +found):\n%s", diff)
			}
		})
	}
	// Every rule but schema (which needs a schema of the user's) is planted.
	seen := map[string]bool{}
	for _, cases := range want {
		for _, c := range cases {
			seen[strings.Fields(c)[2]] = true
		}
	}
	for _, r := range Rules {
		if !seen[r.ID] && r.ID != RuleSchema {
			t.Errorf("rule %s is not planted in testdata/broken", r.ID)
		}
	}
}

// TestGoldenBroken prints the report of testdata/broken, and of each of
// its single files, in every format and compares them with
// testdata/golden/broken.* and broken-single-NAME.*; -update rewrites them.
func TestGoldenBroken(t *testing.T) {
	t.Chdir("..")
	runs := map[string]Options{"broken": {Path: "testdata/broken"}}
	singles, _ := filepath.Glob("testdata/broken/single/*.csv")
	for _, p := range singles {
		name := "broken-single-" + strings.TrimSuffix(filepath.Base(p), ".csv")
		if strings.Contains(p, "users") {
			runs[name] = Options{Users: p, Keys: brokenKeys()}
		} else {
			runs[name] = Options{Groups: p, Keys: brokenKeys()}
		}
	}
	if len(runs) < 5 {
		t.Fatalf("only %d runs: single files missing", len(runs))
	}
	for name, opt := range runs {
		rep, err := Run(opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, format := range Formats() {
			t.Run(name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Print(&buf, format, rep, PrintOptions{MaxPerRule: 50, Version: "test"}); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, filepath.Join("lint", "testdata", "golden", name+"."+format), buf.Bytes())
			})
		}
	}
}

// checkGolden compares got with the file at path (from the working
// folder), or rewrites it under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestReadRowsGivesValuesAsWritten(t *testing.T) {
	t.Chdir("..")
	var ids []string
	var custom []string
	err := ReadRows(Legacy, KindUsers, "testdata/sample/Data/users.csv", func(h *Header, rec *Record) error {
		ids = append(ids, rec.Fields[h.Col(UserID)])
		if len(custom) == 0 {
			for _, i := range h.Custom() {
				custom = append(custom, h.Names[i])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 87 || ids[0] != "00001" {
		t.Errorf("got %d ids starting %q, want 87 starting 00001", len(ids), ids[0])
	}
	if diff := cmp.Diff([]string{"Department", "Country", "Hiring Date", "Location"}, custom); diff != "" {
		t.Errorf("custom columns (-want +got):\n%s", diff)
	}
	err = ReadRows(Legacy, KindUsers, "testdata/broken/single/users-utf16.csv", func(*Header, *Record) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("UTF-16 file: err = %v, want one saying UTF-16", err)
	}
}

// TestGoldenSamples prints the JSON report of both bundled samples, the
// legacy one and its migration to the successor format, and compares them
// with testdata/golden/; -update rewrites them.
func TestGoldenSamples(t *testing.T) {
	t.Chdir("..")
	for _, dir := range []string{"sample", "sample-provisioning"} {
		t.Run(dir, func(t *testing.T) {
			rep, err := Run(Options{Path: filepath.Join("testdata", dir)})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Print(&buf, "json", rep, PrintOptions{}); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("lint", "testdata", "golden", dir+".json"), buf.Bytes())
		})
	}
}
