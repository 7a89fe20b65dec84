package lint

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/orggen"
)

func TestShare(t *testing.T) {
	tests := []struct {
		name   string
		counts []int
		room   int
		want   []int
	}{
		{"no counts", nil, 10, []int{}},
		{"no room", []int{5, 5}, 0, []int{0, 0}},
		{"all fit", []int{3, 4, 5}, 12, []int{3, 4, 5}},
		{"more room than findings", []int{3, 4}, 100, []int{3, 4}},
		{"even", []int{100, 100}, 10, []int{5, 5}},
		{"odd room goes to the first", []int{100, 100, 100}, 10, []int{4, 3, 3}},
		{"small rule keeps all, others share the rest", []int{2, 1000, 1000}, 12, []int{2, 5, 5}},
		{"water level", []int{1, 3, 50, 50}, 30, []int{1, 3, 13, 13}},
		{"remainder after the level", []int{1, 3, 50, 50}, 31, []int{1, 3, 14, 13}},
		{"fewer slots than rules: the first rules", []int{9, 9, 9, 9}, 3, []int{1, 1, 1, 0}},
		{"empty counts get nothing", []int{0, 7, 0, 7}, 4, []int{0, 2, 0, 2}},
		{"one rule", []int{201096}, 25000, []int{25000}},
		{"negative room", []int{4}, -1, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := share(tt.counts, tt.room)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("share(%v, %d) (-want +got):\n%s", tt.counts, tt.room, diff)
			}
		})
	}
}

// roundRobin is the test's own account of what a capped format keeps:
// severities from the most serious, and within one, one finding of each
// rule in catalogue order in turn while there is room.
func roundRobin(fs []Finding, kind func(Severity) Severity, roomFor func(s Severity, used int) int) map[group]int {
	counts := map[group]int{}
	for _, f := range fs {
		counts[group{f.Rule, kind(f.Severity)}]++
	}
	keep := map[group]int{}
	used := 0
	for _, s := range []Severity{Error, Warning, Info} {
		room := roomFor(s, used)
		for given := true; given && room > 0; {
			given = false
			for _, r := range Rules {
				g := group{r.ID, s}
				if room > 0 && keep[g] < counts[g] {
					keep[g]++
					room--
					used++
					given = true
				}
			}
		}
	}
	return keep
}

func TestAllot(t *testing.T) {
	counts := map[group]int{
		{RuleLanguageValue, Error}:   300,
		{RuleCycle, Error}:           2,
		{RuleDuplicateName, Warning}: 5000,
		{RuleEmailCase, Warning}:     40,
		{RuleUserWithoutTeam, Info}:  70,
	}
	tests := []struct {
		name  string
		limit int
		want  map[group]int
	}{
		{"everything fits", 10000, counts},
		{"errors first, warnings share the rest", 1000, map[group]int{
			{RuleLanguageValue, Error}: 300, {RuleCycle, Error}: 2,
			{RuleDuplicateName, Warning}: 658, {RuleEmailCase, Warning}: 40,
			{RuleUserWithoutTeam, Info}: 0,
		}},
		{"no warning while an error is left out", 100, map[group]int{
			{RuleLanguageValue, Error}: 98, {RuleCycle, Error}: 2,
			{RuleDuplicateName, Warning}: 0, {RuleEmailCase, Warning}: 0,
			{RuleUserWithoutTeam, Info}: 0,
		}},
		{"notes get what warnings leave", 5400, map[group]int{
			{RuleLanguageValue, Error}: 300, {RuleCycle, Error}: 2,
			{RuleDuplicateName, Warning}: 5000, {RuleEmailCase, Warning}: 40,
			{RuleUserWithoutTeam, Info}: 58,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := allot(counts, func(_ Severity, used int) int { return tt.limit - used })
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(group{})); diff != "" {
				t.Errorf("allot (-want +got):\n%s", diff)
			}
		})
	}
}

// manyFindings makes a sorted report of the given number of findings per
// rule and severity, spread over three files, with columns (and UTF-16
// columns) and keys so that every result is valid and fingerprinted.
func manyFindings(spec map[group]int) *Report {
	files := []string{"Data/groups-mapping.csv", "Data/groups.csv", "Data/users.csv"}
	var fs []Finding
	for g, n := range spec {
		for i := range n {
			fs = append(fs, Finding{
				Rule: g.rule, Severity: g.severity, File: files[i%len(files)],
				Line: 2 + i/len(files), Column: 1 + len(g.rule)%7, UTF16Column: 1 + len(g.rule)%7,
				Key:     fmt.Sprintf("K-%d", i),
				Message: fmt.Sprintf("finding %d of %s", i, g.rule),
				Hint:    "fix it",
			})
		}
	}
	SortFindings(fs)
	r := &Report{Findings: fs, Files: Files{Users: files[2], Groups: files[1], Mapping: files[0]},
		Summary: Summary{Users: 50000, Teams: 9000, Mappings: 70000, Format: "legacy"}}
	countFixture(r)
	return r
}

// GitHub's limits, written out rather than taken from the package: a
// test against the package's own constants would pass whatever they were.
const (
	codeScanningMax = 25000 // results in a SARIF run
	gitHubShows     = 10    // annotations of each kind in a step
)

// bigSpec is a report over code scanning's limit: 26,350 findings of
// eight rules, errors within the limit, warnings over what is left.
var bigSpec = map[group]int{
	{RuleLanguageValue, Error}:   3000,
	{RuleDuplicateID, Error}:     40,
	{RuleCycle, Error}:           2,
	{RuleDuplicateName, Warning}: 22000,
	{RuleEmailCase, Warning}:     500,
	{RuleWhitespace, Warning}:    3,
	{RuleUserWithoutTeam, Info}:  800,
	{RuleNoManager, Info}:        5,
}

// checkSARIFCaps checks the SARIF log out of report r against a run limit:
// the count, what each rule and level kept (as the round robin does), the
// order (the findings' own), the fingerprints (those of a log that keeps
// everything), the rules, and the notifications of what was left out.
func checkSARIFCaps(t *testing.T, r *Report, out []byte, limit int) {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(Rules) {
		t.Errorf("%d rules in tool.driver.rules, want all %d", len(run.Tool.Driver.Rules), len(Rules))
	}
	want := roundRobin(r.Findings, asIs, func(_ Severity, used int) int { return limit - used })
	wantTotal := min(limit, len(r.Findings))
	if len(run.Results) != wantTotal {
		t.Fatalf("%d results, want %d", len(run.Results), wantTotal)
	}
	// The results are the findings kept, in the findings' order, with the
	// fingerprints of the whole log.
	whole := wholeResults(t, r)
	got := map[group]int{}
	j := 0
	for i, res := range run.Results {
		for j < len(whole) && whole[j].PartialFingerprints != res.PartialFingerprints {
			j++
		}
		if j == len(whole) {
			t.Fatalf("result %d (%s, %s) is not the next finding of the whole log in order, or its fingerprint changed", i, res.RuleID, res.Message.Text)
		}
		if !reflect.DeepEqual(whole[j], res) {
			t.Fatalf("result %d differs from the whole log's (-whole +capped):\n%s", i, cmp.Diff(whole[j], res))
		}
		f := r.Findings[j]
		got[group{f.Rule, f.Severity}]++
		j++
	}
	for g, n := range want {
		if got[g] != n {
			t.Errorf("%s (%s): %d results kept, want %d", g.rule, g.severity, got[g], n)
		}
	}
	// Errors first: nothing less serious is kept while an error is left out.
	counts := countGroups(r.Findings, asIs)
	for _, s := range []Severity{Error, Warning} {
		kept, total := 0, 0
		for g, n := range counts {
			if g.severity == s {
				kept += got[g]
				total += n
			}
		}
		if kept < total {
			for g, n := range got {
				if g.severity < s && n > 0 {
					t.Errorf("%d %s results of %s kept while %d %s results are left out", n, g.severity, g.rule, total-kept, s)
				}
			}
		}
	}
	// The notifications: one in all, then one per rule and level cut.
	if len(r.Findings) <= limit {
		if len(run.Invocations) != 0 {
			t.Errorf("invocations %+v on a run that keeps everything", run.Invocations)
		}
		return
	}
	if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful {
		t.Fatalf("invocations = %+v, want one, successful", run.Invocations)
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	left := len(r.Findings) - wantTotal
	first := notes[0].Message.Text
	if !strings.HasPrefix(first, fmt.Sprintf("%d of %d results left out", left, len(r.Findings))) || !strings.Contains(first, "--format json") {
		t.Errorf("first notification = %q", first)
	}
	gotCut := map[group][2]int{}
	for _, n := range notes[1:] {
		p := n.Properties
		if n.AssociatedRule == nil || p == nil {
			t.Fatalf("notification %+v names no rule or counts", n)
		}
		s, err := ParseSeverity(p.Level)
		if err != nil {
			t.Fatal(err)
		}
		g := group{n.AssociatedRule.ID, s}
		gotCut[g] = [2]int{p.LeftOut, p.Results}
		if wantText := fmt.Sprintf("%s: %d of %d %s results left out", g.rule, p.LeftOut, p.Results, p.Level); !strings.HasPrefix(n.Message.Text, wantText) {
			t.Errorf("notification text %q, want it to start %q", n.Message.Text, wantText)
		}
		if i := n.AssociatedRule.Index; i == nil || Rules[*i].ID != g.rule {
			t.Errorf("notification of %s: associatedRule.index %v", g.rule, i)
		}
	}
	wantCut := map[group][2]int{}
	for g, n := range counts {
		if n > want[g] {
			wantCut[g] = [2]int{n - want[g], n}
		}
	}
	if diff := cmp.Diff(wantCut, gotCut, cmp.AllowUnexported(group{})); diff != "" {
		t.Errorf("notifications of rules left out (-want +got):\n%s", diff)
	}
}

// wholeLogs holds the results of the uncapped SARIF log of each report
// the tests check, printed once.
var wholeLogs = map[*Report][]sarifResult{}

// wholeResults returns the results of r's SARIF log without a limit.
func wholeResults(t *testing.T, r *Report) []sarifResult {
	t.Helper()
	if res, ok := wholeLogs[r]; ok {
		return res
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(printString(t, "sarif", r, PrintOptions{SARIFMaxResults: -1})), &log); err != nil {
		t.Fatal(err)
	}
	wholeLogs[r] = log.Runs[0].Results
	return log.Runs[0].Results
}

func TestSARIFWithinCodeScanningLimits(t *testing.T) {
	r := manyFindings(bigSpec)
	schema := compileSARIFSchema(t)
	tests := []struct {
		name  string
		opt   PrintOptions
		limit int
	}{
		{"default 25000", PrintOptions{}, codeScanningMax},
		{"errors only", PrintOptions{SARIFMaxResults: 100}, 100},
		{"fewer than the rules", PrintOptions{SARIFMaxResults: 2}, 2},
		{"room for notes", PrintOptions{SARIFMaxResults: 26000}, 26000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := printString(t, "sarif", r, tt.opt)
			checkSARIFCaps(t, r, []byte(out), tt.limit)
			if tt.limit < 1000 {
				validateSARIF(t, schema, []byte(out))
			}
		})
	}
	t.Run("default 25000 is valid SARIF", func(t *testing.T) {
		validateSARIF(t, schema, []byte(printString(t, "sarif", r, PrintOptions{})))
	})
	t.Run("no limit", func(t *testing.T) {
		out := printString(t, "sarif", r, PrintOptions{SARIFMaxResults: -1})
		if n := strings.Count(out, `"ruleId": `); n != len(r.Findings) || strings.Contains(out, "invocations") {
			t.Errorf("%d results, want all %d and no invocation", n, len(r.Findings))
		}
	})
	t.Run("the whole list named", func(t *testing.T) {
		out := printString(t, "sarif", r, PrintOptions{SARIFMaxResults: 10, FullReport: "out/report.json"})
		if !strings.Contains(out, "every finding is in out/report.json (--format json)") {
			t.Errorf("the notification does not name the JSON report")
		}
	})
}

func TestGitHubWithinAnnotationLimits(t *testing.T) {
	tests := []struct {
		name string
		spec map[group]int
	}{
		{"big", bigSpec},
		{"errors only", map[group]int{{RuleLanguageValue, Error}: 30, {RuleCycle, Error}: 1}},
		{"eleven notices", map[group]int{{RuleUserWithoutTeam, Info}: 11}},
		{"ten notices fit", map[group]int{{RuleUserWithoutTeam, Info}: 10, {RuleEmailCase, Warning}: 10, {RuleCycle, Error}: 10}},
		{"more error rules than annotations", map[group]int{
			{RuleEncoding, Error}: 2, {RuleDelimiter, Error}: 2, {RuleCSVSyntax, Error}: 2, {RuleRaggedRow, Error}: 2,
			{RuleHeaderMissing, Error}: 2, {RuleHeaderDuplicate, Error}: 2, {RuleHeaderBlank, Error}: 2,
			{RuleRequired, Error}: 2, {RuleEmailFormat, Error}: 2, {RuleDuplicateID, Error}: 2,
			{RuleDuplicateEmail, Error}: 2, {RuleLanguageValue, Error}: 2,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := manyFindings(tt.spec)
			checkGitHubCaps(t, r, printString(t, "github", r, PrintOptions{FullReport: "report.json"}))
		})
	}
}

var (
	annotationLine = regexp.MustCompile(`^::(error|warning|notice) (?:file=([^,]*),)?(?:line=(\d+),)?(?:col=(\d+),)?title=([^:]*)::(.*)$`)
	plainLineRe    = regexp.MustCompile(`^(.+):(\d+):(\d+): (error|warning|info): (.*) \[([a-z-]+)\]$`)
)

// checkGitHubCaps checks the github output of r: at most 10 annotations
// of each kind, the closing notice among them when findings are not
// annotated, each rule of a kind annotated when the kind has room for
// every rule (as the round robin chooses), errors first, and every other
// finding as a plain line, in the findings' order.
func checkGitHubCaps(t *testing.T, r *Report, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	kinds := map[string]int{}
	annotated := map[group]int{}
	plain := map[group]int{}
	var closing string
	lastKind := 3
	var moreSerious []int // lines of annotations more serious than the one before
	rank := map[string]int{"error": 2, "warning": 1, "notice": 0}
	var plainLines []string
	for i, l := range lines {
		if m := annotationLine.FindStringSubmatch(l); m != nil {
			if len(plainLines) > 0 {
				t.Fatalf("line %d: annotation after a plain line: %s", i+1, l)
			}
			kinds[m[1]]++
			if m[5] == "ovsync%3A more findings" {
				closing = m[6]
				continue
			}
			if closing != "" {
				t.Errorf("line %d: annotation after the closing notice: %s", i+1, l)
			}
			s := map[string]Severity{"error": Error, "warning": Warning, "notice": Info}[m[1]]
			annotated[group{m[5], s}]++
			if rank[m[1]] > lastKind {
				moreSerious = append(moreSerious, i+1)
			}
			lastKind = rank[m[1]]
			continue
		}
		m := plainLineRe.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %d is neither an annotation nor a plain line: %q", i+1, l)
		}
		s, _ := ParseSeverity(m[4])
		plain[group{m[6], s}]++
		plainLines = append(plainLines, l)
	}
	for k, n := range kinds {
		if n > gitHubShows {
			t.Errorf("%d %s annotations, GitHub shows %d", n, k, gitHubShows)
		}
	}
	counts := countGroups(r.Findings, gitHubKind)
	total := 0
	for g, n := range counts {
		if annotated[g]+plain[g] != n {
			t.Errorf("%s (%s): %d annotations and %d plain lines, want %d findings", g.rule, g.severity, annotated[g], plain[g], n)
		}
		total += annotated[g]
	}
	if len(plainLines) == 0 {
		if closing != "" || len(lines) != len(r.Findings) {
			t.Errorf("every finding annotated, yet %d lines for %d findings (closing notice %q)", len(lines), len(r.Findings), closing)
		}
		return
	}
	if closing == "" {
		t.Fatal("findings left as plain lines, and no closing notice")
	}
	if len(moreSerious) > 0 {
		t.Errorf("annotations on lines %v come after less serious ones: errors first, then warnings, then notices", moreSerious)
	}
	want := roundRobin(r.Findings, gitHubKind, func(s Severity, _ int) int {
		if s == Info {
			return gitHubShows - 1
		}
		return gitHubShows
	})
	if diff := cmp.Diff(want, annotated, cmp.AllowUnexported(group{}), cmpNonZero); diff != "" {
		t.Errorf("annotations per rule (-round robin +got):\n%s", diff)
	}
	if wantStart := fmt.Sprintf("%d more findings (", len(r.Findings)-total); !strings.HasPrefix(closing, wantStart) ||
		!strings.Contains(closing, "printed below") || !strings.Contains(closing, "report.json") {
		t.Errorf("closing notice %q, want it to start %q, say they are printed below and name report.json", closing, wantStart)
	}
	// The plain lines are the findings not annotated, in order.
	j := 0
	for _, l := range plainLines {
		for j < len(r.Findings) && r.Findings[j].String() != l {
			j++
		}
		if j == len(r.Findings) {
			t.Fatalf("plain line %q is not the next finding in order", l)
		}
		j++
	}
}

// cmpNonZero compares count maps ignoring entries of 0.
var cmpNonZero = cmp.FilterValues(func(a, b map[group]int) bool { return true }, cmp.Transformer("nonzero", func(m map[group]int) map[group]int {
	out := map[group]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}))

func TestGitHubPlainLinesCannotBeCommands(t *testing.T) {
	var fs []Finding
	for i := range 12 {
		fs = append(fs, Finding{Rule: RuleCycle, Severity: Error, File: "::error::x.csv", Line: i + 1, Column: 1,
			Message: "two\nlines\r\n::warning::injected"})
	}
	fs = append(fs, Finding{Rule: RuleCycle, Severity: Error, File: ":", Line: 99, Message: "m"})
	out := printString(t, "github", &Report{Findings: fs}, PrintOptions{})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "./::99:0: error: m [cycle]" {
		t.Errorf("plain line of file %q = %q", ":", last)
	}
	lines = lines[:len(lines)-1]
	if len(lines) != 13 {
		t.Fatalf("%d lines for 12 findings, want 13 (10 annotations, the notice, 2 plain lines):\n%s", len(lines), out)
	}
	for _, l := range lines[11:] {
		want := `./::error::x.csv:` + strings.TrimPrefix(l, "./::error::x.csv:")
		if l != want || !strings.HasSuffix(l, `: error: two\nlines\r\n::warning::injected [cycle]`) {
			t.Errorf("plain line %q", l)
		}
	}
}

// TestGeneratedOrgWithinLimits lints a generated org of 5,000 users made
// to break several rules thousands of times (every team named "Team",
// upper-case emails, unknown languages, users dropped from their teams),
// then checks the SARIF, github and summary outputs against their limits.
func TestGeneratedOrgWithinLimits(t *testing.T) {
	dir := t.TempDir()
	if _, err := orggen.WriteDir(dir, orggen.Options{Users: 5000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "Data")
	editCSV(t, filepath.Join(data, "groups.csv"), func(i int, rec []string) []string {
		rec[1] = "Team"
		return rec
	})
	editCSV(t, filepath.Join(data, "users.csv"), func(i int, rec []string) []string {
		if i%3 == 0 {
			rec[1] = strings.ToUpper(rec[1][:1]) + rec[1][1:]
		}
		if i%5 == 0 {
			rec[6] = "French"
		}
		return rec
	})
	editCSV(t, filepath.Join(data, "groups-mapping.csv"), func(i int, rec []string) []string {
		if strings.HasSuffix(rec[1], "7") {
			return nil
		}
		return rec
	})
	rep, err := Run(Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	counts := countGroups(rep.Findings, asIs)
	if len(rep.Findings) < 3000 || len(counts) < 4 {
		t.Fatalf("%d findings of %d rules and severities, want thousands of several: %v", len(rep.Findings), len(counts), counts)
	}
	t.Logf("%d findings: %v", len(rep.Findings), counts)
	const limit = 1500
	sarif := printString(t, "sarif", rep, PrintOptions{SARIFMaxResults: limit})
	checkSARIFCaps(t, rep, []byte(sarif), limit)
	validateSARIF(t, compileSARIFSchema(t), []byte(sarif))
	checkGitHubCaps(t, rep, printString(t, "github", rep, PrintOptions{FullReport: "report.json"}))
	checkSummary(t, rep, printString(t, "summary", rep, PrintOptions{}))
}

// editCSV rewrites the data rows of a CSV file through edit (row i from
// 1; nil drops the row).
func editCSV(t *testing.T, path string, edit func(i int, rec []string) []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(bufio.NewWriter(&buf))
	w.Write(recs[0])
	for i, rec := range recs[1:] {
		if rec = edit(i+1, rec); rec != nil {
			w.Write(rec)
		}
	}
	w.Flush()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

var tableRow = regexp.MustCompile("^\\| `([a-z-]+)` \\| (error|warning|info) \\| (\\d+) \\|$")

// checkSummary checks the summary of r: within GitHub's 1 MiB, its table
// counting every rule and severity, the first findings of each listed.
func checkSummary(t *testing.T, r *Report, out string) {
	t.Helper()
	if len(out) >= 1<<20 {
		t.Errorf("summary of %d bytes, GitHub takes 1 MiB", len(out))
	}
	got := map[group]int{}
	for l := range strings.SplitSeq(out, "\n") {
		if m := tableRow.FindStringSubmatch(l); m != nil {
			s, _ := ParseSeverity(m[2])
			n, _ := strconv.Atoi(m[3])
			got[group{m[1], s}] = n
		}
	}
	if diff := cmp.Diff(countGroups(r.Findings, asIs), got, cmp.AllowUnexported(group{})); diff != "" {
		t.Errorf("summary table (-want +got):\n%s", diff)
	}
	wantHead := fmt.Sprintf("%d errors, %d warnings, %d info", r.Summary.Errors, r.Summary.Warnings, r.Summary.Infos)
	if !strings.Contains(out, wantHead) {
		t.Errorf("summary does not say %q", wantHead)
	}
}
