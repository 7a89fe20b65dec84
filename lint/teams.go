package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ovsync/ovsync/internal/redact"
)

// teamsReader reads groups.csv and then groups-mapping.csv into the org.
// It runs beside the users reader, so the user ids that mapping rows name
// are kept as written and resolved against users.csv once both are read
// ([teamsReader.resolveUsers]); the rules that compare rows with each
// other run after that ([teamsReader.checkPairs]).
type teamsReader struct {
	org     *Org
	groups  fileReader
	mapping fileReader
	names   map[string]int32 // folded team name -> line of its first row
	keys    *redact.Redactor // the API keys, for rule api-key
	// groupsFile and mappingFile are what the tool asked of their reads.
	groupsFile, mappingFile fileOptions

	userIDs    []string // per mapping row: userId as written, until resolved
	targetCols []int32  // per mapping row: column of userId or subGroupId
}

// readGroups reads groups.csv at path.
func (t *teamsReader) readGroups(v *Vocabulary, path, display string, schema *jsonschema.Schema) error {
	t.groups = fileReader{kind: KindGroups, vocab: v, file: display, keys: t.keys, fileOptions: t.groupsFile}
	t.names = map[string]int32{}
	t.groups.sizeHint = func(rows int) {
		t.org.teamIndex = regrow(t.org.teamIndex, rows)
		t.names = regrow(t.names, rows)
		t.org.Teams = slices.Grow(t.org.Teams, rows)
	}
	err := t.groups.read(path, schema, t.groupRow)
	t.names = nil // only the file's own rows compare names
	return err
}

// groupsUsable reports whether team ids could be read from groups.csv.
func (t *teamsReader) groupsUsable() bool { return t.groups.usable(TeamID) }

// mappingUsable reports whether the mapping rows could be read.
func (t *teamsReader) mappingUsable() bool {
	return t.mapping.usable(MapTeam) && (t.mapping.usable(MapUser) || t.mapping.usable(MapSubTeam))
}

// groupRow handles one record of groups.csv and returns the index of
// the team it declared, or -1.
func (t *teamsReader) groupRow(rec *Record, vals []string, ok bool) int {
	fr := &t.groups
	id := fr.get(vals, TeamID)
	name := fr.get(vals, TeamName)
	index := -1
	if id != "" {
		if first, dup := t.org.teamIndex[id]; dup {
			if ok {
				fr.fieldFinding(rec, fr.header.Col(TeamID), RuleDuplicateID,
					fmt.Sprintf("team id %q is already used on line %d", id, t.org.Teams[first].Line),
					"give each team its own id, or remove the repeated row")
			}
		} else {
			id = cloneString(id)
			index = len(t.org.Teams)
			t.org.teamIndex[id] = int32(index)
			t.org.Teams = append(t.org.Teams, Team{ID: id, Name: cloneString(name), Line: int32(rec.Line), Declared: true})
		}
	}
	if !ok || name == "" {
		return index
	}
	fr.checkLimits(rec, vals, TeamName)
	key := foldName(name)
	if first, dup := t.names[key]; dup {
		fr.fieldFinding(rec, fr.header.Col(TeamName), RuleDuplicateName,
			fmt.Sprintf("team name %q is already used on line %d", name, first),
			"give the teams names people can tell apart in Officevibe")
		return index
	}
	t.names[key] = int32(rec.Line)
	return index
}

// TeamNameKey returns the key under which duplicate-name compares team
// names: lower case, without accents, surrounding spaces removed ("Équipe
// Montréal" and "equipe montreal" are one name).
func TeamNameKey(name string) string { return foldName(name) }

// readMapping reads groups-mapping.csv at path.
func (t *teamsReader) readMapping(v *Vocabulary, path, display string, schema *jsonschema.Schema) error {
	t.mapping = fileReader{kind: KindMapping, vocab: v, file: display, keys: t.keys, fileOptions: t.mappingFile}
	t.mapping.sizeHint = func(rows int) {
		t.org.Mappings = slices.Grow(t.org.Mappings, rows)
		t.targetCols = slices.Grow(t.targetCols, rows)
		t.userIDs = slices.Grow(t.userIDs, rows)
	}
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

// mappingRow handles one record of groups-mapping.csv and returns its
// index in the mapping rows.
func (t *teamsReader) mappingRow(rec *Record, vals []string, ok bool) int {
	fr := &t.mapping
	h := fr.header
	m := Mapping{Team: -1, User: -1, SubTeam: -1, Line: int32(rec.Line), Valid: ok}
	groupsKnown := t.groupsUsable()
	ref := func(col int, id string) int32 {
		i := t.org.internTeam(id)
		if groupsKnown && !t.org.Teams[i].Declared {
			fr.fieldFinding(rec, col, RuleUnknownTeam, fmt.Sprintf("team %q is not in %s", id, t.org.Files.Groups),
				fmt.Sprintf("add the team to %s, or correct the id", fr.vocab.FileNames[KindGroups]))
		}
		return i
	}
	targetCol := int32(0)
	userID := ""
	index := len(t.org.Mappings)
	defer func() {
		t.org.Mappings = append(t.org.Mappings, m)
		t.targetCols = append(t.targetCols, targetCol)
		t.userIDs = append(t.userIDs, userID)
	}()
	if g := fr.get(vals, MapTeam); g != "" {
		m.Team = ref(h.Col(MapTeam), g)
	}
	if !ok {
		m.Valid = false
		return index
	}
	u, s := fr.get(vals, MapUser), fr.get(vals, MapSubTeam)
	if h.Col(MapUser) < 0 || h.Col(MapSubTeam) < 0 {
		m.Valid = false // header-missing says it once for the file
	} else if (u == "") == (s == "") {
		m.Valid = false
		v := fr.vocab
		user, sub := v.Column(KindMapping, MapUser), v.Column(KindMapping, MapSubTeam)
		msg := fmt.Sprintf("row sets both %s and %s", user, sub)
		hint := "a row puts either a user or a sub-team into the team: split it into two rows"
		if u == "" {
			msg = fmt.Sprintf("row sets neither %s nor %s", user, sub)
			hint = fmt.Sprintf("set %s (a user of %s) or %s (a team of %s)", user, v.FileNames[KindUsers], sub, v.FileNames[KindGroups])
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
		userID = cloneString(u) // resolved by resolveUsers; a copy, not to pin the record
		_, col := rec.Pos(h.Col(MapUser))
		targetCol = int32(col)
	}
	if s != "" {
		m.SubTeam = ref(h.Col(MapSubTeam), s)
		_, col := rec.Pos(h.Col(MapSubTeam))
		targetCol = int32(col)
	}
	return index
}

// checkPairs reports what a valid mapping row puts into a team again
// (duplicate-mapping with the same flags, conflicting-mapping with
// others, at the later row) and user rows with no role. It runs after
// resolveUsers, on the rows' model indexes.
func (t *teamsReader) checkPairs() {
	ms := t.org.Mappings
	// A row's target: a sub-team (odd) or a user (even), -1 for none.
	target := func(m *Mapping) int64 {
		switch {
		case m.SubTeam >= 0:
			return int64(m.SubTeam)<<1 | 1
		case m.User >= 0:
			return int64(m.User) << 1
		}
		return -1
	}
	// The valid rows of each team, sorted by target (stably, so in file
	// order among equal ones): a repeated pair follows its first row. The
	// org's lists of rows per team, not a map of every pair.
	var rows []int32
	for team := range t.org.Teams {
		rows = rows[:0]
		for _, r := range t.org.TeamRows(team) {
			if ms[r].Valid && target(&ms[r]) >= 0 {
				rows = append(rows, r)
			}
		}
		slices.SortStableFunc(rows, func(a, b int32) int { return cmp.Compare(target(&ms[a]), target(&ms[b])) })
		first := int32(-1)
		for k, r := range rows {
			if k == 0 || target(&ms[r]) != target(&ms[rows[k-1]]) {
				first = -1
			}
			t.checkPair(r, first)
			if first < 0 {
				first = r
			}
		}
	}
}

// checkPair checks mapping row i against the first row that puts the same
// user or sub-team into its team (-1 when i is that first row).
func (t *teamsReader) checkPair(i, j int32) {
	ms := t.org.Mappings
	m := &ms[i]
	what := func() string {
		if m.SubTeam >= 0 {
			return fmt.Sprintf("sub-team %q", t.org.Teams[m.SubTeam].ID)
		}
		return fmt.Sprintf("user %q", t.org.Users[m.User].ID)
	}
	if j < 0 {
		if m.User >= 0 && !m.IsMember && !m.IsManager {
			t.mapping.report(Finding{Rule: RuleNoRole, Line: int(m.Line), Key: t.org.mappingKey(i),
				Message: fmt.Sprintf("%s is neither a member nor a manager of team %q", what(), t.org.Teams[m.Team].ID),
				Hint: fmt.Sprintf("set %s or %s to TRUE, or remove the row",
					t.mapping.vocab.Column(KindMapping, MapIsMember), t.mapping.vocab.Column(KindMapping, MapIsManager))})
		}
		if m.User >= 0 && m.IsMember && m.IsManager {
			t.mapping.report(Finding{Rule: RuleManagerIsMember, Line: int(m.Line), Key: t.org.mappingKey(i),
				Message: fmt.Sprintf("%s is both a member and a manager of team %q", what(), t.org.Teams[m.Team].ID),
				Hint: fmt.Sprintf("set %s to FALSE: a member's answers count in the team's scores, and Officevibe advises managers not be members of the team they manage",
					t.mapping.vocab.Column(KindMapping, MapIsMember))})
		}
		return
	}
	prev := &ms[j]
	team := t.org.Teams[m.Team].ID
	if prev.IsMember == m.IsMember && prev.IsManager == m.IsManager {
		t.mapping.report(Finding{Rule: RuleDuplicateMapping, Line: int(m.Line), Key: t.org.mappingKey(i),
			Message: fmt.Sprintf("%s is put into team %q again, as on line %d", what(), team, prev.Line),
			Hint:    "remove the repeated row"})
		return
	}
	m.Valid = false
	t.mapping.report(Finding{Rule: RuleConflicting, Line: int(m.Line), Key: t.org.mappingKey(i),
		Message: fmt.Sprintf("%s is put into team %q again with other flags than on line %d (%s %s, %s %s there)",
			what(), team, prev.Line, t.mapping.vocab.Column(KindMapping, MapIsMember), boolWord(prev.IsMember),
			t.mapping.vocab.Column(KindMapping, MapIsManager), boolWord(prev.IsManager)),
		Hint: "keep one row per team and user, with both flags set as meant (a manager who is also a member: TRUE, TRUE)"})
}

// boolWord spells a flag as the files do.
func boolWord(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// resolveUsers turns the mapping rows' user ids into indexes of
// org.Users, adding the ids users.csv does not declare as undeclared
// users. It runs once both readers are done: the look-ups, which only
// read the index, are shared between two goroutines.
func (t *teamsReader) resolveUsers() {
	org := t.org
	ms := org.Mappings
	half := len(ms) / 2
	var wg sync.WaitGroup
	for _, part := range [][2]int{{0, half}, {half, len(ms)}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := part[0]; i < part[1]; i++ {
				ms[i].User = -1
				if id := t.userIDs[i]; id != "" {
					if u, ok := org.userIndex[id]; ok {
						ms[i].User = u
					} else {
						ms[i].User = -2 // not in users.csv
					}
				}
			}
		}()
	}
	wg.Wait()
	for i := range ms {
		if ms[i].User != -2 {
			continue
		}
		id := t.userIDs[i]
		u, ok := org.userIndex[id]
		if !ok {
			id = cloneString(id)
			u = int32(len(org.Users))
			org.Users = append(org.Users, User{ID: id})
			org.userIndex[id] = u
		}
		ms[i].User = u
	}
	t.userIDs = nil
}
