package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/graph"
	"github.com/ovsync/ovsync/lint"
)

// DataVersion is the version of the embedded JSON; it changes when its
// shape does.
const DataVersion = 1

// Data is what the page embeds as JSON, once, for its script. Users and
// teams are arrays (not objects) so that a 100,000-user org stays a few
// megabytes; their positions are the indexes that findings and teams use.
type Data struct {
	Version   int          `json:"version"`
	Tool      string       `json:"tool"`
	Generated string       `json:"generated"`
	Format    string       `json:"format"`
	Config    string       `json:"config,omitempty"`
	Files     lint.Files   `json:"files"`
	Summary   lint.Summary `json:"summary"`
	// Sources are the files that findings point into, with the rows shown.
	Sources []Source `json:"sources"`
	// Findings are grouped by rule and severity, errors first, each group
	// in lint's output order.
	Findings []Finding `json:"findings"`
	// Users are the users by the org model's user index, each written
	// as [id, name, email, flags] ([User]).
	Users []User `json:"users"`
	// Teams are the teams by the org model's team index.
	Teams []Team `json:"teams"`
	// Roots are the teams the tree starts from: those that are no team's
	// sub-team, then one team of each cycle that nothing holds.
	Roots []int32 `json:"roots"`
	// Gaps are the hierarchy gaps: [manager, report, team, hidden team].
	Gaps [][4]int32 `json:"gaps"`
	// Plan is the plan of the next push.
	Plan Plan `json:"plan"`
}

// Source is one file of the org (or config.json) with its header and the
// rows that findings point at.
type Source struct {
	File string `json:"file"`
	// Header is the file's first record as written; nil for config.json
	// and for files that could not be read.
	Header []string `json:"header"`
	// Rows are the records findings point at, in file order.
	Rows []Row `json:"rows"`

	// pos are the positions (line, column) of each row's fields.
	pos [][][2]int
}

// Row is one record of a file: its first line and its fields as written.
type Row struct {
	Line   int      `json:"line"`
	Fields []string `json:"fields"`
}

// Finding is a lint finding with where to show it: its row and field,
// and the team or user of the tree it is about.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	// Source is the index of the finding's file in Data.Sources.
	Source  int    `json:"source"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
	// Row is the index of its record in the source's Rows, -1 for none.
	Row int `json:"row"`
	// Cell is the index of the field in the row, -1 for the whole row.
	Cell int `json:"cell"`
	// Team and User are the team and user of the tree it is about, -1
	// for none.
	Team int32 `json:"team"`
	User int32 `json:"user"`
}

// Team is one team of the tree: [lint.Team] with its people and sub-teams
// from the valid mapping rows, and the marks graph draws.
type Team struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Line is the team's line in the teams file, 0 when undeclared.
	Line int32 `json:"line"`
	// Marks are the Mark* bits.
	Marks int `json:"marks"`
	// Members and Managers are user indexes, each once, in file order.
	Members  []int32 `json:"members"`
	Managers []int32 `json:"managers"`
	// Subs are the sub-team indexes, each once, in file order; Cycle the
	// sub-teams whose edge lies on a cycle.
	Subs  []int32 `json:"subs"`
	Cycle []int32 `json:"cycle,omitempty"`
}

// The marks of a team are package graph's ([graph.TeamMarks]).
const (
	MarkMissing   = int(graph.MarkMissing)   // team not in the teams file
	MarkNoManager = int(graph.MarkNoManager) // people or sub-teams and no manager
	MarkEmpty     = int(graph.MarkEmpty)     // no members and no sub-teams
	MarkGap       = int(graph.MarkGap)       // a manager cannot see part of their hierarchy
	MarkCycle     = int(graph.MarkCycle)     // a sub-team edge of the team lies on a cycle
)

// UserMissing flags a user that the users file lacks.
const UserMissing = 1

// User is a user of the org model, written in the data as the array
// [id, name, email, flags]; Flags has [UserMissing] for an id only the
// mapping file names.
type User struct {
	ID, Name, Email string
	Flags           int
}

// MarshalJSON writes u as its array.
func (u User) MarshalJSON() ([]byte, error) {
	return json.Marshal([4]any{u.ID, u.Name, u.Email, u.Flags})
}

// UnmarshalJSON reads u from its array.
func (u *User) UnmarshalJSON(b []byte) error {
	var a User
	if err := json.Unmarshal(b, &[]any{&a.ID, &a.Name, &a.Email, &a.Flags}); err != nil {
		return fmt.Errorf("a user is [id, name, email, flags]: %w", err)
	}
	*u = a
	return nil
}

// build assembles the data of a lint report and the rows read for it.
func build(rep *lint.Report, sources []Source) *Data {
	org := rep.Org
	d := &Data{
		Version: DataVersion, Format: rep.Summary.Format, Config: rep.Config,
		Files: rep.Files, Summary: rep.Summary, Sources: sources,
		Users: []User{}, Teams: []Team{}, Roots: []int32{}, Gaps: [][4]int32{},
	}
	if org != nil {
		d.Users = users(org)
		d.Teams, d.Roots = teams(org)
		for _, g := range org.Problems.HierarchyGaps {
			d.Gaps = append(d.Gaps, [4]int32{g.Manager, g.Report, g.Team, g.Hidden})
		}
	}
	d.Findings = findings(rep, sources)
	return d
}

// users returns the users of the model.
func users(org *lint.Org) []User {
	out := make([]User, len(org.Users))
	for i := range org.Users {
		u := &org.Users[i]
		flags := 0
		if !u.Declared && org.Usable[lint.KindUsers] {
			flags = UserMissing
		}
		out[i] = User{u.ID, u.Name(), u.Email, flags}
	}
	return out
}

// teams returns the teams of the model with their people and sub-teams
// and graph's marks ([graph.TeamMarks]), and the roots of the tree
// ([graph.Tops]). Like graph, it skips the mapping rows lint found
// malformed.
func teams(org *lint.Org) ([]Team, []int32) {
	ts := make([]Team, len(org.Teams))
	marks := graph.TeamMarks(org)
	for i := range org.Teams {
		t := &org.Teams[i]
		ts[i] = Team{ID: t.ID, Name: t.Name, Line: t.Line, Marks: int(marks[i]), Members: []int32{}, Managers: []int32{}, Subs: []int32{}}
	}
	cycle := make(map[int32]bool, len(org.Problems.CycleRows))
	for _, r := range org.Problems.CycleRows {
		cycle[r] = true
	}
	// Stamps tell whether a team already lists a user or sub-team without
	// a set per team: one pass over the rows.
	memberSeen := make([]int32, len(org.Users))
	managerSeen := make([]int32, len(org.Users))
	subSeen := make([]int32, len(org.Teams))
	for r := range org.Mappings {
		m := &org.Mappings[r]
		if !m.Valid || m.Team < 0 {
			continue
		}
		t := &ts[m.Team]
		stamp := m.Team + 1
		switch {
		case m.SubTeam >= 0:
			if cycle[int32(r)] && !slices.Contains(t.Cycle, m.SubTeam) {
				t.Cycle = append(t.Cycle, m.SubTeam)
			}
			if subSeen[m.SubTeam] != stamp {
				subSeen[m.SubTeam] = stamp
				t.Subs = append(t.Subs, m.SubTeam)
			}
		case m.User >= 0:
			if m.IsMember && memberSeen[m.User] != stamp {
				memberSeen[m.User] = stamp
				t.Members = append(t.Members, m.User)
			}
			if m.IsManager && managerSeen[m.User] != stamp {
				managerSeen[m.User] = stamp
				t.Managers = append(t.Managers, m.User)
			}
		}
	}
	return ts, graph.Tops(org)
}

// severityRank orders severities for the page: errors first.
func severityRank(s lint.Severity) int { return -int(s) }

// findings returns the findings grouped by severity and rule (in the
// catalogue's order), with their rows, cells, teams and users.
func findings(rep *lint.Report, sources []Source) []Finding {
	ruleOrder := map[string]int{}
	for i, r := range lint.Rules {
		ruleOrder[r.ID] = i
	}
	fs := slices.Clone(rep.Findings)
	slices.SortStableFunc(fs, func(a, b lint.Finding) int {
		return cmp.Or(cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)),
			cmp.Compare(ruleOrder[a.Rule], ruleOrder[b.Rule]))
	})
	srcIndex := map[string]int{}
	for i, s := range sources {
		srcIndex[s.File] = i
	}
	at := newLocator(rep)
	out := make([]Finding, len(fs))
	for i, f := range fs {
		si := srcIndex[f.File]
		row, cell := locateRow(&sources[si], f)
		team, user := at.find(f)
		out[i] = Finding{
			Rule: f.Rule, Severity: f.Severity.String(), Source: si,
			Line: f.Line, Column: f.Column, Field: f.Field,
			Message: f.Message, Hint: f.Hint, Row: row, Cell: cell, Team: team, User: user,
		}
	}
	return out
}

// locateRow returns the row of src that holds the finding's line and the
// field that starts at its column (-1, -1 when none; cell -1 for a whole
// row).
func locateRow(src *Source, f lint.Finding) (row, cell int) {
	if f.Line == 0 {
		return -1, -1
	}
	// The row is the last one starting at or before the line.
	i, found := slices.BinarySearchFunc(src.Rows, f.Line, func(r Row, line int) int { return cmp.Compare(r.Line, line) })
	if !found {
		i--
	}
	if i < 0 {
		return -1, -1
	}
	if f.Column == 0 {
		return i, -1
	}
	for c, p := range src.pos[i] {
		if p == [2]int{f.Line, f.Column} {
			return i, c
		}
	}
	return i, -1
}

// locator finds the team and user of the model a finding's row is about.
type locator struct {
	files    lint.Files
	userAt   map[int32]int32 // line -> user index
	teamAt   map[int32]int32 // line -> team index
	mappings []lint.Mapping
}

func newLocator(rep *lint.Report) *locator {
	l := &locator{files: rep.Files, userAt: map[int32]int32{}, teamAt: map[int32]int32{}}
	if org := rep.Org; org != nil {
		for i := range org.Users {
			if org.Users[i].Line > 0 {
				l.userAt[org.Users[i].Line] = int32(i)
			}
		}
		for i := range org.Teams {
			if org.Teams[i].Line > 0 {
				l.teamAt[org.Teams[i].Line] = int32(i)
			}
		}
		l.mappings = org.Mappings
	}
	return l
}

// find returns the team and user a finding is about (-1 for none).
func (l *locator) find(f lint.Finding) (team, user int32) {
	team, user = -1, -1
	if f.Line < 2 || f.File == "" {
		return
	}
	line := int32(f.Line)
	switch f.File {
	case l.files.Users:
		if u, ok := l.userAt[line]; ok {
			user = u
		}
	case l.files.Groups:
		if t, ok := l.teamAt[line]; ok {
			team = t
		}
	case l.files.Mapping:
		i, found := slices.BinarySearchFunc(l.mappings, line, func(m lint.Mapping, line int32) int { return cmp.Compare(m.Line, line) })
		if found {
			team, user = l.mappings[i].Team, l.mappings[i].User
			if team < 0 && l.mappings[i].SubTeam >= 0 {
				team = l.mappings[i].SubTeam
			}
		}
	}
	return
}

// clean makes s valid UTF-8 for the page, as JSON would.
func clean(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
