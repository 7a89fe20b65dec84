package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ovsync/ovsync/internal/corpus"
)

// corpusKinds are the three ways a CSV file of the corpora is linted.
var corpusKinds = []struct {
	name string
	opt  func(path string) Options
}{
	{"users", func(p string) Options { return Options{Users: p} }},
	{"groups", func(p string) Options { return Options{Groups: p} }},
	{"mapping", func(p string) Options { return Options{Mapping: p} }},
}

// TestCorpusCSV lints every CSV and TSV file of the shared corpora (the
// W3C CSVW suite, frictionless, csv-spectrum, SheetJS's baselines and
// Excel 2011's exports, roo's, AdventureWorks…) as each of the three
// files: the run never fails or panics, every finding lies inside its
// file (a line of the file, a column inside the line), and every message
// and hint is valid UTF-8 on one line.
func TestCorpusCSV(t *testing.T) {
	dir := corpus.Dir(t)
	files := corpus.Files(t, dir, ".csv", ".tsv")
	if len(files) < 400 {
		t.Fatalf("%d CSV and TSV files in %s: the corpora are incomplete", len(files), dir)
	}
	start := time.Now()
	findings := 0
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := inputLines(t, data)
		for _, k := range corpusKinds {
			rep, err := Run(k.opt(path))
			if err != nil {
				t.Errorf("%s as %s: the run failed: %v", rel, k.name, err)
				continue
			}
			findings += len(rep.Findings)
			for _, fd := range rep.Findings {
				if err := checkInside(lines, fd.Line, fd.Column, fd.UTF16Column); err != nil || fd.Column > 0 && fd.UTF16Column < 1 {
					t.Errorf("%s as %s: finding outside the file: %s %d:%d (UTF-16 %d): %v", rel, k.name, fd.Rule, fd.Line, fd.Column, fd.UTF16Column, err)
				}
				for _, s := range []string{fd.Message, fd.Hint} {
					if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n") {
						t.Errorf("%s as %s: %s: text not one line of UTF-8: %q", rel, k.name, fd.Rule, s)
					}
				}
			}
		}
	}
	t.Logf("%d files linted three times in %v: %d findings", len(files), time.Since(start).Round(time.Millisecond), findings)
}

// TestCSVSpectrumHeader lints every file of the csv-spectrum corpus as
// users.csv: none has an Officevibe header, and each says so
// (header-missing). TestCSVSpectrum reads their records.
func TestCSVSpectrumHeader(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpus.Dir(t), "csv-spectrum", "csvs", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	for _, path := range files {
		rep, err := Run(Options{Users: path})
		if err != nil {
			t.Fatal(err)
		}
		if !hasRule(rep, "header-missing") {
			t.Errorf("%s as users.csv: no header-missing finding: %s", filepath.Base(path), fmt.Sprint(rep.Findings))
		}
	}
}

// hasRule reports whether the report has a finding of rule.
func hasRule(rep *Report, rule string) bool {
	for _, f := range rep.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}
