package build

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ovsync/ovsync/convert/hrexport"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
)

// teamKind is what a team built is.
type teamKind uint8

const (
	direct    teamKind = iota // a manager's direct reports
	hierarchy                 // a manager's whole line, made of sub-teams
	segment                   // the people with one value of a --team-by column
	handmade                  // merged from --add
)

// The starts of generated team ids, after --team-id-prefix.
const (
	directPrefix    = "D-"
	hierarchyPrefix = "H-"
	segmentPrefix   = "S-"
)

// team is a team of the output.
type team struct {
	kind  teamKind
	owner int32 // the person (direct, hierarchy), the segment (segment) or hand-made team
	col   int   // segment: the --team-by index
	id    string
	name  string
	qual  string // what tells its name apart from another's, "" for none
}

// segmentSet holds the segments of one --team-by column: its distinct
// values, compared as lint compares team names (without case or accents),
// since their teams' names must differ that way.
type segmentSet struct {
	byKey map[string]int32
	segs  []seg
	// The people of each segment in export order: members[at[g]:at[g+1]].
	at, members []int32
}

// link lists the people of each segment, from person -> segment (seg,
// one per person).
func (s *segmentSet) link(seg func(p int) int32, people int) {
	s.at = make([]int32, len(s.segs)+1)
	for p := range people {
		if g := seg(p); g >= 0 {
			s.at[g+1]++
		}
	}
	for g := range s.segs {
		s.at[g+1] += s.at[g]
	}
	s.members = make([]int32, s.at[len(s.segs)])
	next := slices.Clone(s.at[:len(s.segs)])
	for p := range people {
		if g := seg(p); g >= 0 {
			s.members[next[g]] = int32(p)
			next[g]++
		}
	}
}

// membersOf returns the people of segment g.
func (s *segmentSet) membersOf(g int32) []int32 { return s.members[s.at[g]:s.at[g+1]] }

// seg is one value of a --team-by column.
type seg struct {
	key     string         // the value folded
	first   string         // its first spelling
	counts  map[string]int // every spelling's count, once there are two
	members int
}

// add counts a person with value v (surrounding spaces removed) and
// returns its segment, -1 for an empty value.
func (s *segmentSet) add(v string) int32 {
	if v == "" {
		return -1
	}
	k := lint.TeamNameKey(v)
	i, ok := s.byKey[k]
	if !ok {
		i = int32(len(s.segs))
		k = strings.Clone(k)
		s.byKey[k] = i
		s.segs = append(s.segs, seg{key: k, first: strings.Clone(v)})
	}
	g := &s.segs[i]
	g.members++
	if v != g.first || g.counts != nil {
		if g.counts == nil {
			g.counts = map[string]int{g.first: g.members - 1}
		}
		if _, seen := g.counts[v]; !seen {
			v = strings.Clone(v)
		}
		g.counts[v]++
	}
	return i
}

// spelling is how a segment's team writes its value: the spelling most
// people have, the first in byte order on a tie (never the first met, so
// that the order of the rows does not change the name).
func (g *seg) spelling() string {
	if g.counts == nil {
		return g.first
	}
	best, n := "", -1
	for v, c := range g.counts {
		if c > n || c == n && v < best {
			best, n = v, c
		}
	}
	return best
}

// buildTeams makes the teams: for each manager, top-down from each root
// in export order, their hierarchy team (if a report manages) and their
// direct-reports team; then the segment teams, then the hand-made ones.
// nameTeams names them.
func (b *builder) buildTeams() {
	prefix := b.opt.TeamIDPrefix
	n := 2 * b.sum.Managers // a direct-reports team each, and a hierarchy team for some
	for _, set := range b.segments {
		n += len(set.segs)
	}
	if b.add != nil {
		n += len(b.add.teams)
	}
	b.teams = make([]team, 0, n)
	var stack []int32
	for r := range b.people {
		if b.boss[r] != root {
			continue
		}
		stack = append(stack[:0], int32(r))
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			kids := b.reports(v)
			if len(kids) == 0 {
				continue
			}
			id := b.people[v].id()
			if b.managesManagers(v) {
				b.teams = append(b.teams, team{kind: hierarchy, owner: v, id: prefix + hierarchyPrefix + id})
				b.sum.Hierarchy++
			}
			b.teams = append(b.teams, team{kind: direct, owner: v, id: prefix + directPrefix + id})
			b.sum.Direct++
			for k := len(kids) - 1; k >= 0; k-- {
				stack = append(stack, kids[k])
			}
		}
	}
	for k, set := range b.segments {
		n := len(b.segments)
		set.link(func(p int) int32 { return b.segOf[p*n+k] }, len(b.people))
		order := make([]int32, len(set.segs))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(x, y int32) int { return cmp.Compare(set.segs[x].key, set.segs[y].key) })
		col := hrexport.Fold(b.cols.header[b.cols.teamBy[k]])
		for _, i := range order {
			b.teams = append(b.teams, team{kind: segment, owner: i, col: k, id: prefix + segmentPrefix + col + "=" + set.segs[i].key})
			b.sum.Segment++
		}
	}
	if b.add != nil {
		b.mergeHandMade()
	}
	if len(b.teams) == 0 {
		b.defects.add("exports without teams", b.cols.headerPos, b.src.at(b.cols.headerPos, -1),
			fmt.Sprintf("no team to build: no one of the %s has a report, and no --team-by gives segments", plural.Count(len(b.people), "person", "people")),
			"check the manager column, or give --team-by COLUMN: Officevibe needs teams to survey")
	}
}

// managesManagers reports whether one of person v's reports has reports.
func (b *builder) managesManagers(v int32) bool {
	for _, k := range b.reports(v) {
		if b.kidAt[k+1] > b.kidAt[k] {
			return true
		}
	}
	return false
}

// subTeam returns the team person v's hierarchy team holds for them: their
// hierarchy team, or their direct-reports team.
func (b *builder) subTeam(v int32) string {
	prefix := b.opt.TeamIDPrefix
	if b.managesManagers(v) {
		return prefix + hierarchyPrefix + b.people[v].id()
	}
	return prefix + directPrefix + b.people[v].id()
}

// nameTeams names the generated teams from the templates, at most 50
// characters, each name different from every other as lint compares them
// (without case or accents). Teams whose names would be the same are told
// apart: people by their job titles where those differ, by their ids
// otherwise; segments by their column; then, if still needed, by team id.
func (b *builder) nameTeams() {
	limit := lint.FieldLimit(lint.TeamName)
	// Every team is named once; only those whose name another team has
	// are named again, told apart.
	keys := make([]string, len(b.teams))
	count := make(map[string]int32, len(b.teams))
	b.titleKeys = map[string]string{}
	for i := range b.teams {
		t := &b.teams[i]
		if t.kind != handmade {
			t.name = b.render(t, limit)
		}
		keys[i] = lint.TeamNameKey(t.name)
		count[keys[i]]++
	}
	clashes := func() map[string][]int {
		groups := map[string][]int{}
		for i := range b.teams {
			if b.teams[i].kind != handmade && count[keys[i]] > 1 {
				groups[keys[i]] = append(groups[keys[i]], i)
			}
		}
		return groups
	}
	for round := range 2 {
		groups := clashes()
		if len(groups) == 0 {
			return
		}
		for _, g := range groups {
			b.qualify(g, round)
			for _, i := range g {
				count[keys[i]]--
				b.teams[i].name = b.render(&b.teams[i], limit)
				keys[i] = lint.TeamNameKey(b.teams[i].name)
				count[keys[i]]++
			}
		}
	}
	b.nameClashes(clashes())
}

// maxTitles bounds the job titles whose keys are remembered.
const maxTitles = 10000

// qualify sets what tells the teams of a group of one name apart: in the
// first round, job titles where all of the group's people have different
// ones, else ids, and segments' columns; in the second, team ids.
func (b *builder) qualify(group []int, round int) {
	if round == 1 {
		for _, i := range group {
			b.teams[i].qual = b.teams[i].id
		}
		return
	}
	titles := map[string]bool{}
	byTitle := true
	for _, i := range group {
		t := &b.teams[i]
		if t.kind == segment {
			continue
		}
		title := b.people[t.owner].title()
		k, ok := b.titleKeys[title]
		if !ok {
			k = lint.TeamNameKey(title)
			if len(b.titleKeys) < maxTitles {
				b.titleKeys[title] = k
			}
		}
		if k == "" || titles[k] {
			byTitle = false
		}
		titles[k] = true
	}
	for _, i := range group {
		t := &b.teams[i]
		switch {
		case t.kind == segment:
			t.qual = b.cols.header[b.cols.teamBy[t.col]]
		case byTitle:
			t.qual = b.people[t.owner].title()
		default:
			t.qual = b.people[t.owner].id()
		}
	}
}

// nameClashes records the names that stay the same after every way of
// telling them apart (a template without the person's name, hand-made
// names that take them).
func (b *builder) nameClashes(groups map[string][]int) {
	var all [][]string
	for _, g := range groups {
		var ids []string
		for _, i := range g {
			ids = append(ids, b.teams[i].id)
		}
		slices.Sort(ids)
		all = append(all, append(ids, b.teams[g[0]].name))
	}
	slices.SortFunc(all, func(x, y []string) int { return strings.Compare(x[0], y[0]) })
	for _, ids := range all {
		name := ids[len(ids)-1]
		ids = ids[:len(ids)-1]
		what := "teams " + strings.Join(ids, ", ") + " would all be named"
		if len(ids) == 1 {
			what = "team " + ids[0] + " would be named as a hand-made team:"
		}
		b.defects.add("team names that clash", b.cols.headerPos, b.src.at(b.cols.headerPos, -1),
			fmt.Sprintf("%s %q", what, name),
			"give the team name templates ({name}, {id}…) that tell them apart, or rename the hand-made team")
	}
}

// render fills in the name of a generated team, cut to limit characters:
// the person's name (or the segment's value) is what gives way.
func (b *builder) render(t *team, limit int) string {
	var vars tvars
	tm := b.names[0]
	switch t.kind {
	case segment:
		tm = b.names[2]
		vars[varColumn] = b.cols.header[b.cols.teamBy[t.col]]
		vars[varValue] = b.segments[t.col].segs[t.owner].spelling()
	default:
		if t.kind == hierarchy {
			tm = b.names[1]
		}
		p := &b.people[t.owner]
		name := strings.TrimSpace(p.name())
		if name == "" {
			name = p.email()
		}
		vars = tvars{name, p.first(), p.last(), p.id(), p.title()}
	}
	return tm.render(&vars, cut(t.qual, maxQual), limit)
}

// maxQual is the most characters of what tells a team's name apart: a
// long job title is cut, and if two cut ones are the same, the ids tell
// the teams apart.
const maxQual = 24

// The variables of the team name templates, by index.
const (
	varName = iota
	varFirst
	varLast
	varID
	varTitle
	varColumn
	varValue
	numVars
)

// varNames are the variables as templates write them.
var varNames = [numVars]string{"name", "first", "last", "id", "title", "column", "value"}

// tvars are the values of the variables for one team.
type tvars [numVars]string

// template is a team name template: literal text and {variables}.
type template struct {
	parts []tpart
	give  int // the variable that gives way to the limit
}

// tpart is literal text (v < 0) or variable v.
type tpart struct {
	text string
	v    int
}

// personVars and segmentVars are the variables of the two kinds of
// template, the first of each that a template holds giving way to the
// limit.
var (
	personVars  = []int{varName, varLast, varFirst, varTitle, varID}
	segmentVars = []int{varValue, varColumn}
)

// parseNames reads the three templates.
func parseNames(n Names) ([3]template, error) {
	var out [3]template
	specs := []struct {
		flag, s, def string
		vars         []int
		need         []int
	}{
		{"--direct-name", n.Direct, DefaultDirect, personVars, []int{varName, varFirst, varLast, varID}},
		{"--hierarchy-name", n.Hierarchy, DefaultHierarchy, personVars, []int{varName, varFirst, varLast, varID}},
		{"--segment-name", n.Segment, DefaultSegment, segmentVars, []int{varValue}},
	}
	for i, sp := range specs {
		s := sp.s
		if s == "" {
			s = sp.def
		}
		t, err := parseTemplate(s, sp.vars)
		if err != nil {
			return out, fmt.Errorf("%s %q: %w", sp.flag, s, err)
		}
		if !slices.ContainsFunc(t.parts, func(p tpart) bool { return slices.Contains(sp.need, p.v) }) {
			return out, fmt.Errorf("%s %q: the name must hold %s: each team needs a name of its own", sp.flag, s, varList(sp.need))
		}
		out[i] = t
	}
	d, h := n.Direct, n.Hierarchy
	if d == "" {
		d = DefaultDirect
	}
	if h == "" {
		h = DefaultHierarchy
	}
	if lint.TeamNameKey(d) == lint.TeamNameKey(h) {
		return out, fmt.Errorf("--direct-name and --hierarchy-name are the same (%q): a manager's two teams need two names", d)
	}
	return out, nil
}

// varList writes variables as templates do: {name}, {first}.
func varList(vars []int) string {
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = "{" + varNames[v] + "}"
	}
	return strings.Join(names, ", ")
}

// parseTemplate reads a template whose variables are among vars.
func parseTemplate(s string, vars []int) (template, error) {
	t := template{give: -1}
	rest := s
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			t.parts = append(t.parts, tpart{text: rest, v: -1})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tpart{text: rest[:i], v: -1})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return t, fmt.Errorf("a { without its }")
		}
		name := rest[i+1 : i+j]
		v := slices.IndexFunc(vars, func(v int) bool { return varNames[v] == name })
		if v < 0 {
			return t, fmt.Errorf("unknown {%s}: use %s", name, varList(vars))
		}
		t.parts = append(t.parts, tpart{v: vars[v]})
		rest = rest[i+j+1:]
	}
	for _, v := range vars {
		if slices.ContainsFunc(t.parts, func(p tpart) bool { return p.v == v }) {
			t.give = v
			break
		}
	}
	return t, nil
}

// render fills in the template: qual, when not "", follows the variable
// that gives way, in parentheses; that variable is cut (with an ellipsis)
// so that the whole is at most limit characters, or the whole is cut when
// that is not enough.
func (t template) render(vars *tvars, qual string, limit int) string {
	give := ""
	if t.give >= 0 {
		give = vars[t.give]
	}
	if qual != "" {
		qual = " (" + qual + ")"
	}
	fill := func(g string) string {
		var sb strings.Builder
		for _, p := range t.parts {
			switch {
			case p.v < 0:
				sb.WriteString(p.text)
			case p.v == t.give:
				sb.WriteString(g)
				sb.WriteString(qual)
			default:
				sb.WriteString(vars[p.v])
			}
		}
		return strings.TrimSpace(sb.String())
	}
	s := fill(give)
	n := utf8.RuneCountInString(s)
	if n <= limit {
		return s
	}
	if keep := utf8.RuneCountInString(give) - (n - limit); keep >= 2 {
		return fill(cut(give, keep))
	}
	return cut(s, limit)
}
