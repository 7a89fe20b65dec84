package graph

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/lint"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// Orgs of the tests: the repository's sample and broken orgs, and the
// escaping fixture of this package.
const (
	sampleOrg = "../testdata/sample"
	brokenOrg = "../testdata/broken"
)

var escapingFiles = lint.Options{
	Users:   "testdata/escaping/users.csv",
	Groups:  "testdata/escaping/groups.csv",
	Mapping: "testdata/escaping/groups-mapping.csv",
}

// readOrg lints an org and returns its model.
func readOrg(t testing.TB, opt lint.Options) *lint.Org {
	t.Helper()
	rep, err := lint.Run(opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Org
}

// draw builds the graph of org and writes it in opt's format.
func draw(t testing.TB, org *lint.Org, opt Options) (*Graph, []byte) {
	t.Helper()
	g, err := New(org, opt)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return g, buf.Bytes()
}

// write is draw for the output alone.
func write(t testing.TB, org *lint.Org, opt Options) []byte {
	t.Helper()
	_, out := draw(t, org, opt)
	return out
}

// renderSVG runs the real dot -Tsvg on a DOT graph and returns the SVG;
// every DOT the tests produce goes through it. It skips the test, saying
// so, when dot is not installed.
func renderSVG(t *testing.T, dot []byte) []byte {
	t.Helper()
	path, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not on the PATH, so the DOT output is not rendered: install graphviz (apt-get install graphviz) to run this test")
	}
	cmd := exec.Command(path, "-Tsvg")
	cmd.Stdin = bytes.NewReader(dot)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("dot -Tsvg failed: %v\n%s", err, stderr.String())
	}
	if s := stderr.String(); strings.Contains(s, "Error") || strings.Contains(s, "Warning") {
		t.Errorf("dot -Tsvg complained:\n%s", s)
	}
	return out.Bytes()
}

// svgGraph is what a test reads back from dot's SVG: the text lines of
// each node and the edges, by the node names of the DOT source.
type svgGraph struct {
	nodes map[string][]string
	edges []string // "t0->t1"
}

// parseSVG reads the nodes and edges of an SVG written by dot: each is a
// <g class="node"> or <g class="edge"> holding a <title> and <text>s.
func parseSVG(t *testing.T, svg []byte) svgGraph {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	g := svgGraph{nodes: map[string][]string{}}
	var class, title, elem string
	var texts []string
	depth, groupDepth := 0, -1
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("dot wrote SVG that does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			elem = tok.Name.Local
			if elem == "g" {
				for _, a := range tok.Attr {
					if a.Name.Local == "class" && (a.Value == "node" || a.Value == "edge") {
						class, title, texts, groupDepth = a.Value, "", nil, depth
					}
				}
			}
			if elem == "text" && groupDepth > 0 {
				texts = append(texts, "")
			}
		case xml.CharData:
			switch {
			case groupDepth < 0:
			case elem == "title":
				title += string(tok)
			case elem == "text":
				texts[len(texts)-1] += string(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "g" && depth == groupDepth {
				if class == "node" {
					g.nodes[title] = texts
				} else {
					g.edges = append(g.edges, title)
				}
				groupDepth = -1
			}
			elem = ""
			depth--
		}
	}
	return g
}

// teamCounts are counted from the files themselves, with encoding/csv:
// the teams of groups.csv and the distinct team/sub-team pairs of the
// mapping.
func teamCounts(t *testing.T, groups, mapping string) (teams, subTeams int) {
	t.Helper()
	read := func(path string) [][]string {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows[1:]
	}
	teams = len(read(groups))
	pairs := map[[2]string]bool{}
	for _, r := range read(mapping) {
		if r[2] != "" {
			pairs[[2]string{r[0], r[2]}] = true
		}
	}
	return teams, len(pairs)
}

var (
	dotNode      = regexp.MustCompile(`(?m)^\tt\d+ \[`)
	dotEdge      = regexp.MustCompile(`(?m)^\tt\d+ -> t\d+[ ;]`)
	mermaidNode  = regexp.MustCompile(`(?m)^\tt\d+\("`)
	mermaidEdge  = regexp.MustCompile(`(?m)^\tt\d+ -->(\|cycle\|)? t\d+$`)
	svgTeamNode  = regexp.MustCompile(`^t\d+$`)
	svgTeamEdge  = regexp.MustCompile(`^t\d+->t\d+$`)
	svgUserNode  = regexp.MustCompile(`^u\d+$`)
	svgUserEdge  = regexp.MustCompile(`^t\d+->u\d+$`)
	svgLegendAny = regexp.MustCompile(`^legend`)
)

// countMatches counts the strings that re matches.
func countMatches(re *regexp.Regexp, xs []string) int {
	n := 0
	for _, x := range xs {
		if re.MatchString(x) {
			n++
		}
	}
	return n
}

func TestCountsMatchFiles(t *testing.T) {
	gen := t.TempDir()
	if _, err := orggen.WriteDir(gen, orggen.Options{Users: 1500, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{sampleOrg, gen} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			wantTeams, wantSubs := teamCounts(t, filepath.Join(dir, "Data", "groups.csv"), filepath.Join(dir, "Data", "groups-mapping.csv"))
			org := readOrg(t, lint.Options{Path: dir})
			dot := write(t, org, Options{})
			if n := len(dotNode.FindAll(dot, -1)); n != wantTeams {
				t.Errorf("DOT has %d team nodes, groups.csv has %d teams", n, wantTeams)
			}
			if n := len(dotEdge.FindAll(dot, -1)); n != wantSubs {
				t.Errorf("DOT has %d team edges, the mapping has %d sub-team pairs", n, wantSubs)
			}
			mmd := write(t, org, Options{Format: Mermaid})
			if n := len(mermaidNode.FindAll(mmd, -1)); n != wantTeams {
				t.Errorf("Mermaid has %d team nodes, groups.csv has %d teams", n, wantTeams)
			}
			if n := len(mermaidEdge.FindAll(mmd, -1)); n != wantSubs {
				t.Errorf("Mermaid has %d team edges, the mapping has %d sub-team pairs", n, wantSubs)
			}
			svg := parseSVG(t, renderSVG(t, dot))
			titles := slices.Collect(maps.Keys(svg.nodes))
			if n := countMatches(svgTeamNode, titles); n != wantTeams {
				t.Errorf("dot drew %d team nodes, groups.csv has %d teams", n, wantTeams)
			}
			if n := countMatches(svgTeamEdge, svg.edges); n != wantSubs {
				t.Errorf("dot drew %d team edges, the mapping has %d sub-team pairs", n, wantSubs)
			}
		})
	}
}

func TestCountsWithMembers(t *testing.T) {
	org := readOrg(t, lint.Options{Path: sampleOrg})
	g, dot := draw(t, org, Options{Members: true})
	svg := parseSVG(t, renderSVG(t, dot))
	var users, userEdges, teams int
	for k := range svg.nodes {
		switch {
		case svgUserNode.MatchString(k):
			users++
		case svgTeamNode.MatchString(k):
			teams++
		case !svgLegendAny.MatchString(k):
			t.Errorf("unexpected node %q", k)
		}
	}
	for _, e := range svg.edges {
		if svgUserEdge.MatchString(e) {
			userEdges++
		}
	}
	// Every user of the sample org is in a team; each (team, user) pair
	// of the mapping is one edge.
	pairs := map[[2]int32]bool{}
	for _, m := range org.Mappings {
		if m.User >= 0 {
			pairs[[2]int32{m.Team, m.User}] = true
		}
	}
	if users != len(org.Users) || teams != len(org.Teams) || userEdges != len(pairs) {
		t.Errorf("drew %d users, %d teams, %d user edges; want %d, %d, %d", users, teams, userEdges, len(org.Users), len(org.Teams), len(pairs))
	}
	if g.Nodes() != len(org.Users)+len(org.Teams) {
		t.Errorf("Nodes() = %d, want %d", g.Nodes(), len(org.Users)+len(org.Teams))
	}
}

// goldenCases are the outputs kept in testdata/golden, each written in
// DOT and Mermaid.
var goldenCases = []struct {
	name string
	org  lint.Options
	opt  Options
}{
	{"sample", lint.Options{Path: sampleOrg}, Options{}},
	{"sample-customer-service", lint.Options{Path: sampleOrg}, Options{Root: "T-CS-ALL", Members: true, Direction: "LR"}},
	{"sample-engineering-depth1", lint.Options{Path: sampleOrg}, Options{Root: "T-ENG-ALL", Depth: 1}},
	{"broken", lint.Options{Path: brokenOrg}, Options{}},
	{"broken-members", lint.Options{Path: brokenOrg}, Options{Members: true, Direction: "LR"}},
	{"escaping", escapingFiles, Options{Members: true}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		org := readOrg(t, tc.org)
		for _, f := range []struct {
			format Format
			ext    string
		}{{DOT, ".dot"}, {Mermaid, ".mmd"}} {
			t.Run(tc.name+f.ext, func(t *testing.T) {
				opt := tc.opt
				opt.Format = f.format
				got := write(t, org, opt)
				path := filepath.Join("testdata", "golden", tc.name+f.ext)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./graph -run TestGolden -update to write it)", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", path, diff)
				}
				if f.format == DOT {
					renderSVG(t, got)
				}
			})
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []Format{DOT, Mermaid} {
				opt := tc.opt
				opt.Format = format
				a := write(t, readOrg(t, tc.org), opt)
				b := write(t, readOrg(t, tc.org), opt)
				if !bytes.Equal(a, b) {
					t.Errorf("%s: two runs on the same files wrote different bytes", format)
				}
			}
		})
	}
}

// drawn returns the ids of the drawn teams with their problem marks and
// hidden sub-team counts, and the drawn sub-team edges, for comparison.
type drawnTeam struct {
	ID     string
	Marks  []string
	Hidden int32
}

func drawn(g *Graph) (teams []drawnTeam, edges []string) {
	names := map[Marks]string{MarkMissing: "missing", MarkNoManager: "no-manager", MarkEmpty: "empty", MarkGap: "gap"}
	for _, n := range g.nodes[:g.teams] {
		dt := drawnTeam{ID: g.org.Teams[n.index].ID, Hidden: n.hidden}
		for _, m := range []Marks{MarkMissing, MarkNoManager, MarkEmpty, MarkGap} {
			if n.marks&m != 0 {
				dt.Marks = append(dt.Marks, names[m])
			}
		}
		teams = append(teams, dt)
	}
	for _, e := range g.edges {
		if e.kind != subTeamEdge {
			continue
		}
		s := g.org.Teams[g.nodes[e.from].index].ID + "->" + g.org.Teams[g.nodes[e.to].index].ID
		if e.cycle {
			s += " (cycle)"
		}
		edges = append(edges, s)
	}
	return teams, edges
}

func TestRootAndDepth(t *testing.T) {
	sample := readOrg(t, lint.Options{Path: sampleOrg})
	broken := readOrg(t, lint.Options{Path: brokenOrg})
	tests := []struct {
		name      string
		org       *lint.Org
		opt       Options
		wantTeams []drawnTeam
		wantEdges []string
	}{
		{
			name: "root-leaf",
			org:  sample, opt: Options{Root: "T-OPS-WH"},
			wantTeams: []drawnTeam{{ID: "T-OPS-WH"}},
		},
		{
			name: "root-department",
			org:  sample, opt: Options{Root: "T-CS-ALL"},
			wantTeams: []drawnTeam{{ID: "T-CS-ALL"}, {ID: "T-CS"}, {ID: "T-CS-A"}, {ID: "T-CS-B"}},
			wantEdges: []string{"T-CS-ALL->T-CS", "T-CS-ALL->T-CS-A", "T-CS-ALL->T-CS-B"},
		},
		{
			name: "root-depth-1",
			org:  sample, opt: Options{Root: "T-ENG-ALL", Depth: 1},
			wantTeams: []drawnTeam{{ID: "T-ENG-ALL"}, {ID: "T-ENG"}, {ID: "T-ENG-PLAT-ALL", Hidden: 3}, {ID: "T-ENG-PROD-ALL", Hidden: 3}, {ID: "T-ENG-DSN"}},
			wantEdges: []string{"T-ENG-ALL->T-ENG", "T-ENG-ALL->T-ENG-PLAT-ALL", "T-ENG-ALL->T-ENG-PROD-ALL", "T-ENG-ALL->T-ENG-DSN"},
		},
		{
			name: "root-depth-beyond-leaves",
			org:  sample, opt: Options{Root: "T-CS-ALL", Depth: 5},
			wantTeams: []drawnTeam{{ID: "T-CS-ALL"}, {ID: "T-CS"}, {ID: "T-CS-A"}, {ID: "T-CS-B"}},
			wantEdges: []string{"T-CS-ALL->T-CS", "T-CS-ALL->T-CS-A", "T-CS-ALL->T-CS-B"},
		},
		{
			name: "whole-org-depth-1",
			org:  sample, opt: Options{Depth: 1},
			wantTeams: []drawnTeam{{ID: "T-ALL"}, {ID: "T-EXEC"}, {ID: "T-ENG-ALL", Hidden: 4}, {ID: "T-SAL-ALL", Hidden: 4}, {ID: "T-CX-ALL", Hidden: 3}, {ID: "T-OPS-ALL", Hidden: 2}, {ID: "T-FIN-ALL", Hidden: 3}},
			wantEdges: []string{"T-ALL->T-EXEC", "T-ALL->T-ENG-ALL", "T-ALL->T-SAL-ALL", "T-ALL->T-CX-ALL", "T-ALL->T-OPS-ALL", "T-ALL->T-FIN-ALL"},
		},
		{
			// T-ALL and T-EXEC hold each other: nothing holds T-ALL, and
			// it is where the drawing starts, beside the teams no team
			// holds.
			name: "cycle-at-the-top-depth-1",
			org:  broken, opt: Options{Depth: 1},
			wantTeams: []drawnTeam{
				{ID: "T-ALL"}, {ID: "T-EXEC"}, {ID: "T-ENG-ALL", Hidden: 4}, {ID: "T-SAL-ALL", Hidden: 5}, {ID: "T-CX-ALL", Hidden: 3},
				{ID: "T-OPS-ALL", Hidden: 3}, {ID: "T-FIN-ALL", Hidden: 3},
				{ID: "T-ENG-ML", Marks: []string{"empty"}}, {ID: "T-SOCIAL", Marks: []string{"no-manager"}}, {ID: "T-ENG-SEC", Marks: []string{"missing"}},
			},
			wantEdges: []string{"T-ALL->T-EXEC (cycle)", "T-ALL->T-ENG-ALL", "T-ALL->T-SAL-ALL", "T-ALL->T-CX-ALL", "T-ALL->T-OPS-ALL", "T-ALL->T-FIN-ALL", "T-EXEC->T-ALL (cycle)"},
		},
		{
			name: "root-inside-cycle",
			org:  broken, opt: Options{Root: "T-EXEC", Depth: 1},
			wantTeams: []drawnTeam{{ID: "T-ALL", Hidden: 5}, {ID: "T-EXEC"}},
			wantEdges: []string{"T-ALL->T-EXEC (cycle)", "T-EXEC->T-ALL (cycle)"},
		},
		{
			name: "gap-marked-on-the-managers-team",
			org:  broken, opt: Options{Root: "T-OPS-SC-ALL"},
			wantTeams: []drawnTeam{{ID: "T-OPS-SC-ALL"}, {ID: "T-OPS-SC", Marks: []string{"gap"}}, {ID: "T-OPS-WH"}},
			wantEdges: []string{"T-OPS-SC-ALL->T-OPS-SC", "T-OPS-SC-ALL->T-OPS-WH"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, dot := draw(t, tc.org, tc.opt)
			teams, edges := drawn(g)
			if diff := cmp.Diff(tc.wantTeams, teams); diff != "" {
				t.Errorf("teams (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantEdges, edges); diff != "" {
				t.Errorf("edges (-want +got):\n%s", diff)
			}
			renderSVG(t, dot)
		})
	}
}

func TestBrokenMarks(t *testing.T) {
	org := readOrg(t, lint.Options{Path: brokenOrg})
	g, err := New(org, Options{Members: true})
	if err != nil {
		t.Fatal(err)
	}
	teams, edges := drawn(g)
	var marked []drawnTeam
	for _, dt := range teams {
		if len(dt.Marks) > 0 {
			marked = append(marked, dt)
		}
	}
	want := []drawnTeam{
		{ID: "T-OPS-SC", Marks: []string{"gap"}},
		{ID: "T-ENG-ML", Marks: []string{"empty"}},
		{ID: "T-SOCIAL", Marks: []string{"no-manager"}},
		{ID: "T-ENG-SEC", Marks: []string{"missing"}},
	}
	if diff := cmp.Diff(want, marked); diff != "" {
		t.Errorf("marked teams (-want +got):\n%s", diff)
	}
	var cycles []string
	for _, e := range edges {
		if strings.HasSuffix(e, "(cycle)") {
			cycles = append(cycles, e)
		}
	}
	if diff := cmp.Diff([]string{"T-ALL->T-EXEC (cycle)", "T-EXEC->T-ALL (cycle)"}, cycles); diff != "" {
		t.Errorf("cycle edges (-want +got):\n%s", diff)
	}
	var missingUsers []string
	for _, n := range g.nodes[g.teams:] {
		if n.marks&MarkMissing != 0 {
			missingUsers = append(missingUsers, org.Users[n.index].ID)
		}
	}
	if diff := cmp.Diff([]string{"24011"}, missingUsers); diff != "" {
		t.Errorf("users not in users.csv (-want +got):\n%s", diff)
	}
	// Rows 124 (bad boolean), 169 (no groupId), 170 (both targets) and
	// 174 (conflicting flags) are not drawn.
	if g.undrawn != 4 {
		t.Errorf("undrawn rows = %d, want 4", g.undrawn)
	}
	// The SVG shows the marks' words to people who do not see colours.
	svg := parseSVG(t, renderSVG(t, write(t, org, Options{Members: true})))
	for name, want := range map[string]string{
		"t31": "Ricardo Pinto cannot see T-OPS-LOG (managed by Nora Jensen)",
		"t38": "empty: no members, no sub-teams",
		"t39": "no manager",
		"t40": "not in groups.csv",
	} {
		if !slices.Contains(svg.nodes[name], want) {
			t.Errorf("node %s says %q, want a line %q", name, svg.nodes[name], want)
		}
	}
}

func TestUnknownRoot(t *testing.T) {
	org := readOrg(t, lint.Options{Path: sampleOrg})
	tests := []struct {
		root string
		want *UnknownRootError
		msg  string
	}{
		// The closest id first, then ids it contains.
		{"T-ENG-AL", &UnknownRootError{ID: "T-ENG-AL", Nearest: []string{"T-ENG-ALL", "T-ENG", "T-ENG-DATA"}},
			`no team "T-ENG-AL" in the org; nearest ids: "T-ENG-ALL", "T-ENG", "T-ENG-DATA"`},
		// Ids are compared without case.
		{"t-cs-all", &UnknownRootError{ID: "t-cs-all", Nearest: []string{"T-CS-ALL", "T-CX-ALL", "T-CS-A"}},
			`no team "t-cs-all" in the org; nearest ids: "T-CS-ALL", "T-CX-ALL", "T-CS-A"`},
		// A team's name leads to its id.
		{"Customer Service Department", &UnknownRootError{ID: "Customer Service Department", Nearest: []string{"T-CS-ALL", "T-CS-A", "T-CS-B"}},
			`no team "Customer Service Department" in the org; nearest ids: "T-CS-ALL", "T-CS-A", "T-CS-B"`},
	}
	for _, tc := range tests {
		t.Run(tc.root, func(t *testing.T) {
			_, err := New(org, Options{Root: tc.root})
			var re *UnknownRootError
			if !errors.As(err, &re) {
				t.Fatalf("New: %v, want an *UnknownRootError", err)
			}
			if diff := cmp.Diff(tc.want, re); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if err.Error() != tc.msg {
				t.Errorf("message:\n got %s\nwant %s", err, tc.msg)
			}
		})
	}
	t.Run("empty-org", func(t *testing.T) {
		_, err := New(&lint.Org{}, Options{Root: "T-X"})
		if err == nil || err.Error() != `no team "T-X" in the org` {
			t.Errorf("New: %v", err)
		}
	})
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		want string // "" for no error
	}{
		{"zero", Options{}, ""},
		{"all", Options{Format: Mermaid, Root: "T", Depth: 3, Members: true, Direction: "LR"}, ""},
		{"format", Options{Format: "pdf"}, `unknown format "pdf" (use dot, mermaid, svg, png)`},
		{"direction", Options{Direction: "BT"}, `unknown direction "BT" (use TB or LR)`},
		{"depth", Options{Depth: -1}, "depth -1 is negative (use 1 or more, or 0 for every level)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opt.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("Validate() = %q, want %q", got, tc.want)
			}
			if _, err := New(&lint.Org{}, tc.opt); tc.want != "" && (err == nil || err.Error() != tc.want) {
				t.Errorf("New: %v, want %q", err, tc.want)
			}
		})
	}
}

func TestNoDot(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, f := range []Format{SVG, PNG} {
		err := Options{Format: f}.Validate()
		if !errors.Is(err, ErrNoDot) {
			t.Errorf("%s: Validate() = %v, want ErrNoDot", f, err)
		}
	}
	if err := (Options{Format: DOT}).Validate(); err != nil {
		t.Errorf("dot format needs no program: %v", err)
	}
}

func TestRenderFormats(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("Graphviz's dot is not on the PATH: install graphviz (apt-get install graphviz) to run this test")
	}
	org := readOrg(t, lint.Options{Path: sampleOrg})
	svg := write(t, org, Options{Format: SVG, Root: "T-CS-ALL"})
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("Customer Service Department")) {
		t.Errorf("svg output is not the SVG of the graph:\n%.300s", svg)
	}
	png := write(t, org, Options{Format: PNG, Root: "T-CS-ALL"})
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("png output does not start with the PNG signature: % x", png[:min(8, len(png))])
	}
}

func TestLegendOnlyWhatIsUsed(t *testing.T) {
	sample := readOrg(t, lint.Options{Path: sampleOrg})
	broken := readOrg(t, lint.Options{Path: brokenOrg})
	legendTexts := func(org *lint.Org, opt Options) []string {
		g, err := New(org, opt)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range g.legend() {
			out = append(out, e.text)
		}
		return out
	}
	tests := []struct {
		name string
		org  *lint.Org
		opt  Options
		want []string
	}{
		{"sample", sample, Options{}, []string{"Team name\nTEAM-ID\nmembers\nmanagers", "its sub-team"}},
		{"sample-depth", sample, Options{Depth: 1}, []string{"Team name\nTEAM-ID\nmembers\nmanagers", "its sub-team", "\"N sub-teams not drawn\":\nbelow the depth limit"}},
		{"broken", broken, Options{}, []string{
			"Team name\nTEAM-ID\nmembers\nmanagers", "its sub-team",
			"team", "sub-team on a cycle:\nthe team is inside itself",
			"TEAM-ID\nnot in groups.csv",
			"team without a manager",
			"empty team",
			"a manager of this team cannot see\na team that one of their reports manages",
			"4 malformed mapping rows\nnot drawn (see the lint findings)",
		}},
		{"broken-cs", broken, Options{Root: "T-CS-ALL", Members: true}, []string{
			"Team name\nTEAM-ID\nmembers\nmanagers", "its sub-team",
			"team", "member", "team", "manager",
			"4 malformed mapping rows\nnot drawn (see the lint findings)",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, legendTexts(tc.org, tc.opt)); diff != "" {
				t.Errorf("legend (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLargeGraph(t *testing.T) {
	dir := t.TempDir()
	if _, err := orggen.WriteDir(dir, orggen.Options{Users: 15000, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	org := readOrg(t, lint.Options{Path: dir})
	g, err := New(org, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g.Teams() <= LargeGraph || !g.Large() {
		t.Errorf("a %d-team org: Large() = %v, want true", g.Teams(), g.Large())
	}
	g, err = New(org, Options{Root: org.Teams[0].ID, Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	if g.Large() {
		t.Errorf("one level below the top: %d teams, Large() = true", g.Teams())
	}
}

func TestFilesWithoutGroups(t *testing.T) {
	// Without groups.csv, the teams the mapping names are not "missing":
	// nothing says they should be declared.
	org := readOrg(t, lint.Options{Mapping: "../testdata/sample/Data/groups-mapping.csv"})
	g, err := New(org, Options{Members: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range g.nodes {
		if n.marks&MarkMissing != 0 {
			t.Fatalf("node %v marked missing though groups.csv and users.csv were not given", n)
		}
	}
	renderSVG(t, write(t, org, Options{}))
}

// TestTeamMarksAndTops checks the marks and the top teams that graph and
// the report share, on the broken org: a team inside itself is a top
// team once, from its first team in file order.
func TestTeamMarksAndTops(t *testing.T) {
	org := readOrg(t, lint.Options{Path: brokenOrg})
	names := map[Marks]string{MarkMissing: "missing", MarkNoManager: "no-manager", MarkEmpty: "empty", MarkGap: "gap", MarkCycle: "cycle"}
	got := map[string][]string{}
	for i, m := range TeamMarks(org) {
		for _, bit := range []Marks{MarkMissing, MarkNoManager, MarkEmpty, MarkGap, MarkCycle} {
			if m&bit != 0 {
				got[org.Teams[i].ID] = append(got[org.Teams[i].ID], names[bit])
			}
		}
	}
	want := map[string][]string{
		"T-ALL": {"cycle"}, "T-EXEC": {"cycle"}, "T-OPS-SC": {"gap"},
		"T-ENG-ML": {"empty"}, "T-SOCIAL": {"no-manager"}, "T-ENG-SEC": {"missing"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("team marks (-want +got):\n%s", diff)
	}
	var tops []string
	for _, i := range Tops(org) {
		tops = append(tops, org.Teams[i].ID)
	}
	if diff := cmp.Diff([]string{"T-ALL", "T-ENG-ML", "T-SOCIAL", "T-ENG-SEC"}, tops); diff != "" {
		t.Errorf("top teams (-want +got):\n%s", diff)
	}
	if tops := Tops(&lint.Org{}); tops == nil || len(tops) != 0 {
		t.Errorf("Tops of an empty org = %#v, want an empty list", tops)
	}
}
