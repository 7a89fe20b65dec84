// Package graph draws the team structure of an Officevibe org as a
// Graphviz DOT graph or a Mermaid flowchart, marking what is wrong with it
// instead of refusing to draw it.
//
// It reads the org model that [lint.Run] builds and the results of lint's
// org rules ([lint.Problems]); it never reads a file or checks a rule
// itself, so the picture and lint's findings always agree:
//
//   - one node per team, labelled with its name, its id, its member count
//     and its managers' names, and an edge from each team to each of its
//     sub-teams;
//   - the edges of a sub-team cycle in red, a team that groups.csv lacks as
//     a red dashed node, a team without a manager dashed, an empty team
//     dotted, and a manager who cannot see part of their hierarchy flagged
//     in orange on the team they manage;
//   - with [Options.Members], users as leaf nodes, manager edges in bold.
//
// Mapping rows that lint found malformed ([lint.Mapping].Valid false, or no
// groupId) are not drawn: lint reports them, and the legend counts them.
//
// [New] builds a [Graph] once; [Graph.Write] writes it in the format of the
// options. The output depends only on the org and the options: the same
// files give the same bytes.
package graph

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/editdist"
	"github.com/ovsync/ovsync/lint"

	"github.com/ovsync/ovsync/internal/plural"
)

// Format names an output format of [Graph.Write].
type Format string

// The output formats. SVG and PNG run Graphviz's dot on the DOT output.
const (
	DOT     Format = "dot"
	Mermaid Format = "mermaid"
	SVG     Format = "svg"
	PNG     Format = "png"
)

// Formats returns the format names in a stable order: dot, mermaid, svg, png.
func Formats() []string { return []string{string(DOT), string(Mermaid), string(SVG), string(PNG)} }

// LargeGraph is the number of nodes above which Graphviz takes long to lay
// a graph out, and a picture of it is hard to read; see [Graph.Large].
const LargeGraph = 2000

// MermaidMaxEdges is the number of edges above which Mermaid (on GitHub and
// mermaid.live, with its default settings) refuses to render a flowchart.
const MermaidMaxEdges = 500

// maxManagerNames is the number of manager names a team's label lists
// before "and N more".
const maxManagerNames = 3

// Options say what to draw and how.
type Options struct {
	// Format is the output format; "" means DOT.
	Format Format
	// Root is the id of the team whose subtree is drawn; "" draws the
	// whole org.
	Root string
	// Depth limits the levels of sub-teams drawn below the root (or below
	// the top teams of the org): 1 draws the root and its sub-teams. 0
	// draws every level.
	Depth int
	// Members adds the users of each drawn team as leaf nodes.
	Members bool
	// Direction is the direction of the layout: "TB" (top to bottom, the
	// default when empty) or "LR" (left to right).
	Direction string
}

// ErrNoDot is returned (wrapped) for the svg and png formats when
// Graphviz's dot program is not on the PATH.
var ErrNoDot = errors.New("graphviz's dot program is not on the PATH: it is needed for svg and png")

// Validate checks the options without looking at an org: the format, the
// direction and the depth, and for svg and png that dot can be run (an
// error wrapping [ErrNoDot] if not).
func (o Options) Validate() error {
	switch o.Format {
	case "", DOT, Mermaid:
	case SVG, PNG:
		if _, err := lookDot(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q (use %s)", o.Format, strings.Join(Formats(), ", "))
	}
	switch o.Direction {
	case "", "TB", "LR":
	default:
		return fmt.Errorf("unknown direction %q (use TB or LR)", o.Direction)
	}
	if o.Depth < 0 {
		return fmt.Errorf("depth %d is negative (use 1 or more, or 0 for every level)", o.Depth)
	}
	return nil
}

// UnknownRootError is returned by [New] when the root team id is not a
// team of the org.
type UnknownRootError struct {
	// ID is the id that was asked for.
	ID string
	// Nearest are the existing team ids closest to ID, best first.
	Nearest []string
}

// Error names the id and the nearest ids.
func (e *UnknownRootError) Error() string {
	if len(e.Nearest) == 0 {
		return fmt.Sprintf("no team %q in the org", e.ID)
	}
	q := make([]string, len(e.Nearest))
	for i, id := range e.Nearest {
		q[i] = fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("no team %q in the org; nearest ids: %s", e.ID, strings.Join(q, ", "))
}

// Marks is a set of problems of a team, as a graph draws them (and the
// report's tree shows them).
type Marks uint8

// The marks of a team.
const (
	MarkMissing   Marks = 1 << iota // not in the teams file
	MarkNoManager                   // people or sub-teams and no manager
	MarkEmpty                       // no members and no sub-teams
	MarkGap                         // a manager cannot see part of their hierarchy
	MarkCycle                       // a sub-team row of the team lies on a cycle
)

// markManager marks a user node that manages a drawn team.
const markManager Marks = 1 << 7

// TeamMarks returns the marks of every team of org, by team index, from
// the problems lint found: missing from the teams file (when that file
// could be read), no manager, empty, a hierarchy gap, a sub-team row on
// a cycle (malformed rows count for nothing, as in the picture).
func TeamMarks(org *lint.Org) []Marks {
	marks := make([]Marks, len(org.Teams))
	if org.Usable[lint.KindGroups] {
		for i := range org.Teams {
			if !org.Teams[i].Declared {
				marks[i] |= MarkMissing
			}
		}
	}
	for _, t := range org.Problems.TeamsWithoutManager {
		marks[t] |= MarkNoManager
	}
	for _, t := range org.Problems.EmptyTeams {
		marks[t] |= MarkEmpty
	}
	for _, g := range org.Problems.HierarchyGaps {
		marks[g.Team] |= MarkGap
	}
	for _, r := range org.Problems.CycleRows {
		if m := &org.Mappings[r]; m.Valid && m.Team >= 0 && m.SubTeam >= 0 {
			marks[m.Team] |= MarkCycle
		}
	}
	return marks
}

// nodeKind tells teams from users.
type nodeKind uint8

const (
	teamNode nodeKind = iota
	userNode
)

// node is a team or a user of the picture.
type node struct {
	kind  nodeKind
	marks Marks
	index int32 // index in Org.Teams or Org.Users
	// Teams: the distinct members, the sub-teams left out by the depth
	// limit, and the span of managers and hierarchy gaps in Graph.refs.
	members, hidden int32
	mgrStart        int32
	mgrLen          int32
	gapStart        int32
	gapLen          int32
	// Users: the number of drawn teams they manage, and the first one.
	manages   int32
	firstTeam int32
}

// edgeKind tells the kinds of edges apart.
type edgeKind uint8

const (
	subTeamEdge edgeKind = iota
	memberEdge
	managerEdge
)

// edge goes from a team node to a sub-team or user node.
type edge struct {
	from, to int32 // node indexes
	kind     edgeKind
	cycle    bool // the sub-team edge lies on a cycle
}

// Graph is the picture of an org, built by [New] and written by
// [Graph.Write].
type Graph struct {
	org   *lint.Org
	opt   Options
	nodes []node
	edges []edge
	// refs holds, for each team node, its managers (user indexes) and its
	// hierarchy gaps (indexes of Problems.HierarchyGaps).
	refs []int32
	// teams counts the team nodes; undrawn counts the mapping rows not
	// drawn because they are malformed.
	teams, undrawn int
	// used tells which marks and kinds of nodes the graph has, so that
	// the legend explains those only.
	used struct {
		missingTeam, missingUser, noManager, empty, gap, cycle, hidden bool
	}
}

// Teams returns the number of team nodes.
func (g *Graph) Teams() int { return g.teams }

// Nodes returns the number of nodes, teams and users (the legend aside).
func (g *Graph) Nodes() int { return len(g.nodes) }

// Edges returns the number of edges (the legend aside).
func (g *Graph) Edges() int { return len(g.edges) }

// Large reports whether the graph has more than [LargeGraph] nodes:
// Graphviz will take long to draw it, and the picture will be hard to read.
func (g *Graph) Large() bool { return len(g.nodes) > LargeGraph }

// New builds the picture of org with opt. It returns an error if the
// options are invalid (see [Options.Validate]) or the root is not a team of
// the org (an [*UnknownRootError]).
//
// The cost is one pass over the mapping rows to chain them by team, then
// work proportional to what is drawn: drawing one department of a large
// org does not walk the rest of it.
func New(org *lint.Org, opt Options) (*Graph, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if org == nil {
		return nil, errors.New("no org to draw")
	}
	g := &Graph{org: org, opt: opt}
	ix := newIndex(org)
	g.undrawn = ix.undrawn

	var teams []int32 // drawn teams, in file order
	var level []int32 // team -> level below its root, -1 when not drawn
	switch {
	case opt.Root != "":
		root, ok := org.TeamIndex(opt.Root)
		if !ok {
			return nil, &UnknownRootError{ID: opt.Root, Nearest: nearestTeams(org, opt.Root, 3)}
		}
		teams, level = ix.subtree([]int32{int32(root)}, opt.Depth)
	case opt.Depth > 0:
		teams, level = ix.subtree(Tops(org), opt.Depth)
	default:
		teams = make([]int32, len(org.Teams))
		for i := range teams {
			teams[i] = int32(i)
		}
	}
	g.build(ix, teams, level)
	return g, nil
}

// index gives the drawable mapping rows of each team, from the org's own
// list of rows per team ([lint.Org.TeamRows]): drawing one department
// reads its teams' rows, no more.
type index struct {
	org     *lint.Org
	undrawn int // malformed rows, not drawn
}

// newIndex counts the rows that are not drawn.
func newIndex(org *lint.Org) *index {
	ix := &index{org: org}
	for i := range org.Mappings {
		if m := &org.Mappings[i]; !m.Valid || m.Team < 0 {
			ix.undrawn++
		}
	}
	return ix
}

// rows returns the rows of team t, valid or not: callers skip the
// invalid ones.
func (ix *index) rows(t int32) []int32 { return ix.org.TeamRows(int(t)) }

// Tops returns the teams of org to start from when drawing the whole org
// to a depth (and the roots of the report's tree), sorted: the teams
// that are no team's sub-team, then, for teams reachable from none of
// those (a cycle with nothing above it), the first team of each such
// group in file order. Malformed rows are skipped. It returns an empty,
// non-nil list for an org without teams.
func Tops(org *lint.Org) []int32 {
	hasParent := make([]bool, len(org.Teams))
	for i := range org.Mappings {
		m := &org.Mappings[i]
		if m.Valid && m.Team >= 0 && m.SubTeam >= 0 && m.SubTeam != m.Team {
			hasParent[m.SubTeam] = true
		}
	}
	tops := []int32{}
	for t, p := range hasParent {
		if !p {
			tops = append(tops, int32(t))
		}
	}
	// Teams left unreached are inside cycles nothing holds: start from
	// the first of them, and again until every team is reached.
	reached := make([]bool, len(org.Teams))
	var stack []int32
	visit := func(t int32) {
		stack = append(stack[:0], t)
		reached[t] = true
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, r := range org.TeamRows(int(x)) {
				if s := org.Mappings[r].SubTeam; s >= 0 && org.Mappings[r].Valid && !reached[s] {
					reached[s] = true
					stack = append(stack, s)
				}
			}
		}
	}
	for _, t := range tops {
		visit(t)
	}
	for t := range reached {
		if !reached[t] {
			tops = append(tops, int32(t))
			visit(int32(t))
		}
	}
	slices.Sort(tops)
	return tops
}

// subtree returns the teams within depth levels below roots (every level
// when depth is 0), in file order, with the level of each (-1 for teams
// not drawn). It walks the drawn teams only.
func (ix *index) subtree(roots []int32, depth int) (teams []int32, level []int32) {
	org := ix.org
	level = make([]int32, len(org.Teams))
	for i := range level {
		level[i] = -1
	}
	queue := make([]int32, 0, len(roots))
	for _, r := range roots {
		if level[r] < 0 {
			level[r] = 0
			queue = append(queue, r)
		}
	}
	for i := 0; i < len(queue); i++ {
		t := queue[i]
		if depth > 0 && int(level[t]) >= depth {
			continue
		}
		for _, r := range ix.rows(t) {
			if s := org.Mappings[r].SubTeam; s >= 0 && org.Mappings[r].Valid && level[s] < 0 {
				level[s] = level[t] + 1
				queue = append(queue, s)
			}
		}
	}
	slices.Sort(queue)
	return queue, level
}

// build makes the nodes and edges of the drawn teams (file order), their
// sub-team edges to other drawn teams, and with Members their users.
func (g *Graph) build(ix *index, teams []int32, level []int32) {
	org := g.org
	drawn := func(t int32) bool { return level == nil || level[t] >= 0 }
	nodeOf := make([]int32, len(org.Teams)) // team -> node, -1 if not drawn
	for i := range nodeOf {
		nodeOf[i] = -1
	}
	g.nodes = make([]node, 0, len(teams))
	for _, t := range teams {
		nodeOf[t] = int32(len(g.nodes))
		g.nodes = append(g.nodes, node{kind: teamNode, index: t})
	}
	g.teams = len(g.nodes)

	cycleRows := make(map[int32]bool, len(org.Problems.CycleRows))
	for _, r := range org.Problems.CycleRows {
		cycleRows[r] = true
	}
	gapsOf := map[int32][]int32{}
	for i, gp := range org.Problems.HierarchyGaps {
		gapsOf[gp.Team] = append(gapsOf[gp.Team], int32(i))
	}

	// Stamps tell, per team node, which sub-teams and users were seen
	// already, without clearing a set between teams. Lint marks a row that
	// repeats a pair with other flags invalid, so the repeated rows that
	// reach here are exact duplicates and add nothing.
	subSeen := make([]int32, len(org.Teams))
	userSeen := make([]int32, len(org.Users))
	var userNodes []int32 // user -> node + 1, 0 when none yet
	if g.opt.Members {
		userNodes = make([]int32, len(org.Users))
	}
	for ni := range g.teams {
		t := g.nodes[ni].index
		stamp := int32(ni + 1)
		mgrStart := int32(len(g.refs))
		firstSub := len(g.edges)
		var members, hidden int32
		for _, r := range ix.rows(t) {
			m := &org.Mappings[r]
			if !m.Valid {
				continue
			}
			if s := m.SubTeam; s >= 0 {
				if subSeen[s] == stamp {
					if cycleRows[r] { // a repeated row of a cycle edge
						for i := firstSub; i < len(g.edges); i++ {
							if g.edges[i].kind == subTeamEdge && g.edges[i].to == nodeOf[s] {
								g.edges[i].cycle = true
							}
						}
					}
					continue
				}
				subSeen[s] = stamp
				if !drawn(s) {
					hidden++
					continue
				}
				g.edges = append(g.edges, edge{from: int32(ni), to: nodeOf[s], kind: subTeamEdge, cycle: cycleRows[r]})
				g.used.cycle = g.used.cycle || cycleRows[r]
				continue
			}
			if m.User < 0 || !m.IsMember && !m.IsManager || userSeen[m.User] == stamp {
				continue
			}
			userSeen[m.User] = stamp
			if m.IsMember {
				members++
			}
			if m.IsManager {
				g.refs = append(g.refs, m.User)
			}
			if g.opt.Members {
				g.addUser(int32(ni), m, userNodes)
			}
		}
		n := &g.nodes[ni]
		n.members, n.hidden = members, hidden
		n.mgrStart, n.mgrLen = mgrStart, int32(len(g.refs))-mgrStart
		n.gapStart, n.gapLen = int32(len(g.refs)), int32(len(gapsOf[t]))
		g.refs = append(g.refs, gapsOf[t]...)
	}
	g.mark()
}

// addUser adds the user of row m to team node ni: a user node on first
// sight anywhere, and an edge from the team, a manager edge for a manager.
func (g *Graph) addUser(ni int32, m *lint.Mapping, userNodes []int32) {
	un := userNodes[m.User] - 1
	if un < 0 {
		un = int32(len(g.nodes))
		userNodes[m.User] = un + 1
		g.nodes = append(g.nodes, node{kind: userNode, index: m.User, firstTeam: -1})
		if !g.org.Users[m.User].Declared && g.org.Usable[lint.KindUsers] {
			g.nodes[un].marks |= MarkMissing
			g.used.missingUser = true
		}
	}
	kind := memberEdge
	if m.IsManager {
		kind = managerEdge
		u := &g.nodes[un]
		if u.manages == 0 {
			u.firstTeam = ni
		}
		u.manages++
		u.marks |= markManager
	}
	g.edges = append(g.edges, edge{from: ni, to: un, kind: kind})
}

// mark sets the problem marks of the team nodes from [TeamMarks]: a
// sub-team on a cycle is drawn on its edge, not on the team.
func (g *Graph) mark() {
	marks := TeamMarks(g.org)
	for ni := range g.teams {
		n := &g.nodes[ni]
		n.marks |= marks[n.index] &^ MarkCycle
		g.used.missingTeam = g.used.missingTeam || n.marks&MarkMissing != 0
		g.used.noManager = g.used.noManager || n.marks&MarkNoManager != 0
		g.used.empty = g.used.empty || n.marks&MarkEmpty != 0
		g.used.gap = g.used.gap || n.marks&MarkGap != 0
		g.used.hidden = g.used.hidden || n.hidden > 0
	}
}

// teamLabel returns the lines of a team node's label, unescaped.
func (g *Graph) teamLabel(n *node, lines []string) []string {
	org := g.org
	t := &org.Teams[n.index]
	switch {
	case n.marks&MarkMissing != 0:
		lines = append(lines, t.ID, "not in groups.csv")
	case t.Name == "":
		lines = append(lines, "(no name)", t.ID)
	default:
		lines = append(lines, t.Name, t.ID)
	}
	count := plural.Count(int(n.members), "member", "members")
	if n.hidden > 0 {
		count += ", " + plural.Count(int(n.hidden), "sub-team", "sub-teams") + " not drawn"
	}
	lines = append(lines, count)
	mgrs := g.refs[n.mgrStart : n.mgrStart+n.mgrLen]
	switch {
	case len(mgrs) > 0:
		names := make([]string, 0, min(len(mgrs), maxManagerNames))
		for _, u := range mgrs[:min(len(mgrs), maxManagerNames)] {
			names = append(names, org.Users[u].Name())
		}
		s := strings.Join(names, ", ")
		if len(mgrs) > maxManagerNames {
			s += fmt.Sprintf(" and %d more", len(mgrs)-maxManagerNames)
		}
		if len(mgrs) == 1 {
			lines = append(lines, "manager: "+s)
		} else {
			lines = append(lines, "managers: "+s)
		}
	case n.marks&MarkNoManager != 0:
		lines = append(lines, "no manager")
	case n.marks&MarkEmpty != 0:
		lines = append(lines, "empty: no members, no sub-teams")
	}
	for _, gi := range g.refs[n.gapStart : n.gapStart+n.gapLen] {
		gp := &org.Problems.HierarchyGaps[gi]
		lines = append(lines, fmt.Sprintf("%s cannot see %s (managed by %s)",
			org.Users[gp.Manager].Name(), org.Teams[gp.Hidden].ID, org.Users[gp.Report].Name()))
	}
	return lines
}

// userLabel returns the lines of a user node's label, unescaped.
func (g *Graph) userLabel(n *node, lines []string) []string {
	u := &g.org.Users[n.index]
	name := u.Name()
	if name == u.ID {
		lines = append(lines, u.ID)
	} else {
		lines = append(lines, name, u.ID)
	}
	if n.marks&MarkMissing != 0 {
		lines = append(lines, "not in users.csv")
	}
	switch {
	case n.manages == 1:
		lines = append(lines, "manages "+g.org.Teams[g.nodes[n.firstTeam].index].ID)
	case n.manages > 1:
		lines = append(lines, fmt.Sprintf("manages %d teams", n.manages))
	}
	return lines
}

// label returns the lines of node n's label.
func (g *Graph) label(n *node, lines []string) []string {
	if n.kind == userNode {
		return g.userLabel(n, lines[:0])
	}
	return g.teamLabel(n, lines[:0])
}

// legendEntry is one entry of the legend: a sample node and, when edge
// is set, a sample edge from the previous entry's node to it.
type legendEntry struct {
	text  string // lines separated by \n
	kind  nodeKind
	marks Marks
	note  bool // a note, not a sample node
	edge  *edge
}

// legend returns the legend entries for the marks the graph uses. The
// first entries are always a plain team and its sub-team.
func (g *Graph) legend() []legendEntry {
	es := []legendEntry{
		{text: "Team name\nTEAM-ID\nmembers\nmanagers"},
		{text: "its sub-team", edge: &edge{kind: subTeamEdge}},
	}
	if g.used.cycle {
		es = append(es,
			legendEntry{text: "team"},
			legendEntry{text: "sub-team on a cycle:\nthe team is inside itself", edge: &edge{kind: subTeamEdge, cycle: true}})
	}
	if g.used.missingTeam {
		es = append(es, legendEntry{text: "TEAM-ID\nnot in groups.csv", marks: MarkMissing})
	}
	if g.used.noManager {
		es = append(es, legendEntry{text: "team without a manager", marks: MarkNoManager})
	}
	if g.used.empty {
		es = append(es, legendEntry{text: "empty team", marks: MarkEmpty})
	}
	if g.used.gap {
		es = append(es, legendEntry{text: "a manager of this team cannot see\na team that one of their reports manages", marks: MarkGap})
	}
	if g.opt.Members {
		es = append(es,
			legendEntry{text: "team"},
			legendEntry{text: "member", kind: userNode, edge: &edge{kind: memberEdge}},
			legendEntry{text: "team"},
			legendEntry{text: "manager", kind: userNode, marks: markManager, edge: &edge{kind: managerEdge}})
		if g.used.missingUser {
			es = append(es, legendEntry{text: "USER-ID\nnot in users.csv", kind: userNode, marks: MarkMissing})
		}
	}
	if g.used.hidden {
		es = append(es, legendEntry{text: "\"N sub-teams not drawn\":\nbelow the depth limit", note: true})
	}
	if g.undrawn > 0 {
		es = append(es, legendEntry{text: plural.Count(g.undrawn, "malformed mapping row", "malformed mapping rows") + "\nnot drawn (see the lint findings)", note: true})
	}
	return es
}

// direction returns the layout direction, TB by default.
func (g *Graph) direction() string {
	if g.opt.Direction == "" {
		return "TB"
	}
	return g.opt.Direction
}

// nearestTeams returns up to n team ids closest to id: by edit distance
// without case to the team's id or name (people type names too), then
// ids that contain id or that id contains, then in id order.
func nearestTeams(org *lint.Org, id string, n int) []string {
	type cand struct {
		id        string
		dist      int
		unrelated bool
	}
	want := strings.ToLower(id)
	cands := make([]cand, 0, len(org.Teams))
	for i := range org.Teams {
		t := &org.Teams[i]
		lid := strings.ToLower(t.ID)
		d := editdist.Levenshtein(want, lid)
		if t.Name != "" {
			d = min(d, editdist.Levenshtein(want, strings.ToLower(t.Name)))
		}
		related := strings.Contains(lid, want) || strings.Contains(want, lid)
		cands = append(cands, cand{t.ID, d, !related})
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if a.unrelated != b.unrelated && a.dist == b.dist {
			if a.unrelated {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.id, b.id))
	})
	out := []string{}
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, c.id)
	}
	return out
}
