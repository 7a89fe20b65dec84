package plan

// The comparison of two states held whole, as ovsync made plans before
// the comparison streamed the state of the last push: the reference the
// streamed comparison is tested against (TestStreamedPlanIsReference).

import (
	"slices"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/lint"
)

// refPlan compares the org about to be sent (cur) with the state of
// the last push (prev, nil for a first push), as package lint read it.
func refPlan(prev, cur *state, invite bool) *Plan {
	p := &Plan{Version: Version, First: prev == nil, Guards: []string{}}
	p.Users.Total, p.Teams.Total, p.Mappings.Total = len(cur.Users), len(cur.Teams), len(cur.Mappings)
	for _, m := range cur.Mappings {
		if m.Manager && m.User != "" {
			p.Managers.Total++
		}
	}
	p.Changes = Changes{UsersRemoved: []UserRef{}, ManagersLost: []ManagerChange{}, EmailChanges: []EmailChange{}, TeamsRemoved: []TeamRef{},
		UsersAdded: []UserRef{}, TeamsAdded: []TeamRef{}, ManagersGained: []ManagerChange{}, TeamsRenamed: []TeamRename{}, UsersChanged: []UserChange{}, Moves: []Move{}}
	if prev == nil {
		p.Users.Added, p.Teams.Added, p.Mappings.Added, p.Managers.Added = p.Users.Total, p.Teams.Total, p.Mappings.Total, p.Managers.Total
		for i := range cur.Users {
			p.Changes.UsersAdded = append(p.Changes.UsersAdded, cur.ref(i))
		}
		members := refMemberCounts(cur)
		for i, t := range cur.Teams {
			p.Changes.TeamsAdded = append(p.Changes.TeamsAdded, TeamRef{ID: t.ID, Name: t.Name, Members: members[i]})
		}
		if invite {
			p.Invites = p.Users.Total
		}
		p.Known = Known{Fields: true, Mappings: true}
		return p
	}
	p.PreviousPush = prev.PushedAt
	p.Known = Known{Fields: !prev.v1(), Mappings: !prev.v1()}
	p.Users.Previous, p.Teams.Previous = len(prev.Users), len(prev.Teams)
	p.Mappings.Previous = len(prev.Mappings)
	if prev.v1() {
		p.Mappings.Previous = len(prev.MappingKeys)
	}
	added, removed := refUsers(p, prev, cur)
	refTeams(p, prev, cur)
	refMappings(p, prev, cur, added, removed)
	if invite {
		p.Invites = p.Users.Added
	}
	return p
}

// refUsers finds the users added, removed and changed, and the email
// changes. It returns the ids of the users added and removed.
func refUsers(p *Plan, prev, cur *state) (added, removed map[string]bool) {
	added, removed = map[string]bool{}, map[string]bool{}
	old := make(map[string]int32, len(prev.Users))
	for i := range prev.Users {
		old[prev.Users[i].ID] = int32(i)
	}
	seen := make([]bool, len(prev.Users))
	keysSame := slices.Equal(prev.UserKeys, cur.UserKeys)
	var a, b []string
	for i := range cur.Users {
		u := &cur.Users[i]
		j, ok := old[u.ID]
		if !ok {
			added[u.ID] = true
			p.Users.Added++
			p.Changes.UsersAdded = append(p.Changes.UsersAdded, cur.ref(i))
			continue
		}
		seen[j] = true
		was := &prev.Users[j]
		switch {
		case prev.v1():
			if was.Hash != u.Hash {
				p.Users.Changed++
				p.Changes.UsersChanged = append(p.Changes.UsersChanged, UserChange{UserRef: cur.ref(i)})
			}
		case keysSame && was.Values == u.Values:
		default:
			a, b = splitValues(was.Values, a[:0]), splitValues(u.Values, b[:0])
			if fields := refChangedFields(prev.UserKeys, a, cur.UserKeys, b); len(fields) > 0 {
				p.Users.Changed++
				p.Changes.UsersChanged = append(p.Changes.UsersChanged, UserChange{UserRef: cur.ref(i), Fields: fields})
			}
		}
		if !strings.EqualFold(was.Email, u.Email) {
			p.EmailChanges++
			p.Changes.EmailChanges = append(p.Changes.EmailChanges, EmailChange{ID: u.ID, Name: cur.ref(i).Name, From: was.Email, To: u.Email})
		}
	}
	for j, ok := range seen {
		if !ok {
			p.Users.Removed++
			p.Changes.UsersRemoved = append(p.Changes.UsersRemoved, prev.ref(j))
			removed[prev.Users[j].ID] = true
		}
	}
	return added, removed
}

// refChangedFields returns the keys whose values differ between two users,
// in the order of the new keys, then the keys that only the old one had.
// A key on one side only counts when its value there is not empty.
func refChangedFields(oldKeys, oldVals, newKeys, newVals []string) []string {
	value := func(keys, vals []string, k string) (string, bool) {
		i := slices.Index(keys, k)
		if i < 0 || i >= len(vals) {
			return "", false
		}
		return vals[i], true
	}
	var fields []string
	for i, k := range newKeys {
		v := ""
		if i < len(newVals) {
			v = newVals[i]
		}
		if w, _ := value(oldKeys, oldVals, k); w != v {
			fields = append(fields, k)
		}
	}
	for i, k := range oldKeys {
		if _, ok := value(newKeys, newVals, k); !ok && i < len(oldVals) && oldVals[i] != "" {
			fields = append(fields, k)
		}
	}
	return fields
}

// refMemberCounts counts the member rows of each team of st, by index.
func refMemberCounts(st *state) []int {
	index := make(map[string]int32, len(st.Teams))
	for i, t := range st.Teams {
		index[t.ID] = int32(i)
	}
	n := make([]int, len(st.Teams))
	for _, m := range st.Mappings {
		if m.Member && m.User != "" {
			if i, ok := index[m.Team]; ok {
				n[i]++
			}
		}
	}
	return n
}

// refTeams finds the teams added, removed (with their members) and
// renamed.
func refTeams(p *Plan, prev, cur *state) {
	old := make(map[string]int32, len(prev.Teams))
	for i, t := range prev.Teams {
		old[t.ID] = int32(i)
	}
	seen := make([]bool, len(prev.Teams))
	var curMembers []int
	for i, t := range cur.Teams {
		j, ok := old[t.ID]
		if !ok {
			if curMembers == nil {
				curMembers = refMemberCounts(cur)
			}
			p.Teams.Added++
			p.Changes.TeamsAdded = append(p.Changes.TeamsAdded, TeamRef{ID: t.ID, Name: t.Name, Members: curMembers[i]})
			continue
		}
		seen[j] = true
		if was := prev.Teams[j].Name; was != t.Name {
			p.Teams.Changed++
			p.Changes.TeamsRenamed = append(p.Changes.TeamsRenamed, TeamRename{ID: t.ID, From: was, To: t.Name})
		}
	}
	var prevMembers []int
	for j, ok := range seen {
		if ok {
			continue
		}
		if prevMembers == nil {
			prevMembers = refMemberCounts(prev)
		}
		t := prev.Teams[j]
		p.Teams.Removed++
		p.Changes.TeamsRemoved = append(p.Changes.TeamsRemoved, TeamRef{ID: t.ID, Name: t.Name, Members: prevMembers[j]})
	}
}

// mappingKeys returns the sorted [mappingKey] values of a state's rows.
func refMappingKeys(st *state) []hash64 {
	if st.v1() {
		return st.MappingKeys
	}
	keys := make([]hash64, len(st.Mappings))
	for i, m := range st.Mappings {
		keys[i] = mappingKey(m.Team, m.User, m.SubTeam, m.Member, m.Manager)
	}
	slices.Sort(keys)
	return keys
}

// refPair is a (team, user) pair of a mapping row, by hash, with the row.
type refPair struct {
	key uint64
	row int32
}

// pairs returns the rows of st that keep(filter) as (first, second)
// pairs sorted by their hash.
func refPairs(st *state, keep func(m *stateMapping) bool, first, second func(m *stateMapping) string) []refPair {
	var out []refPair
	for i := range st.Mappings {
		m := &st.Mappings[i]
		if keep(m) {
			out = append(out, refPair{key: hashBytes(hashBytes(hashSeed, first(m))^3, second(m)), row: int32(i)})
		}
	}
	slices.SortFunc(out, func(a, b refPair) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return int(a.row - b.row)
	})
	return out
}

// refMergePairs walks two sorted pair lists and calls onlyA and onlyB with
// the rows of keys that are in one list only.
func refMergePairs(a, b []refPair, onlyA, onlyB func(row int32)) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i].key < b[j].key:
			onlyA(a[i].row)
			i++
		case i == len(a) || b[j].key < a[i].key:
			onlyB(b[j].row)
			j++
		default:
			k := a[i].key
			for i < len(a) && a[i].key == k {
				i++
			}
			for j < len(b) && b[j].key == k {
				j++
			}
		}
	}
}

// refMappings counts the mapping rows added, removed and changed,
// and finds the managers who gain or lose access and the members moved.
// Rows are compared by sorted hashes; only the few users and teams a
// change names are looked up.
func refMappings(p *Plan, prev, cur *state, added, removed map[string]bool) {
	p.Mappings.Added, p.Mappings.Removed, p.Mappings.Changed = diffMappings(refMappingKeys(prev), refMappingKeys(cur))
	if prev.v1() {
		return
	}
	isManager := func(m *stateMapping) bool { return m.Manager && m.User != "" }
	isMember := func(m *stateMapping) bool { return m.Member && m.User != "" }
	team := func(m *stateMapping) string { return m.Team }
	user := func(m *stateMapping) string { return m.User }
	for i := range prev.Mappings {
		if isManager(&prev.Mappings[i]) {
			p.Managers.Previous++
		}
	}
	var lost, gained []int32
	refMergePairs(refPairs(prev, isManager, team, user), refPairs(cur, isManager, team, user),
		func(row int32) {
			if !removed[prev.Mappings[row].User] { // a removed user is listed with the removals
				lost = append(lost, row)
			}
		},
		func(row int32) { gained = append(gained, row) })
	// Users whose member rows changed, kept on both sides, moved.
	moved := map[string]bool{}
	note := func(st *state) func(row int32) {
		return func(row int32) {
			if u := st.Mappings[row].User; !added[u] && !removed[u] {
				moved[u] = true
			}
		}
	}
	refMergePairs(refPairs(prev, isMember, user, team), refPairs(cur, isMember, user, team), note(prev), note(cur))

	prevNames, curNames := refLookup{}, refLookup{}
	for _, row := range lost {
		prevNames.want(prev.Mappings[row].Team, prev.Mappings[row].User)
	}
	for _, row := range gained {
		curNames.want(cur.Mappings[row].Team, cur.Mappings[row].User)
	}
	for u := range moved {
		curNames.want("", u)
	}
	prevNames.fill(prev)
	curNames.fill(cur)
	if len(lost) > 0 {
		people := newRefReach(prev)
		slices.Sort(lost)
		for _, row := range lost {
			m := &prev.Mappings[row]
			p.Changes.ManagersLost = append(p.Changes.ManagersLost, ManagerChange{Team: m.Team, TeamName: prevNames.teams[m.Team], UserRef: prevNames.user(m.User), People: people.people(m.Team)})
		}
	}
	if len(gained) > 0 {
		people := newRefReach(cur)
		slices.Sort(gained)
		for _, row := range gained {
			m := &cur.Mappings[row]
			p.Changes.ManagersGained = append(p.Changes.ManagersGained, ManagerChange{Team: m.Team, TeamName: curNames.teams[m.Team], UserRef: curNames.user(m.User), People: people.people(m.Team)})
		}
	}
	p.Managers.Removed, p.Managers.Added = len(p.Changes.ManagersLost), len(p.Changes.ManagersGained)

	if len(moved) > 0 {
		from, to := refMemberTeams(prev, moved), refMemberTeams(cur, moved)
		for i := range cur.Users {
			u := &cur.Users[i]
			if !moved[u.ID] {
				continue
			}
			if a, b := from[u.ID], to[u.ID]; !slices.Equal(a, b) {
				p.Changes.Moves = append(p.Changes.Moves, Move{UserRef: curNames.user(u.ID), From: refOrEmpty(a), To: refOrEmpty(b)})
			}
		}
	}
	p.Moves = len(p.Changes.Moves)
}

// refLookup finds the names of a few teams and users of a state in one
// pass over it.
type refLookup struct {
	teams map[string]string
	users map[string]UserRef
}

// want asks for a team and a user ("" for none).
func (l *refLookup) want(team, user string) {
	if l.teams == nil {
		l.teams, l.users = map[string]string{}, map[string]UserRef{}
	}
	if team != "" {
		l.teams[team] = ""
	}
	if user != "" {
		l.users[user] = UserRef{ID: user, Name: user}
	}
}

// fill looks the wanted teams and users up in st.
func (l *refLookup) fill(st *state) {
	if len(l.teams) > 0 {
		for _, t := range st.Teams {
			if _, ok := l.teams[t.ID]; ok {
				l.teams[t.ID] = t.Name
			}
		}
	}
	if len(l.users) > 0 {
		for i := range st.Users {
			if _, ok := l.users[st.Users[i].ID]; ok {
				l.users[st.Users[i].ID] = st.ref(i)
			}
		}
	}
}

// user names the user of id, or the id alone when no user has it.
func (l *refLookup) user(id string) UserRef {
	if r, ok := l.users[id]; ok {
		return r
	}
	return UserRef{ID: id, Name: id}
}

// refOrEmpty returns s, or an empty list for nil (JSON writes [] then).
func refOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// refMemberTeams returns the sorted member teams of the users of st that
// only names.
func refMemberTeams(st *state, only map[string]bool) map[string][]string {
	out := make(map[string][]string, len(only))
	for i := range st.Mappings {
		if m := &st.Mappings[i]; m.Member && only[m.User] {
			out[m.User] = append(out[m.User], m.Team)
		}
	}
	for u, teams := range out {
		slices.Sort(teams)
		out[u] = slices.Compact(teams)
	}
	return out
}

// refReach counts the people a manager of a team sees: the member rows of
// the team and of its sub-teams, each team counted once.
type refReach struct {
	index   map[string]int32
	members []int
	subs    [][]int32
	stamp   []int32
	epoch   int32
}

func newRefReach(st *state) *refReach {
	r := &refReach{index: make(map[string]int32, len(st.Teams))}
	team := func(id string) int32 {
		if i, ok := r.index[id]; ok {
			return i
		}
		i := int32(len(r.members))
		r.index[id] = i
		r.members = append(r.members, 0)
		r.subs = append(r.subs, nil)
		return i
	}
	for _, t := range st.Teams {
		team(t.ID)
	}
	for _, m := range st.Mappings {
		switch {
		case m.Team == "":
		case m.User != "" && m.Member:
			r.members[team(m.Team)]++
		case m.SubTeam != "":
			t, s := team(m.Team), team(m.SubTeam)
			r.subs[t] = append(r.subs[t], s)
		}
	}
	r.stamp = make([]int32, len(r.members))
	return r
}

// people returns the member rows under team id.
func (r *refReach) people(id string) int {
	i, ok := r.index[id]
	if !ok {
		return 0
	}
	r.epoch++
	n := 0
	stack := []int32{i}
	r.stamp[i] = r.epoch
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n += r.members[t]
		for _, s := range r.subs[t] {
			if r.stamp[s] != r.epoch {
				r.stamp[s] = r.epoch
				stack = append(stack, s)
			}
		}
	}
	return n
}

// ref names user i of the state; the name is cut from the user's values
// (a version 1 state has none: the id stands for it).
func (st *state) ref(i int) UserRef {
	u := &st.Users[i]
	r := UserRef{ID: u.ID, Email: u.Email, Name: u.ID}
	if st.v1() || st.UserRoles[2] < 0 && st.UserRoles[3] < 0 {
		return r
	}
	var first, last string
	n := 0
	for v := range strings.SplitSeq(u.Values, "\t") {
		switch n {
		case st.UserRoles[2]:
			first = unescape(v)
		case st.UserRoles[3]:
			last = unescape(v)
		}
		n++
	}
	r.Name = (&lint.User{ID: u.ID, FirstName: first, LastName: last}).Name()
	return r
}

// compareStates compares two states held whole as a plan does, the last
// push's (prev, nil for a first push) streamed into the comparison as its
// state file would be.
func compareStates(prev, cur *state, invite bool) (*Plan, error) {
	org, err := newStateOrg(cur)
	if err != nil {
		return nil, err
	}
	if prev == nil {
		return newComparison(org, nil, invite).plan(), nil
	}
	c := newComparison(org, &prev.stateHead, invite)
	if _, err := (&stateFile{head: prev.stateHead, whole: prev}).compare(c, c); err != nil {
		return nil, err
	}
	return c.plan(), nil
}

// mustCompare is compareStates, failing the test on an error.
func mustCompare(t testing.TB, prev, cur *state) *Plan {
	t.Helper()
	p, err := compareStates(prev, cur, false)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
