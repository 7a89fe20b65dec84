package lint

import (
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// teamsReader reads groups.csv and then groups-mapping.csv into the org.
// It runs beside the users reader, so the user ids that mapping rows name
// are numbered here first ("refs") and resolved against users.csv once
// both are read ([teamsReader.resolveUsers]).
type teamsReader struct {
	org     *Org
	groups  fileReader
	mapping fileReader
	names   map[string]int32 // folded team name -> line of its first row

	userRefIndex map[string]int32 // user id -> ref
	userRefs     []string         // ref -> user id
	targetCols   []int32          // per mapping row: column of userId or subGroupId
	pairs        map[pairKey]pairSeen
}

// pairKey identifies what a mapping row puts into a team.
type pairKey struct {
	team, target int32
	sub          bool
}

// pairSeen remembers the first row of a pair.
type pairSeen struct {
	line            int32
	member, manager bool
}

// readGroups reads groups.csv at path.
func (t *teamsReader) readGroups(v *Vocabulary, path, display string, schema *jsonschema.Schema) error {
	t.groups = fileReader{kind: KindGroups, vocab: v, file: display}
	t.names = map[string]int32{}
	return t.groups.read(path, schema, t.groupRow)
}

// groupsUsable reports whether team ids could be read from groups.csv.
func (t *teamsReader) groupsUsable() bool { return t.groups.usable(TeamID) }

// mappingUsable reports whether the mapping rows could be read.
func (t *teamsReader) mappingUsable() bool {
	return t.mapping.usable(MapTeam) && (t.mapping.usable(MapUser) || t.mapping.usable(MapSubTeam))
}

// groupRow handles one record of groups.csv.
func (t *teamsReader) groupRow(rec *Record, vals []string, ok bool) {
	fr := &t.groups
	id := fr.get(vals, TeamID)
	name := fr.get(vals, TeamName)
	if id != "" {
		if first, dup := t.org.teamIndex[id]; dup {
			if ok {
				fr.fieldFinding(rec, fr.header.Col(TeamID), RuleDuplicateID,
					fmt.Sprintf("team id %q is already used on line %d", id, t.org.Teams[first].Line),
					"give each team its own id, or remove the repeated row")
			}
		} else {
			id = cloneString(id)
			t.org.teamIndex[id] = int32(len(t.org.Teams))
			t.org.Teams = append(t.org.Teams, Team{ID: id, Name: cloneString(name), Line: int32(rec.Line), Declared: true})
		}
	}
	if !ok || name == "" {
		return
	}
	key := foldName(name)
	if first, dup := t.names[key]; dup {
		fr.fieldFinding(rec, fr.header.Col(TeamName), RuleDuplicateName,
			fmt.Sprintf("team name %q is already used on line %d", name, first),
			"give the teams names people can tell apart in Officevibe")
		return
	}
	t.names[key] = int32(rec.Line)
}

// readMapping reads groups-mapping.csv at path.
func (t *teamsReader) readMapping(v *Vocabulary, path, display string, schema *jsonschema.Schema) error {
	t.mapping = fileReader{kind: KindMapping, vocab: v, file: display}
	t.pairs = map[pairKey]pairSeen{}
	return t.mapping.read(path, schema, t.mappingRow)
}

// parseBool reads TRUE or FALSE in any case; empty reads as false.
func parseBool(s string) (value, ok bool) {
	switch {
	case s == "":
		return false, true
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// mappingRow handles one record of groups-mapping.csv.
func (t *teamsReader) mappingRow(rec *Record, vals []string, ok bool) {
	fr := &t.mapping
	h := fr.header
	m := Mapping{Team: -1, User: -1, SubTeam: -1, Line: int32(rec.Line), Valid: ok}
	groupsKnown := t.groupsUsable()
	ref := func(col int, id string) int32 {
		i := t.org.internTeam(id)
		if groupsKnown && !t.org.Teams[i].Declared {
			fr.fieldFinding(rec, col, RuleUnknownTeam, fmt.Sprintf("team %q is not in %s", id, t.org.Files.Groups),
				"add the team to groups.csv, or correct the id")
		}
		return i
	}
	targetCol := int32(0)
	defer func() {
		t.org.Mappings = append(t.org.Mappings, m)
		t.targetCols = append(t.targetCols, targetCol)
	}()
	if g := fr.get(vals, MapTeam); g != "" {
		m.Team = ref(h.Col(MapTeam), g)
	}
	if !ok {
		m.Valid = false
		return
	}
	u, s := fr.get(vals, MapUser), fr.get(vals, MapSubTeam)
	if (u == "") == (s == "") {
		m.Valid = false
		msg := "row sets both userId and subGroupId"
		hint := "a row puts either a user or a sub-team into the team: split it into two rows"
		if u == "" {
			msg = "row sets neither userId nor subGroupId"
			hint = "set userId (a user of users.csv) or subGroupId (a team of groups.csv)"
		}
		fr.report(Finding{Rule: RuleMappingTarget, Line: rec.Line, Message: msg, Hint: hint})
	}
	var okM, okG bool
	m.IsMember, okM = parseBool(fr.get(vals, MapIsMember))
	m.IsManager, okG = parseBool(fr.get(vals, MapIsManager))
	if !okM || !okG {
		m.Valid = false // reported by the schema's boolean rule
	}
	if u != "" {
		m.User = t.userRef(u)
		_, col := rec.Pos(h.Col(MapUser))
		targetCol = int32(col)
	}
	if s != "" {
		m.SubTeam = ref(h.Col(MapSubTeam), s)
		_, col := rec.Pos(h.Col(MapSubTeam))
		targetCol = int32(col)
	}
	if !m.Valid || m.Team < 0 {
		return
	}
	key := pairKey{team: m.Team, target: m.User, sub: s != ""}
	if s != "" {
		key.target = m.SubTeam
	}
	if prev, dup := t.pairs[key]; dup {
		what := fmt.Sprintf("user %q", u)
		if s != "" {
			what = fmt.Sprintf("sub-team %q", s)
		}
		if prev.member == m.IsMember && prev.manager == m.IsManager {
			fr.report(Finding{Rule: RuleDuplicateMapping, Line: rec.Line,
				Message: fmt.Sprintf("%s is put into team %q again, as on line %d", what, fr.get(vals, MapTeam), prev.line),
				Hint:    "remove the repeated row"})
		} else {
			m.Valid = false
			fr.report(Finding{Rule: RuleConflicting, Line: rec.Line,
				Message: fmt.Sprintf("%s is put into team %q again with other flags than on line %d (isMember %s, isManager %s there)",
					what, fr.get(vals, MapTeam), prev.line, boolWord(prev.member), boolWord(prev.manager)),
				Hint: "keep one row per team and user, with both flags set as meant (a manager who is also a member: TRUE, TRUE)"})
		}
		return
	}
	t.pairs[key] = pairSeen{line: m.Line, member: m.IsMember, manager: m.IsManager}
	if u != "" && !m.IsMember && !m.IsManager {
		fr.report(Finding{Rule: RuleNoRole, Line: rec.Line,
			Message: fmt.Sprintf("user %q is neither a member nor a manager of team %q", u, fr.get(vals, MapTeam)),
			Hint:    "set isMember or isManager to TRUE, or remove the row"})
	}
}

// boolWord spells a flag as the files do.
func boolWord(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// userRef numbers a user id named by the mapping file.
func (t *teamsReader) userRef(id string) int32 {
	if i, ok := t.userRefIndex[id]; ok {
		return i
	}
	id = cloneString(id)
	i := int32(len(t.userRefs))
	t.userRefs = append(t.userRefs, id)
	t.userRefIndex[id] = i
	return i
}

// resolveUsers turns the mapping rows' user refs into indexes of
// org.Users, adding the ids users.csv does not declare as undeclared
// users. It runs once both readers are done.
func (t *teamsReader) resolveUsers() {
	org := t.org
	index := make([]int32, len(t.userRefs))
	for ref, id := range t.userRefs {
		i, ok := org.userIndex[id]
		if !ok {
			i = int32(len(org.Users))
			org.Users = append(org.Users, User{ID: id})
			org.userIndex[id] = i
		}
		index[ref] = i
	}
	for i := range org.Mappings {
		if u := org.Mappings[i].User; u >= 0 {
			org.Mappings[i].User = index[u]
		}
	}
	t.userRefIndex, t.userRefs = nil, nil
}
