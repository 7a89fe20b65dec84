package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	stdhtml "html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixedTime is the time of the reports the tests make.
var fixedTime = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

const (
	brokenOrg  = "../../testdata/broken"
	sampleOrg  = "../../testdata/sample"
	hostileOrg = "testdata/hostile"
	// hostileKey is the ApiKey of the hostile org's config.json.
	hostileKey = "ovk-zq93xk-HOSTILE-7731"
)

// defaultGuards are the options of a push with the command's default
// guards, as ovsync push, plan and report build them without flags.
func defaultGuards(t testing.TB) plan.Options {
	t.Helper()
	opt := plan.Options{Protocols: push.Protocols(), Guards: plan.Guards{MaxInvites: plan.DefaultMaxInvites}}
	for _, l := range []struct {
		to   *plan.Limit
		spec string
	}{{&opt.MaxRemovals, plan.DefaultMaxRemovals}, {&opt.MaxTeamRemovals, plan.DefaultMaxTeamRemovals}, {&opt.MaxManagerChanges, plan.DefaultMaxManagerChanges}} {
		var err error
		if *l.to, err = plan.ParseLimit(l.spec); err != nil {
			t.Fatal(err)
		}
	}
	return opt
}

// newReport makes the report of opt, at a fixed time, with the default
// guards unless opt sets some, failing the test on error.
func newReport(t testing.TB, opt Options) *Report {
	t.Helper()
	if opt.Now.IsZero() {
		opt.Now = fixedTime
	}
	if opt.Version == "" {
		opt.Version = "v0.0.0-test"
	}
	if opt.Plan.MaxRemovals == (plan.Limit{}) && opt.Plan.MaxInvites == 0 {
		opt.Plan = defaultGuards(t)
	}
	r, err := New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// page writes the report's page and returns it.
func page(t testing.TB, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// embedded returns the JSON a page embeds.
func embedded(t testing.TB, html string) []byte {
	t.Helper()
	_, rest, ok := strings.Cut(html, `<script type="application/json" id="ovsync-data">`)
	if !ok {
		t.Fatal("the page embeds no data")
	}
	data, _, ok := strings.Cut(rest, "</script>")
	if !ok {
		t.Fatal("the data element is not closed")
	}
	return []byte(data)
}

func TestGoldenData(t *testing.T) {
	golden, err := filepath.Abs(filepath.Join("testdata", "broken.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..") // paths as a user at the top of the repository sees them
	r := newReport(t, Options{Lint: lint.Options{Path: "testdata/broken"}})
	var got bytes.Buffer
	if err := json.Indent(&got, embedded(t, page(t, r)), "", " "); err != nil {
		t.Fatal(err)
	}
	got.WriteByte('\n')
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("embedded JSON differs from %s (-want +got; go test -update rewrites it):\n%s", golden, diff)
	}
}

// TestFindingRows checks the row and field a finding of testdata/broken
// is shown with, and the team or user it links to.
func TestFindingRows(t *testing.T) {
	r := newReport(t, Options{Lint: lint.Options{Path: brokenOrg}, NoPlan: true})
	d := r.Data()
	tests := []struct {
		name      string
		rule      string
		file      string
		line      int
		rowLine   int    // 0: no row
		cell      string // header name of the highlighted field, "" for the whole row
		team      string // id of the linked team, if any
		user      string // id of the linked user, if any
		cellValue string
	}{
		{name: "field", rule: "email-format", file: "users.csv", line: 72, rowLine: 72, cell: "email", user: "22066", cellValue: "dana reyes <dana.reyes@cedarline.example>"},
		{name: "whole row", rule: "ragged-row", file: "users.csv", line: 47, rowLine: 47, user: "00061"},
		{name: "header field", rule: "header-duplicate", file: "users.csv", line: 1, rowLine: 1, cell: "Country", cellValue: "Country"},
		{name: "not UTF-8", rule: "encoding", file: "users.csv", line: 23, rowLine: 23, cell: "firstName", user: "00028", cellValue: "Ren\uFFFD"},
		{name: "team row", rule: "required", file: "groups.csv", line: 9, rowLine: 9, cell: "name", team: "T-ENG-DATA"},
		{name: "semicolon header", rule: "delimiter", file: "groups.csv", line: 1, rowLine: 1},
		{name: "mapping row", rule: "mapping-target", file: "groups-mapping.csv", line: 170, rowLine: 170, team: "T-FIN-ACC", user: "00017"},
		{name: "unknown team", rule: "unknown-team", file: "groups-mapping.csv", line: 171, rowLine: 171, cell: "groupId", team: "T-ENG-SEC", user: "00053"},
		{name: "config", rule: "config", file: "config.json", line: 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f *Finding
			for i := range d.Findings {
				g := &d.Findings[i]
				if g.Rule == tt.rule && g.Line == tt.line && strings.HasSuffix(d.Sources[g.Source].File, tt.file) {
					f = g
				}
			}
			if f == nil {
				t.Fatalf("no %s finding at %s:%d", tt.rule, tt.file, tt.line)
			}
			src := d.Sources[f.Source]
			if tt.rowLine == 0 {
				if f.Row >= 0 {
					t.Errorf("row %v shown, want none", src.Rows[f.Row])
				}
				return
			}
			if f.Row < 0 {
				t.Fatalf("no row shown, want line %d", tt.rowLine)
			}
			row := src.Rows[f.Row]
			if row.Line != tt.rowLine {
				t.Errorf("row of line %d shown, want %d", row.Line, tt.rowLine)
			}
			cell := ""
			if f.Cell >= 0 {
				cell = src.Header[f.Cell]
				if got := row.Fields[f.Cell]; got != tt.cellValue && tt.cellValue != "" {
					t.Errorf("highlighted value %q, want %q", got, tt.cellValue)
				}
			}
			if cell != tt.cell {
				t.Errorf("highlighted column %q, want %q", cell, tt.cell)
			}
			team, user := "", ""
			if f.Team >= 0 {
				team = d.Teams[f.Team].ID
			}
			if f.User >= 0 {
				user = d.Users[f.User].ID
			}
			if team != tt.team || user != tt.user {
				t.Errorf("links to team %q and user %q, want %q and %q", team, user, tt.team, tt.user)
			}
		})
	}
}

// TestHostileNamesAreText checks that values from the files cannot make
// markup: the page has exactly its two script elements, and the hostile
// names appear escaped.
func TestHostileNamesAreText(t *testing.T) {
	html := page(t, newReport(t, Options{Lint: lint.Options{Path: hostileOrg}}))
	if n := strings.Count(strings.ToLower(html), "<script"); n != 2 {
		t.Errorf("the page has %d <script elements, want 2 (data and code)", n)
	}
	if strings.Contains(strings.ToLower(html), "<img") {
		t.Error("the page contains an <img element")
	}
	for _, want := range []string{
		`&lt;/script&gt;&lt;script&gt;alert(5)&lt;/script&gt;`,                            // a field of the plain HTML row
		`<td class="hi">&#34;&gt;&lt;img src=x onerror=alert(4)&gt;@hostile.example</td>`, // the highlighted email
		`\u003cscript\u003ealert(1)\u003c/script\u003e Boss`,                              // a user name in the data
		`\u003c/script\u003e\u003cscript\u003ealert(3)`,                                   // a team name in the data
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks the escaped form %s", want)
		}
	}
	if !strings.Contains(string(embedded(t, html)), `Tom \u0026amp; Jerry`) {
		t.Error("an entity in a name is not kept as text")
	}
}

// TestNoAPIKey checks that no part of the API key of config.json reaches
// the page, not even 6 characters of it.
func TestNoAPIKey(t *testing.T) {
	html := page(t, newReport(t, Options{Lint: lint.Options{Path: hostileOrg}}))
	for i := 0; i+6 <= len(hostileKey); i++ {
		if piece := hostileKey[i : i+6]; strings.Contains(html, piece) {
			t.Errorf("the page contains %q, a piece of the API key", piece)
		}
	}
}

// TestCSP checks the policy: nothing but the page's own style and script,
// by hash, and no source at all for connections, images and fonts.
func TestCSP(t *testing.T) {
	html := page(t, newReport(t, Options{Lint: lint.Options{Path: sampleOrg}, NoPlan: true}))
	m := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(html)
	if m == nil {
		t.Fatal("no Content-Security-Policy meta tag")
	}
	policy := stdhtml.UnescapeString(m[1])
	for _, want := range []string{"default-src 'none'", "connect-src 'none'", "img-src 'none'", "form-action 'none'",
		"style-src '" + hashOf(pageCSS) + "'", "script-src '" + hashOf(pageJS) + "'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "unsafe") || strings.Contains(policy, "http") {
		t.Errorf("policy %q allows more than the page's own code", policy)
	}
	// The hashes must be of what the page holds, byte for byte.
	if !strings.Contains(html, "<style>"+pageCSS+"</style>") || !strings.Contains(html, "<script>"+pageJS+"</script>") {
		t.Error("the inline style or script differs from the hashed one")
	}
}

// TestReadableWithoutScript checks that the summary and the first
// findings are in the HTML itself.
func TestReadableWithoutScript(t *testing.T) {
	r := newReport(t, Options{Lint: lint.Options{Path: brokenOrg}})
	html := page(t, r)
	head, _, _ := strings.Cut(html, `<script type="application/json"`)
	for _, want := range []string{
		"A push would stop: 20 errors, 15 warnings, 6 info",
		"lint found 20 errors: a push stops before planning",
		`<time datetime="2026-03-04T05:06:07Z">2026-03-04T05:06:07Z</time> by ovsync v0.0.0-test`,
		"Officevibe reads comma-separated files",
		`<td class="hi">dana reyes &lt;dana.reyes@cedarline.example&gt;</td>`,
	} {
		if !strings.Contains(head, want) {
			t.Errorf("the HTML without script lacks %q", want)
		}
	}
	if got, want := strings.Count(head, `<li class="finding"`), len(r.Data().Findings); got != want {
		t.Errorf("%d findings in plain HTML, want %d", got, want)
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name   string
		opt    lint.Options
		status PlanStatus
		want   string // in the plain HTML
	}{
		{"first push", lint.Options{Path: sampleOrg}, PlanFirst, "First push: there is no state file"},
		{"lint errors", lint.Options{Path: brokenOrg}, PlanStopped, "lint found 20 errors: a push stops before planning"},
		{"files without config", lint.Options{Users: sampleOrg + "/Data/users.csv"}, PlanStopped, "given without a config.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReport(t, Options{Lint: tt.opt})
			if got := r.Data().Plan.Status; got != tt.status {
				t.Errorf("plan status %q, want %q (%s)", got, tt.status, r.Data().Plan.Reason)
			}
			if html := page(t, r); !strings.Contains(html, tt.want) {
				t.Errorf("the page lacks %q", tt.want)
			}
		})
	}
}

// TestDataAsEncoded: the page's data, written a user, a team and a
// finding at a time, is byte for byte what json.Encoder writes of it, for
// the sample, the broken org (findings of every rule) and the hostile
// org (markup, entities, control characters, non-ASCII in names).
func TestDataAsEncoded(t *testing.T) {
	for _, dir := range []string{sampleOrg, brokenOrg, hostileOrg} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d := newReport(t, Options{Lint: lint.Options{Path: dir}}).Data()
			got, want := dataAsWritten(t, d)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("the data written differs from json.Encoder's (-want +got):\n%s", diff)
			}
			var back Data
			if err := json.Unmarshal([]byte(got), &back); err != nil {
				t.Fatal(err)
			}
			for i, u := range d.Users {
				if i >= len(back.Users) || back.Users[i] != u && utf8.ValidString(u.ID+u.Name+u.Email) {
					t.Fatalf("user %d reads back as %+v, was %+v", i, back.Users[min(i, len(back.Users)-1)], u)
				}
			}
		})
	}
}

// dataAsWritten returns d as the page writes it (writeData) and as
// json.Encoder writes it.
func dataAsWritten(t testing.TB, d *Data) (written, encoded string) {
	t.Helper()
	var enc, w bytes.Buffer
	if err := json.NewEncoder(&enc).Encode(d); err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(&w)
	if err := writeData(bw, d); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	return w.String(), enc.String()
}
