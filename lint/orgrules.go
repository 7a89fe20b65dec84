package lint

import (
	"fmt"
	"slices"
	"strings"
)

// orgChecker runs the rules about the org as a whole, once every file is
// read: dangling user ids, sub-team cycles, several parents, teams without
// a manager or without anyone, users in no team, and managers who cannot
// see their hierarchy. Each rule runs only when the files it needs were
// given and could be read.
type orgChecker struct {
	org                            *Org
	haveUsers, haveGroups, haveMap bool
	findings                       []Finding
	targetCols                     []int32 // mapping row -> column of its userId or subGroupId

	subTeams adjacency // team -> sub-team row indexes
	parents  adjacency // team -> parent row indexes
	members  adjacency // team -> member row indexes
	managed  adjacency // user -> manager row indexes
	inTeam   []bool    // user -> named by any valid row
	hasMgr   []bool    // team -> has a manager row
	stamp    []int32   // team -> last walk that visited it
	walk     int32
}

// report adds a finding with the rule's default severity.
func (c *orgChecker) report(f Finding) {
	c.findings = append(c.findings, withDefaultSeverity(f))
}

// run runs the rules; t gives the columns of userId on mapping rows.
func (c *orgChecker) run(t *teamsReader) []Finding {
	if !c.haveMap {
		return nil
	}
	c.targetCols = t.targetCols
	c.index()
	if c.haveUsers {
		c.unknownUsers()
	}
	c.cycles()
	c.multipleParents()
	c.teamsWithoutManagerOrMembers()
	if c.haveUsers {
		c.usersWithoutTeam()
	}
	c.hierarchies()
	return c.findings
}

// index builds the adjacency of teams, members and managers from the
// valid mapping rows.
func (c *orgChecker) index() {
	o := c.org
	nt, nu := len(o.Teams), len(o.Users)
	c.hasMgr = make([]bool, nt)
	c.stamp = make([]int32, nt)
	c.inTeam = make([]bool, nu)
	for _, m := range o.Mappings {
		if m.User >= 0 {
			c.inTeam[m.User] = true // named in a row, even a malformed one
		}
		if m.Valid && m.Team >= 0 && m.User >= 0 && m.IsManager {
			c.hasMgr[m.Team] = true
		}
	}
	valid := func(m *Mapping) bool { return m.Valid && m.Team >= 0 }
	c.subTeams = newAdjacency(nt, o.Mappings, func(m *Mapping) int32 {
		if valid(m) && m.SubTeam >= 0 {
			return m.Team
		}
		return -1
	})
	c.parents = newAdjacency(nt, o.Mappings, func(m *Mapping) int32 {
		if valid(m) && m.SubTeam >= 0 {
			return m.SubTeam
		}
		return -1
	})
	c.members = newAdjacency(nt, o.Mappings, func(m *Mapping) int32 {
		if valid(m) && m.User >= 0 && m.IsMember {
			return m.Team
		}
		return -1
	})
	c.managed = newAdjacency(nu, o.Mappings, func(m *Mapping) int32 {
		if valid(m) && m.User >= 0 && m.IsManager {
			return m.User
		}
		return -1
	})
}

// adjacency lists, for each node, mapping row indexes in file order, in
// two flat arrays (compressed sparse rows): no slice per team.
type adjacency struct {
	start []int32 // node i's rows are rows[start[i]:start[i+1]]
	rows  []int32
}

// newAdjacency groups the rows by the node key gives (-1: left out).
func newAdjacency(n int, ms []Mapping, key func(*Mapping) int32) adjacency {
	a := adjacency{start: make([]int32, n+1)}
	for i := range ms {
		if k := key(&ms[i]); k >= 0 {
			a.start[k+1]++
		}
	}
	for i := 1; i <= n; i++ {
		a.start[i] += a.start[i-1]
	}
	a.rows = make([]int32, a.start[n])
	fill := slices.Clone(a.start[:n])
	for i := range ms {
		if k := key(&ms[i]); k >= 0 {
			a.rows[fill[k]] = int32(i)
			fill[k]++
		}
	}
	return a
}

// of returns the rows of node i.
func (a adjacency) of(i int32) []int32 { return a.rows[a.start[i]:a.start[i+1]] }

// describeTeam names a team for messages: "Sales" (T-SALES).
func (c *orgChecker) describeTeam(t int32) string {
	tm := &c.org.Teams[t]
	if tm.Name == "" || tm.Name == tm.ID {
		return fmt.Sprintf("%q", tm.ID)
	}
	return fmt.Sprintf("%q (%s)", tm.Name, tm.ID)
}

// describeUser names a user for messages: "Ana Silva" (1001).
func (c *orgChecker) describeUser(u int32) string {
	us := &c.org.Users[u]
	if n := us.Name(); n != us.ID {
		return fmt.Sprintf("%q (%s)", n, us.ID)
	}
	return fmt.Sprintf("%q", us.ID)
}

// mappingFinding reports a finding at mapping row i, at its userId or
// subGroupId field.
func (c *orgChecker) mappingFinding(i int32, rule, msg, hint string) {
	c.report(Finding{Rule: rule, File: c.org.Files.Mapping, Line: int(c.org.Mappings[i].Line), Column: int(c.targetCols[i]),
		Message: msg, Hint: hint, Key: c.org.mappingKey(i)})
}

// teamFinding reports a finding at a team's row of groups.csv, or at its
// first mapping row when groups.csv does not declare it.
func (c *orgChecker) teamFinding(t int32, rule, msg, hint string) {
	tm := &c.org.Teams[t]
	if tm.Declared {
		c.report(Finding{Rule: rule, File: c.org.Files.Groups, Line: int(tm.Line), Value: tm.ID, Message: msg, Hint: hint, Key: tm.ID})
		return
	}
	for _, m := range c.org.Mappings {
		if m.Team == t {
			c.report(Finding{Rule: rule, File: c.org.Files.Mapping, Line: int(m.Line), Value: tm.ID, Message: msg, Hint: hint, Key: tm.ID})
			return
		}
	}
}

// unknownUsers reports mapping rows naming a user users.csv lacks.
func (c *orgChecker) unknownUsers() {
	for i, m := range c.org.Mappings {
		if m.User >= 0 && !c.org.Users[m.User].Declared {
			id := c.org.Users[m.User].ID
			c.report(Finding{Rule: RuleUnknownUser, File: c.org.Files.Mapping, Line: int(m.Line), Column: int(c.targetCols[i]), Key: c.org.mappingKey(int32(i)),
				Field: c.org.Vocabulary.Column(KindMapping, MapUser), Value: id,
				Message: fmt.Sprintf("user %q is not in %s", id, c.org.Files.Users),
				Hint: fmt.Sprintf("add the user to %s, or correct the id (a user missing from %[1]s is removed from Officevibe)",
					c.org.Vocabulary.FileNames[KindUsers])})
		}
	}
}

// cycles reports each cycle of sub-teams once, at the row that closes it
// (the last row of the cycle in the file), with its path.
//
// It finds the strongly connected components of the sub-team graph
// (Tarjan's algorithm, iterative); within each, it takes the remaining
// edge with the latest row, finds the shortest way back from its sub-team
// to its team, reports that cycle and drops the edge, until no cycle is
// left. A component with k independent cycles gives k findings.
func (c *orgChecker) cycles() {
	// A tangle of teams with more independent cycles than this is
	// reported by its latest ones: each costs a search of the tangle.
	const maxCyclesPerTangle = 100
	for _, comp := range c.components() {
		in := map[int32]bool{}
		for _, t := range comp {
			in[t] = true
		}
		var edges []int32 // rows inside the component
		for _, t := range comp {
			for _, r := range c.subTeams.of(t) {
				if in[c.org.Mappings[r].SubTeam] {
					edges = append(edges, r)
				}
			}
		}
		slices.Sort(edges) // rows are in file order
		c.org.Problems.CycleRows = append(c.org.Problems.CycleRows, edges...)
		removed := map[int32]bool{}
		reportedHere := 0
		for k := len(edges) - 1; k >= 0; k-- {
			r := edges[k]
			m := c.org.Mappings[r]
			path := c.shortestPath(m.SubTeam, m.Team, in, removed)
			removed[r] = true
			if path == nil {
				continue
			}
			// The path reads as containment from the closing row's team:
			// T-A → T-B → T-A is T-A holding T-B, which holds T-A.
			ids := []string{c.org.Teams[m.Team].ID}
			for _, t := range path {
				ids = append(ids, c.org.Teams[t].ID)
			}
			c.report(Finding{Rule: RuleCycle, File: c.org.Files.Mapping, Line: int(m.Line), Column: int(c.targetCols[r]), Key: c.org.mappingKey(r),
				Message: cycleMessage(ids), Path: ids,
				Hint: fmt.Sprintf("a team cannot contain itself: remove this row or another row of the cycle (team %q inside %q)",
					c.org.Teams[m.SubTeam].ID, c.org.Teams[m.Team].ID)})
			if reportedHere++; reportedHere == maxCyclesPerTangle {
				break
			}
		}
	}
}

// maxPathInMessage is the most teams a cycle's message lists; the JSON
// finding has the whole path.
const maxPathInMessage = 20

// cycleMessage describes a cycle by its path of team ids, which starts and
// ends with the same team. A long one shows its first and closing teams
// around "…", and its length.
func cycleMessage(ids []string) string {
	if len(ids) <= maxPathInMessage {
		return "sub-teams form a cycle: " + strings.Join(ids, " → ")
	}
	head := ids[:maxPathInMessage/2]
	tail := ids[len(ids)-maxPathInMessage/2:]
	return fmt.Sprintf("sub-teams form a cycle of %d teams: %s → … → %s",
		len(ids)-1, strings.Join(head, " → "), strings.Join(tail, " → "))
}

// shortestPath returns the teams on a shortest way of sub-team rows from
// team from to team to (both included), within the component in and not
// using removed rows; nil if there is none.
func (c *orgChecker) shortestPath(from, to int32, in map[int32]bool, removed map[int32]bool) []int32 {
	prev := map[int32]int32{from: -1}
	queue := []int32{from}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		if t == to {
			var path []int32
			for x := t; x != -1; x = prev[x] {
				path = append(path, x)
			}
			slices.Reverse(path)
			return path
		}
		for _, r := range c.subTeams.of(t) {
			s := c.org.Mappings[r].SubTeam
			if removed[r] || !in[s] {
				continue
			}
			if _, seen := prev[s]; !seen {
				prev[s] = t
				queue = append(queue, s)
			}
		}
	}
	return nil
}

// components returns the strongly connected components of the sub-team
// graph that hold a cycle (more than one team, or a team inside itself),
// in the order of their first team.
func (c *orgChecker) components() [][]int32 {
	n := len(c.org.Teams)
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int32
	var comps [][]int32
	next := int32(0)
	type frame struct {
		t    int32
		edge int
	}
	for root := range n {
		if index[root] >= 0 {
			continue
		}
		work := []frame{{int32(root), 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, int32(root))
		onStack[root] = true
		for len(work) > 0 {
			f := &work[len(work)-1]
			if f.edge < len(c.subTeams.of(f.t)) {
				s := c.org.Mappings[c.subTeams.of(f.t)[f.edge]].SubTeam
				f.edge++
				if index[s] < 0 {
					index[s], low[s] = next, next
					next++
					stack = append(stack, s)
					onStack[s] = true
					work = append(work, frame{s, 0})
				} else if onStack[s] {
					low[f.t] = min(low[f.t], index[s])
				}
				continue
			}
			t := f.t
			work = work[:len(work)-1]
			if len(work) > 0 {
				p := work[len(work)-1].t
				low[p] = min(low[p], low[t])
			}
			if low[t] != index[t] {
				continue
			}
			var comp []int32
			for {
				x := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[x] = false
				comp = append(comp, x)
				if x == t {
					break
				}
			}
			if len(comp) > 1 || c.selfLoop(t) {
				slices.Sort(comp)
				comps = append(comps, comp)
			}
		}
	}
	slices.SortFunc(comps, func(a, b []int32) int { return int(a[0] - b[0]) })
	return comps
}

// selfLoop reports whether team t is a sub-team of itself.
func (c *orgChecker) selfLoop(t int32) bool {
	for _, r := range c.subTeams.of(t) {
		if c.org.Mappings[r].SubTeam == t {
			return true
		}
	}
	return false
}

// multipleParents reports a team that is a sub-team of more than one
// team, at the row naming its second parent.
func (c *orgChecker) multipleParents() {
	for t := range c.org.Teams {
		// A team inside itself is a cycle, not a parent.
		rows := slices.DeleteFunc(slices.Clone(c.parents.of(int32(t))), func(r int32) bool {
			return c.org.Mappings[r].Team == int32(t)
		})
		if len(rows) < 2 {
			continue
		}
		first := c.org.Mappings[rows[0]]
		for _, r := range rows[1:] {
			m := c.org.Mappings[r]
			if m.Team == first.Team {
				continue
			}
			c.mappingFinding(r, RuleMultipleParents,
				fmt.Sprintf("team %s is a sub-team of both %s (line %d) and %s",
					c.describeTeam(int32(t)), c.describeTeam(first.Team), first.Line, c.describeTeam(m.Team)),
				"fine if meant: the managers of both teams see its results")
			break
		}
	}
}

// teamsWithoutManagerOrMembers reports teams with people and no manager,
// and teams with no one at all.
func (c *orgChecker) teamsWithoutManagerOrMembers() {
	for t := range c.org.Teams {
		tm := &c.org.Teams[t]
		if !tm.Declared && c.haveGroups {
			continue // reported as unknown-team
		}
		hasPeople := len(c.members.of(int32(t))) > 0 || len(c.subTeams.of(int32(t))) > 0
		switch {
		case hasPeople && !c.hasMgr[t]:
			c.org.Problems.TeamsWithoutManager = append(c.org.Problems.TeamsWithoutManager, int32(t))
			c.teamFinding(int32(t), RuleNoManager,
				fmt.Sprintf("team %s has no manager", c.describeTeam(int32(t))),
				fmt.Sprintf("add a mapping row with %s TRUE so that someone sees its results", c.org.Vocabulary.Column(KindMapping, MapIsManager)))
		case !hasPeople && c.haveGroups:
			c.org.Problems.EmptyTeams = append(c.org.Problems.EmptyTeams, int32(t))
			c.teamFinding(int32(t), RuleEmptyTeam,
				fmt.Sprintf("team %s has no members and no sub-teams", c.describeTeam(int32(t))),
				fmt.Sprintf("add members (%s TRUE) or sub-teams in the mapping file, or remove the team", c.org.Vocabulary.Column(KindMapping, MapIsMember)))
		}
	}
}

// usersWithoutTeam reports users that no mapping row names.
func (c *orgChecker) usersWithoutTeam() {
	for u := range c.org.Users {
		us := &c.org.Users[u]
		if us.Declared && !c.inTeam[u] {
			c.report(Finding{Rule: RuleUserWithoutTeam, File: c.org.Files.Users, Line: int(us.Line), Value: us.ID, Key: us.ID,
				Message: fmt.Sprintf("user %s is in no team", c.describeUser(int32(u))),
				Hint:    "fine for administrators and executives; anyone else needs a team to answer surveys"})
		}
	}
}

// hierarchies reports managers who cannot see their hierarchy: M manages
// team T, T's member R manages team S, and no team M manages is S or holds
// S through sub-teams. One finding per manager and report, at M's first
// manager row whose team holds R, naming R's highest team M cannot see.
//
// For each such (M, R, S) it walks up from S through parent teams until it
// meets a team M manages, marking visited teams with a walk number, so
// the cost is the depth of the org for each manager among the members of
// a managed team: linear in practice, whatever the number of teams.
func (c *orgChecker) hierarchies() {
	o := c.org
	mine := make([]int32, len(o.Teams)) // team -> walk number of the manager who manages it
	reported := map[[2]int32]bool{}
	for mgr := range c.org.Users {
		rows := c.managed.of(int32(mgr))
		if len(rows) == 0 {
			continue
		}
		c.walk++
		owner := c.walk
		for _, r := range rows {
			mine[o.Mappings[r].Team] = owner
		}
		for _, r := range rows {
			team := o.Mappings[r].Team
			for _, mr := range c.members.of(team) {
				rep := o.Mappings[mr].User
				if rep == int32(mgr) || len(c.managed.of(rep)) == 0 || reported[[2]int32{int32(mgr), rep}] {
					continue
				}
				var hidden []int32
				for _, rr := range c.managed.of(rep) {
					s := o.Mappings[rr].Team
					if !c.above(s, func(t int32) bool { return mine[t] == owner }) {
						hidden = append(hidden, s)
					}
				}
				if len(hidden) == 0 {
					continue
				}
				reported[[2]int32{int32(mgr), rep}] = true
				s := c.highest(hidden)
				m := int32(mgr)
				c.org.Problems.HierarchyGaps = append(c.org.Problems.HierarchyGaps,
					HierarchyGap{Manager: m, Report: rep, Team: team, Hidden: s, Row: r})
				c.mappingFinding(r, RuleNoHierarchy,
					fmt.Sprintf("manager %s cannot see team %s, which their report %s of team %s manages: no team they manage contains it",
						c.describeUser(m), c.describeTeam(s), c.describeUser(rep), c.describeTeam(team)),
					fmt.Sprintf("add a hierarchy team managed by %s whose sub-teams include %s and %s (or add %s as a sub-team of a team %s manages)",
						o.Users[m].ID, o.Teams[s].ID, o.Teams[team].ID, o.Teams[s].ID, o.Users[m].ID))
			}
		}
	}
}

// above reports whether team s, or a team holding it through sub-teams,
// is one that found accepts. Each team is visited once per call (walk
// numbers in stamp), so cycles end the walk.
func (c *orgChecker) above(s int32, found func(t int32) bool) bool {
	c.walk++
	stack := []int32{s}
	c.stamp[s] = c.walk
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if found(t) {
			return true
		}
		for _, r := range c.parents.of(t) {
			p := c.org.Mappings[r].Team
			if c.stamp[p] != c.walk {
				c.stamp[p] = c.walk
				stack = append(stack, p)
			}
		}
	}
	return false
}

// highest returns the team of ts that no other team of ts holds, or the
// first.
func (c *orgChecker) highest(ts []int32) int32 {
	if len(ts) == 1 {
		return ts[0]
	}
	for _, t := range ts {
		below := false
		for _, other := range ts {
			if other != t && c.above(t, func(x int32) bool { return x == other }) {
				below = true
				break
			}
		}
		if !below {
			return t
		}
	}
	return ts[0]
}
