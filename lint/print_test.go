package lint

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// longValue is a 300-character value of 2-byte runes, so that a cut at
// the wrong byte would split one.
var longValue = "https://example.com/" + strings.Repeat("é", 280)

// printFixture is the report every format prints for its golden file: all
// severities, hints or none, line and column 0, a Windows relative path,
// a Windows absolute path with a space, a comma and a drive colon, special
// characters in a value and a message, a 300-character value, and more
// findings of language-value than the cap of the text golden file.
func printFixture() *Report {
	fs := []Finding{
		{Rule: RuleConfig, Severity: Info, File: "config.json",
			Message: "ApiKey is written in config.json",
			Hint:    "set OFFICEVIBE_API_KEY instead and remove ApiKey from the file"},
		{Rule: RuleConfig, Severity: Warning, File: "config.json", Line: 3, Column: 5, UTF16Column: 5, Key: "ApiURL",
			Message: `unknown key "ApiURL"`, Hint: `did you mean "ApiUrl"?`},
		{Rule: RuleHeaderCase, Severity: Warning, File: "Data/users.csv", Line: 1, Column: 12, UTF16Column: 12, Key: "header:email",
			Field: "Email", Value: "Email",
			Message: `column "Email" differs from "email" only by case`, Hint: `rename it "email"`},
		{Rule: RuleNamePair, Severity: Warning, File: "Data/users.csv", Line: 14,
			Message: "lastName is empty but firstName is not"},
		{Rule: RuleEmailFormat, Severity: Error, File: "Data/users.csv", Line: 21, Column: 10, UTF16Column: 9, Key: "U-21",
			Field: "email", Value: "100% a:b,c\nd@x.org",
			Message: "email \"100% a:b,c\nd@x.org\" is not a plain address",
			Hint:    "write one address local@domain.tld, 100% plain"},
		{Rule: RuleImageURL, Severity: Warning, File: "Data/users.csv", Line: 30, Column: 40, UTF16Column: 38, Key: "U-30",
			Field: "imageUrl", Value: longValue,
			Message: "imageUrl is not an absolute http(s) URL"},
		{Rule: RuleNoManager, Severity: Info, File: "Data/groups.csv", Line: 3,
			Message: `team "T-SALES" has members and no manager`},
		{Rule: RuleUnknownTeam, Severity: Error, File: `Data\groups-mapping.csv`, Line: 4, Column: 1, UTF16Column: 1, Key: "T-NOPE/U-1",
			Field: "groupId", Value: "T-NOPE",
			Message: `team "T-NOPE" is not in groups.csv`},
		{Rule: RuleNoRole, Severity: Warning, File: `Data\groups-mapping.csv`, Line: 9,
			Message: `user "U-7" is neither member nor manager of "T-HR"`,
			Hint:    "set isMember or isManager to TRUE, or remove the row"},
		{Rule: RuleDuplicateEmail, Severity: Error, File: `C:\HR\exports\users, final.csv`, Line: 2, Column: 7, UTF16Column: 7, Key: "U-2",
			Field: "email", Value: "Ann@x.org",
			Message: `email "Ann@x.org" is already used on line 1`, Hint: "give each user their own email"},
	}
	for i, v := range []string{"French", "german", "fr", "English ", "Deutsch", "Italiano"} {
		f := Finding{Rule: RuleLanguageValue, Severity: Error, File: "Data/users.csv",
			Line: 12 + i, Column: 28, UTF16Column: 27, Key: "U-" + strconv.Itoa(12+i), Field: "language", Value: v,
			Message: fmt.Sprintf("language %q is not an Officevibe language", v)}
		if v != "Italiano" {
			f.Hint = `use "Français"`
		}
		fs = append(fs, f)
	}
	SortFindings(fs)
	r := &Report{
		Config:   "config.json",
		Files:    Files{Users: "Data/users.csv", Groups: "Data/groups.csv", Mapping: `Data\groups-mapping.csv`},
		Findings: fs,
		Summary:  Summary{Users: 240, Teams: 31, Mappings: 402},
	}
	countFixture(r)
	return r
}

// emptyFixture is a clean run: files given, no findings.
func emptyFixture() *Report {
	return &Report{
		Files:   Files{Users: "Data/users.csv", Groups: "Data/groups.csv"},
		Summary: Summary{Users: 85, Teams: 20, Mappings: 150},
	}
}

// countFixture fills the severity counts of a fixture's summary.
func countFixture(r *Report) {
	for _, f := range r.Findings {
		switch f.Severity {
		case Error:
			r.Summary.Errors++
		case Warning:
			r.Summary.Warnings++
		case Info:
			r.Summary.Infos++
		}
	}
}

var goldenExt = map[string]string{"text": "txt", "json": "json", "github": "txt", "sarif": "sarif", "summary": "md"}

// checkPrintGolden compares got with testdata/print/name, or rewrites the
// file under -update.
func checkPrintGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	checkGolden(t, filepath.Join("testdata", "print", name), got)
}

func printString(t *testing.T, format string, r *Report, opt PrintOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Print(&buf, format, r, opt); err != nil {
		t.Fatalf("Print(%s): %v", format, err)
	}
	return buf.String()
}

func TestPrintGolden(t *testing.T) {
	opt := PrintOptions{MaxPerRule: 3, Version: "1.2.3"}
	reports := []struct {
		name   string
		report func() *Report
	}{
		{"fixture", printFixture},
		{"empty", emptyFixture},
	}
	for _, rep := range reports {
		for _, format := range Formats() {
			name := rep.name + "-" + format + "." + goldenExt[format]
			t.Run(name, func(t *testing.T) {
				got := printString(t, format, rep.report(), opt)
				checkPrintGolden(t, name, []byte(got))
			})
		}
	}
}

func TestFormats(t *testing.T) {
	want := []string{"text", "json", "github", "sarif", "summary"}
	if diff := cmp.Diff(want, Formats()); diff != "" {
		t.Errorf("Formats() (-want +got):\n%s", diff)
	}
	keys := make([]string, 0, len(printers))
	for k := range printers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	sorted := slices.Sorted(slices.Values(want))
	if diff := cmp.Diff(sorted, keys); diff != "" {
		t.Errorf("printers map keys (-want +got):\n%s", diff)
	}
	// Formats returns a copy the caller may change.
	Formats()[0] = "changed"
	if Formats()[0] != "text" {
		t.Error("Formats() shares its slice with the package")
	}
}

func TestPrintErrors(t *testing.T) {
	tests := []struct {
		name   string
		format string
		report *Report
		want   string
	}{
		{"unknown format", "xml", emptyFixture(), `unknown format "xml" (use text, json, github, sarif, summary)`},
		{"format is case-sensitive", "JSON", emptyFixture(), `unknown format "JSON" (use text, json, github, sarif, summary)`},
		{"nil report", "text", nil, "no report to print"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Print(&buf, tt.format, tt.report, PrintOptions{})
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Print() error = %v, want %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Print() wrote %q on error", buf.String())
			}
		})
	}
}

// failWriter fails every write, like a closed pipe.
type failWriter struct{}

var errWrite = errors.New("broken pipe")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestPrintWriteError(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			err := Print(failWriter{}, format, printFixture(), PrintOptions{})
			if !errors.Is(err, errWrite) {
				t.Errorf("Print() error = %v, want %v", err, errWrite)
			}
		})
	}
}

func TestTextMaxPerRule(t *testing.T) {
	r := printFixture() // 6 language-value findings, no other rule above 2
	tests := []struct {
		name      string
		max       int
		shown     int
		moreLines []string
	}{
		{"no cap", 0, 6, nil},
		{"negative is no cap", -1, 6, nil},
		{"cap above count", 6, 6, nil},
		{"cap 3", 3, 3, []string{"language-value: 3 more findings not shown (--max-per-rule 0 shows all)"}},
		{"cap 5", 5, 5, []string{"language-value: 1 more finding not shown (--max-per-rule 0 shows all)"}},
		{"cap 1 hides other rules too", 1, 1, []string{
			"language-value: 5 more findings not shown (--max-per-rule 0 shows all)",
			"config: 1 more finding not shown (--max-per-rule 0 shows all)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := printString(t, "text", r, PrintOptions{MaxPerRule: tt.max})
			lines := strings.Split(out, "\n")
			shown := 0
			var more []string
			for _, l := range lines {
				if strings.HasSuffix(l, "["+RuleLanguageValue+"]") {
					shown++
				}
				if strings.Contains(l, "not shown") {
					more = append(more, l)
				}
			}
			if shown != tt.shown {
				t.Errorf("shown %d language-value findings, want %d", shown, tt.shown)
			}
			if diff := cmp.Diff(tt.moreLines, more); diff != "" {
				t.Errorf("capped-rule lines (-want +got):\n%s", diff)
			}
			// The table and the count line always count every finding.
			if !hasTableRow(out, RuleLanguageValue, "error", "6") {
				t.Errorf("summary table does not count all 6 language-value findings:\n%s", out)
			}
		})
	}
}

// hasTableRow reports whether the summary table of a text output has the
// row with these cells.
func hasTableRow(out string, cells ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		fields := strings.Split(strings.Trim(l, "|"), "|")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if slices.Equal(fields, cells) {
			return true
		}
	}
	return false
}

func TestTextCountLine(t *testing.T) {
	tests := []struct {
		name    string
		summary Summary
		want    string
	}{
		{"plural", Summary{Errors: 3, Warnings: 2, Infos: 5, Users: 240, Teams: 31, Mappings: 402},
			"3 errors, 2 warnings, 5 info in 240 users, 31 teams, 402 mappings"},
		{"singular", Summary{Errors: 1, Warnings: 1, Infos: 1, Users: 1, Teams: 1, Mappings: 1},
			"1 error, 1 warning, 1 info in 1 user, 1 team, 1 mapping"},
		{"zero is plural", Summary{Infos: 1},
			"0 errors, 0 warnings, 1 info in 0 users, 0 teams, 0 mappings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Findings: []Finding{{Rule: RuleNoManager, Severity: Info, File: "groups.csv", Message: "m"}}, Summary: tt.summary}
			out := printString(t, "text", r, PrintOptions{})
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if got := lines[len(lines)-1]; got != tt.want {
				t.Errorf("last line = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("no findings", func(t *testing.T) {
		r := &Report{Summary: Summary{Users: 1, Teams: 20, Mappings: 0}}
		want := "no problems found in 1 user, 20 teams, 0 mappings\n"
		if got := printString(t, "text", r, PrintOptions{}); got != want {
			t.Errorf("text = %q, want %q", got, want)
		}
	})
}

func TestTextSummaryRows(t *testing.T) {
	fs := []Finding{
		{Rule: RuleConfig, Severity: Info},
		{Rule: RuleNoRows, Severity: Warning},
		{Rule: RuleConfig, Severity: Error},
		{Rule: RuleCycle, Severity: Error},
		{Rule: RuleConfig, Severity: Error},
		{Rule: RuleNoRows, Severity: Error},
	}
	want := []summaryRow{
		{RuleConfig, Error, 2},
		{RuleCycle, Error, 1},
		{RuleNoRows, Error, 1},
		{RuleNoRows, Warning, 1},
		{RuleConfig, Info, 1},
	}
	got := summaryRows(fs)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(summaryRow{})); diff != "" {
		t.Errorf("summaryRows() (-want +got):\n%s", diff)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, rep := range []struct {
		name   string
		report *Report
	}{
		{"fixture", printFixture()},
		{"empty", emptyFixture()},
	} {
		t.Run(rep.name, func(t *testing.T) {
			r := rep.report
			out := printString(t, "json", r, PrintOptions{})
			dec := json.NewDecoder(strings.NewReader(out))
			dec.DisallowUnknownFields()
			var got jsonReport
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("decode: %v\n%s", err, out)
			}
			want := jsonReport{
				Version: 1,
				Files:   jsonFiles{Users: r.Files.Users, Groups: r.Files.Groups, Mapping: r.Files.Mapping},
				Summary: jsonSummary{
					Errors: r.Summary.Errors, Warnings: r.Summary.Warnings, Infos: r.Summary.Infos,
					Users: r.Summary.Users, Teams: r.Summary.Teams, Mappings: r.Summary.Mappings,
				},
				Findings: []jsonFinding{},
			}
			for _, f := range r.Findings {
				v := f.Value
				if utf8.RuneCountInString(v) > 200 {
					v = string([]rune(v)[:199]) + "…"
				}
				want.Findings = append(want.Findings, jsonFinding{
					Rule: f.Rule, Severity: f.Severity.String(), File: f.File,
					Line: f.Line, Column: f.Column, Field: f.Field, Value: v,
					Message: f.Message, Hint: f.Hint,
				})
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("json round trip (-want +got):\n%s", diff)
			}
			if !strings.HasSuffix(out, "}\n") {
				t.Errorf("json output does not end with a newline")
			}
			if len(r.Findings) == 0 && !strings.Contains(out, `"findings": []`) {
				t.Errorf("empty findings not printed as []:\n%s", out)
			}
		})
	}
}

func TestJSONOmitsEmpty(t *testing.T) {
	r := &Report{Findings: []Finding{{Rule: RuleNoManager, Severity: Info, File: "groups.csv", Message: "m"}}}
	out := printString(t, "json", r, PrintOptions{})
	var raw struct {
		Files    map[string]any   `json:"files"`
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Files) != 0 {
		t.Errorf("files = %v, want {}", raw.Files)
	}
	var keys []string
	for k := range raw.Findings[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"column", "file", "line", "message", "rule", "severity"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("finding keys (-want +got):\n%s", diff)
	}
}

func TestShortenValue(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"short", "French", 200, "French"},
		{"empty", "", 200, ""},
		{"exactly the limit", strings.Repeat("a", 200), 200, strings.Repeat("a", 200)},
		{"one over", strings.Repeat("a", 201), 200, strings.Repeat("a", 199) + "…"},
		{"multibyte", strings.Repeat("é", 10), 5, "éééé…"},
		{"four-byte runes", strings.Repeat("😀", 3), 2, "😀…"},
		{"limit counts runes not bytes", strings.Repeat("é", 200), 200, strings.Repeat("é", 200)},
		{"invalid utf-8 counts a byte as a rune", "\xff\xfe\xfdabc", 3, "\xff\xfe…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shortenValue(tt.in, tt.limit); got != tt.want {
				t.Errorf("shortenValue(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
		})
	}
}

func TestGitHubEscape(t *testing.T) {
	tests := []struct {
		name, in, data, property string
	}{
		{"plain", "language-value", "language-value", "language-value"},
		{"percent first", "100%0A", "100%250A", "100%250A"},
		{"newlines", "a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"colon and comma", "C:/a,b.csv", "C:/a,b.csv", "C%3A/a%2Cb.csv"},
		{"double colon", "a::b", "a::b", "a%3A%3Ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := escapeGitHubData(tt.in); got != tt.data {
				t.Errorf("escapeGitHubData(%q) = %q, want %q", tt.in, got, tt.data)
			}
			if got := escapeGitHubProperty(tt.in); got != tt.property {
				t.Errorf("escapeGitHubProperty(%q) = %q, want %q", tt.in, got, tt.property)
			}
		})
	}
}

// unescapeGitHub undoes the escaping as the Actions runner does.
var unescapeGitHub = strings.NewReplacer("%25", "%", "%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",")

func FuzzGitHubEscape(f *testing.F) {
	for _, s := range []string{"", "100%", "a:b,c", "a\r\nb", "%0A", "%%3A", "C:\\x, y.csv"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := escapeGitHubProperty(s)
		if strings.ContainsAny(p, "\r\n:,") {
			t.Errorf("escapeGitHubProperty(%q) = %q keeps a separator", s, p)
		}
		if got := unescapeGitHub.Replace(p); got != s {
			t.Errorf("property round trip of %q = %q", s, got)
		}
		d := escapeGitHubData(s)
		if strings.ContainsAny(d, "\r\n") {
			t.Errorf("escapeGitHubData(%q) = %q keeps a line break", s, d)
		}
		if got := unescapeGitHub.Replace(d); got != s {
			t.Errorf("data round trip of %q = %q", s, got)
		}
	})
}

func TestGitHubLines(t *testing.T) {
	tests := []struct {
		name string
		f    Finding
		want string
	}{
		{"error with position",
			Finding{Rule: RuleLanguageValue, Severity: Error, File: "Data/users.csv", Line: 12, Column: 28, Message: "bad"},
			"::error file=Data/users.csv,line=12,col=28,title=language-value::bad"},
		{"warning without column",
			Finding{Rule: RuleNoRole, Severity: Warning, File: "m.csv", Line: 9, Message: "m"},
			"::warning file=m.csv,line=9,title=no-role::m"},
		{"info is notice, whole file",
			Finding{Rule: RuleConfig, Severity: Info, File: "config.json", Message: "m"},
			"::notice file=config.json,title=config::m"},
		{"column without line is dropped",
			Finding{Rule: RuleConfig, Severity: Info, File: "config.json", Column: 3, Message: "m"},
			"::notice file=config.json,title=config::m"},
		{"no file",
			Finding{Rule: RuleConfig, Severity: Error, Message: "m"},
			"::error title=config::m"},
		{"hint on its own line",
			Finding{Rule: RuleBoolean, Severity: Error, File: `Data\m.csv`, Line: 2, Column: 3, Message: "x", Hint: "use TRUE"},
			"::error file=Data/m.csv,line=2,col=3,title=boolean::x%0Ahint: use TRUE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := printString(t, "github", &Report{Findings: []Finding{tt.f}}, PrintOptions{})
			if got != tt.want+"\n" {
				t.Errorf("github =\n%q\nwant\n%q", got, tt.want+"\n")
			}
		})
	}
}

func TestSARIFArtifact(t *testing.T) {
	tests := []struct {
		name string
		path string
		want sarifArtifactLocation
	}{
		{"relative", "Data/users.csv", sarifArtifactLocation{URI: "Data/users.csv", URIBaseID: "%SRCROOT%"}},
		{"windows relative", `Data\users.csv`, sarifArtifactLocation{URI: "Data/users.csv", URIBaseID: "%SRCROOT%"}},
		{"parent", "../hr/users.csv", sarifArtifactLocation{URI: "../hr/users.csv", URIBaseID: "%SRCROOT%"}},
		{"space and non-ascii", "Données RH/users.csv",
			sarifArtifactLocation{URI: "Donn%C3%A9es%20RH/users.csv", URIBaseID: "%SRCROOT%"}},
		{"colon in first segment", "a:b.csv", sarifArtifactLocation{URI: "./a:b.csv", URIBaseID: "%SRCROOT%"}},
		{"percent", "100%.csv", sarifArtifactLocation{URI: "100%25.csv", URIBaseID: "%SRCROOT%"}},
		{"unix absolute", "/srv/hr/users.csv", sarifArtifactLocation{URI: "file:///srv/hr/users.csv"}},
		{"windows absolute", `C:\HR\users, final.csv`, sarifArtifactLocation{URI: "file:///C:/HR/users,%20final.csv"}},
		{"unc", `\\files\hr\users.csv`, sarifArtifactLocation{URI: "file://files/hr/users.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, sarifArtifact(tt.path)); diff != "" {
				t.Errorf("sarifArtifact(%q) (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

func TestSARIFRuleName(t *testing.T) {
	tests := []struct{ id, want string }{
		{"language-value", "LanguageValue"},
		{"manager-without-hierarchy", "ManagerWithoutHierarchy"},
		{"csv-syntax", "CsvSyntax"},
		{"a--b-", "AB"},
		{"cycle", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if got := sarifRuleName(tt.id); got != tt.want {
				t.Errorf("sarifRuleName(%q) = %q, want %q", tt.id, got, tt.want)
			}
		})
	}
}

func TestSARIFShape(t *testing.T) {
	r := printFixture()
	out := printString(t, "sarif", r, PrintOptions{Version: "1.2.3"})
	var log map[string]any
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("sarif is not JSON: %v", err)
	}
	if got := log["$schema"]; got != "https://json.schemastore.org/sarif-2.1.0.json" {
		t.Errorf("$schema = %v", got)
	}
	if got := log["version"]; got != "2.1.0" {
		t.Errorf("version = %v", got)
	}
	runs, _ := log["runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("runs = %v, want one run", log["runs"])
	}
	run := runs[0].(map[string]any)
	driver := jsonDig(t, run, "tool", "driver").(map[string]any)
	for key, want := range map[string]any{"name": "ovsync", "version": "1.2.3", "informationUri": "https://github.com/ovsync/ovsync"} {
		if driver[key] != want {
			t.Errorf("driver.%s = %v, want %v", key, driver[key], want)
		}
	}
	rules := driver["rules"].([]any)
	if len(rules) != len(Rules) {
		t.Fatalf("%d rules, want %d", len(rules), len(Rules))
	}
	for i, rule := range Rules {
		got := rules[i].(map[string]any)
		if got["id"] != rule.ID {
			t.Errorf("rules[%d].id = %v, want %s", i, got["id"], rule.ID)
		}
		// SARIF wants a name people read, different from the opaque id, or none.
		name, hasName := got["name"].(string)
		if hasName == !strings.Contains(rule.ID, "-") || strings.EqualFold(name, rule.ID) || strings.ContainsAny(name, "- ") {
			t.Errorf("rules[%d].name = %q", i, name)
		}
		if text := jsonDig(t, got, "shortDescription", "text"); text != rule.Summary {
			t.Errorf("rules[%d].shortDescription.text = %v", i, text)
		}
		if lvl := jsonDig(t, got, "defaultConfiguration", "level"); lvl != sarifLevel(rule.Severity) {
			t.Errorf("rules[%d].defaultConfiguration.level = %v", i, lvl)
		}
		if got["helpUri"] != "https://github.com/ovsync/ovsync#rules" {
			t.Errorf("rules[%d].helpUri = %v", i, got["helpUri"])
		}
	}
	results := run["results"].([]any)
	if len(results) != len(r.Findings) {
		t.Fatalf("%d results, want %d (SARIF is never capped)", len(results), len(r.Findings))
	}
	levels := map[Severity]string{Error: "error", Warning: "warning", Info: "note"}
	for i, f := range r.Findings {
		res := results[i].(map[string]any)
		if res["ruleId"] != f.Rule {
			t.Errorf("results[%d].ruleId = %v, want %s", i, res["ruleId"], f.Rule)
		}
		idx := int(res["ruleIndex"].(float64))
		if Rules[idx].ID != f.Rule {
			t.Errorf("results[%d].ruleIndex = %d names %s, want %s", i, idx, Rules[idx].ID, f.Rule)
		}
		if res["level"] != levels[f.Severity] {
			t.Errorf("results[%d].level = %v, want %s", i, res["level"], levels[f.Severity])
		}
		text := jsonDig(t, res, "message", "text").(string)
		if !strings.HasPrefix(text, f.Message) || (f.Hint != "") != strings.Contains(text, "\nhint: "+f.Hint) {
			t.Errorf("results[%d].message.text = %q", i, text)
		}
		locs := res["locations"].([]any)
		phys := locs[0].(map[string]any)["physicalLocation"].(map[string]any)
		uri := jsonDig(t, phys, "artifactLocation", "uri").(string)
		if strings.Contains(uri, `\`) {
			t.Errorf("results[%d] uri %q has a backslash", i, uri)
		}
		region, hasRegion := phys["region"].(map[string]any)
		if hasRegion != (f.Line > 0) {
			t.Errorf("results[%d] region = %v for line %d", i, phys["region"], f.Line)
		}
		if !hasRegion {
			continue
		}
		if int(region["startLine"].(float64)) != f.Line {
			t.Errorf("results[%d].startLine = %v, want %d", i, region["startLine"], f.Line)
		}
		col, hasCol := region["startColumn"]
		if hasCol != (f.UTF16Column > 0) || hasCol && int(col.(float64)) != f.UTF16Column {
			t.Errorf("results[%d].startColumn = %v, want the UTF-16 column %d (absent for 0)", i, col, f.UTF16Column)
		}
	}
	if got := run["columnKind"]; got != "utf16CodeUnits" {
		t.Errorf("columnKind = %v, want utf16CodeUnits", got)
	}
	// Every result has its own fingerprint, and the same findings on other
	// lines keep theirs.
	prints := func(r *Report) []string {
		var log sarifLog
		if err := json.Unmarshal([]byte(printString(t, "sarif", r, PrintOptions{})), &log); err != nil {
			t.Fatal(err)
		}
		var fps []string
		for _, res := range log.Runs[0].Results {
			fps = append(fps, res.PartialFingerprints.V1)
		}
		return fps
	}
	before := prints(r)
	seen := map[string]bool{}
	for i, fp := range before {
		if len(fp) != 32 || seen[fp] {
			t.Errorf("results[%d] fingerprint %q is empty, malformed or not unique", i, fp)
		}
		seen[fp] = true
	}
	moved := printFixture()
	for i := range moved.Findings {
		moved.Findings[i].Line += 7
	}
	if diff := cmp.Diff(before, prints(moved)); diff != "" {
		t.Errorf("fingerprints change when lines move (-before +after):\n%s", diff)
	}
}

func TestSARIFUnknownRule(t *testing.T) {
	r := &Report{Findings: []Finding{{Rule: "not-a-rule", Severity: Warning, Message: "m"}}}
	out := printString(t, "sarif", r, PrintOptions{})
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results[0]
	if res.RuleIndex != nil || res.Locations != nil {
		t.Errorf("result = %+v, want no ruleIndex and no locations", res)
	}
	if log.Runs[0].Tool.Driver.Version != "" || strings.Contains(out, `"version": ""`) {
		t.Errorf("empty tool version printed:\n%s", out)
	}
}

// jsonDig follows keys through nested JSON objects.
func jsonDig(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no object at %q in %v", k, v)
		}
		v = m[k]
	}
	return v
}

// benchReport builds a report of n findings spread over a few rules.
func benchReport(n int) *Report {
	rules := []Rule{Rules[14], Rules[10], Rules[24], Rules[27]}
	fs := make([]Finding, n)
	for i := range fs {
		rule := rules[i%len(rules)]
		fs[i] = Finding{Rule: rule.ID, Severity: rule.Severity, File: "Data/users.csv",
			Line: i + 2, Column: 28, Field: "language", Value: "French",
			Message: `language "French" is not an Officevibe language`, Hint: `use "Français"`}
	}
	r := &Report{Findings: fs, Summary: Summary{Users: n, Teams: n / 10, Mappings: n * 2}}
	countFixture(r)
	return r
}

func BenchmarkPrint(b *testing.B) {
	for _, n := range []int{100, 10000} {
		r := benchReport(n)
		for _, format := range Formats() {
			b.Run(fmt.Sprintf("%s/%d", format, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := Print(discard{}, format, r, PrintOptions{MaxPerRule: 50}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// discard is io.Discard without its ReadFrom, so that benchmarks measure
// the printers' own writes.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
