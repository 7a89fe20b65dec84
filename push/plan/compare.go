package plan

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/lint"
)

// comparison compares the org about to be sent (cur, whole and indexed)
// with the last push, whose records it is handed one at a time in their
// order, as the state file is read (a [listSink]): every user, then every
// team, then every mapping row. Each is looked up in cur as it comes (the
// record after the last one found first: files keep their order from one
// push to the next), and only what the plan lists is kept of it, its
// strings copied: the last push is never held whole. The lists of the
// plan come out in the order of the files, the last push's for what goes
// and this push's for the rest, as [comparison.plan] sorts what was found
// by the index of the record in cur.
type comparison struct {
	p   *Plan
	cur current
	// users, teams and rows count the records of cur's files; allTeams
	// the teams its rows may name (records and ids only rows name).
	users, teams, rows, allTeams int
	// keys and roles are the last push's user keys and the positions of
	// the id, email and names among them; keyOf maps each key of cur to
	// the first of the last push's of that name (-1 for none), gone are
	// the last push's keys cur has not.
	keys  []string
	roles [4]int
	keyOf []int
	gone  []int
	// same is set when the keys (and the places of the id, email and
	// names) are cur's: a user whose values are the same line is
	// unchanged.
	same bool
	v1   bool
	// invite says whether the push invites the users it adds.
	invite bool
	// phase is the list the records come from: 0 users, 1 teams, 2
	// mappings, 3 once the plan is made. next is the record of cur
	// after the last one found in the list.
	phase, next int

	// seen marks the users of cur the last push had; removed are the ids
	// of the last push's users cur has not; was names the users kept
	// whose email or name changed, as the last push had them.
	seen    []bool
	removed map[string]bool
	was     map[string]UserRef
	changed []found[UserChange]
	emails  []found[EmailChange]
	vals    []string

	// seenTeam marks the teams of cur the last push had; teamsGone
	// places the removed ones in Changes.TeamsRemoved; wasName is the
	// name of a renamed team in the last push.
	seenTeam  []bool
	renamed   []found[TeamRename]
	teamsGone map[string]int
	wasName   map[string]string

	// exact marks the rows of cur the last push had as they are (one for
	// one). A row of the last push without one is gone (its key is kept)
	// and is looked up by its team and user in ix: managed and member
	// then mark the rows of cur whose (team, user) pair it had as a
	// manager's and as a member's.
	ix                     *rowIndex
	exact, managed, member []bool
	goneKeys               []hash64
	// lost are the last push's managers who lose access, their team in
	// before, which counts the last push's member rows and sub-team
	// edges (teams numbered by cur's index, then those cur has not).
	lost       []ManagerChange
	lostTeams  []int32
	before     reach
	otherTeams map[string]int32
	// moved marks the users of cur kept whose member teams may have
	// changed; wereIn are the member teams each had in the last push
	// that cur does not give them.
	moved  []bool
	wereIn map[int32][]string
}

// found is something a comparison found about record i of cur, which the
// plan lists in cur's order.
type found[T any] struct {
	i int
	v T
}

// errTwice is the error of a last push that holds an id twice: its
// records could not be told apart.
var errTwice = errors.New("holds an id twice")

// newComparison starts the comparison of cur with the last push, whose
// head is prev; invite says whether new users are invited. With prev nil
// (a first push) there is nothing to hand it: [comparison.plan] lists
// every user and team as added.
func newComparison(cur current, prev *stateHead, invite bool) *comparison {
	users, teams, rows := cur.counts()
	p := &Plan{Version: Version, First: prev == nil, Guards: []string{}}
	p.Users.Total, p.Teams.Total, p.Mappings.Total = users, teams, rows
	allTeams := teams
	for r := range rows {
		m := cur.row(r)
		if m.IsManager && m.User >= 0 {
			p.Managers.Total++
		}
		allTeams = max(allTeams, int(m.Team)+1, int(m.SubTeam)+1)
	}
	p.Changes = Changes{UsersRemoved: []UserRef{}, ManagersLost: []ManagerChange{}, EmailChanges: []EmailChange{}, TeamsRemoved: []TeamRef{},
		UsersAdded: []UserRef{}, TeamsAdded: []TeamRef{}, ManagersGained: []ManagerChange{}, TeamsRenamed: []TeamRename{}, UsersChanged: []UserChange{}, Moves: []Move{}}
	c := &comparison{p: p, cur: cur, users: users, teams: teams, rows: rows, allTeams: allTeams, invite: invite}
	if prev == nil {
		p.Known = Known{Fields: true, Mappings: true}
		return c
	}
	c.v1 = prev.v1()
	p.PreviousPush = prev.PushedAt
	p.Known = Known{Fields: !c.v1, Mappings: !c.v1}
	if c.v1 {
		c.setKeys(nil, [4]int{-1, -1, -1, -1})
	} else {
		c.setKeys(prev.UserKeys, prev.UserRoles)
	}
	c.seen, c.seenTeam = make([]bool, users), make([]bool, teams)
	c.removed, c.was = map[string]bool{}, map[string]UserRef{}
	c.teamsGone, c.wasName = map[string]int{}, map[string]string{}
	c.otherTeams, c.wereIn = map[string]int32{}, map[int32][]string{}
	return c
}

// setKeys gives the keys of the last push's users and the positions of
// the id, email and names among them.
func (c *comparison) setKeys(keys []string, roles [4]int) {
	c.keys, c.roles, c.keyOf, c.gone = keys, roles, c.keyOf[:0], c.gone[:0]
	c.same = slices.Equal(keys, c.cur.userKeys()) && roles == c.cur.userRoles()
	for _, k := range c.cur.userKeys() {
		c.keyOf = append(c.keyOf, slices.Index(keys, k))
	}
	for i, k := range keys {
		if !slices.Contains(c.cur.userKeys(), k) {
			c.gone = append(c.gone, i)
		}
	}
}

// user compares a user of the last push, a line of its state: a user
// of cur whose values are that line is not looked at further.
func (c *comparison) user(u *stateUser) error {
	if c.same && !c.v1 {
		if i := c.findUser(u.ID); i >= 0 && !c.seen[i] && c.cur.line(i) == lineHash(u.Values) {
			c.p.Users.Previous++
			c.seen[i] = true
			return nil
		}
	}
	if !c.v1 {
		c.vals = splitValues(u.Values, c.vals[:0])
	}
	return c.lastUser(u.ID, u.Email, c.vals, u.Hash)
}

// findUser returns the user of cur (a record of its users file) of id,
// -1 for none: the one after the last found, or else by its index.
func (c *comparison) findUser(id string) int {
	i := c.next
	if i >= c.users || c.cur.userID(i) != id {
		if i = c.cur.findUser(id); i >= c.users {
			i = -1
		}
	}
	if i >= 0 {
		c.next = i + 1
	}
	return i
}

// lastUser compares a user of the last push: its id and email, its
// values by the last push's keys, the hash of its object.
func (c *comparison) lastUser(id, email string, vals []string, hash hash64) error {
	c.p.Users.Previous++
	i := c.findUser(id)
	if i < 0 {
		c.p.Users.Removed++
		c.p.Changes.UsersRemoved = append(c.p.Changes.UsersRemoved, c.lastRef(id, email, vals))
		c.removed[strings.Clone(id)] = true
		return nil
	}
	if c.seen[i] {
		return fmt.Errorf("%w: user id %q", errTwice, id)
	}
	c.seen[i] = true
	var fields []string
	if c.v1 {
		if hash != c.cur.object(i) {
			c.changed = append(c.changed, found[UserChange]{i, UserChange{}})
		}
	} else if fields = c.changedFields(i, vals); len(fields) > 0 {
		c.changed = append(c.changed, found[UserChange]{i, UserChange{Fields: fields}})
	}
	now := c.cur.email(i)
	if !strings.EqualFold(email, now) {
		c.emails = append(c.emails, found[EmailChange]{i, EmailChange{From: strings.Clone(email), To: now}})
	}
	if !c.v1 {
		first, last := c.cur.names(i)
		if email != now || valueAt(vals, c.roles[2]) != first || valueAt(vals, c.roles[3]) != last {
			c.was[strings.Clone(id)] = c.lastRef(id, email, vals)
		}
	}
	return nil
}

// lastRef names a user of the last push by its values, its strings
// copied.
func (c *comparison) lastRef(id, email string, vals []string) UserRef {
	r := UserRef{ID: strings.Clone(id), Email: strings.Clone(email)}
	r.Name = r.ID
	if c.roles[2] >= 0 || c.roles[3] >= 0 {
		r.Name = strings.Clone((&lint.User{ID: id, FirstName: valueAt(vals, c.roles[2]), LastName: valueAt(vals, c.roles[3])}).Name())
	}
	return r
}

// changedFields returns the keys whose values differ between user i of
// cur and vals of the last push, in the order of cur's keys, then the
// keys that only the last push had. A key on one side only counts when
// its value there is not empty.
func (c *comparison) changedFields(i int, vals []string) []string {
	var fields []string
	for k, key := range c.cur.userKeys() {
		if !c.cur.sameValue(i, k, valueAt(vals, c.keyOf[k])) {
			fields = append(fields, key)
		}
	}
	for _, k := range c.gone {
		if valueAt(vals, k) != "" {
			fields = append(fields, c.keys[k])
		}
	}
	return fields
}

// team compares a team of the last push.
func (c *comparison) team(t *stateTeam) error {
	c.enter(1)
	c.p.Teams.Previous++
	j := c.next
	if j >= c.teams || c.cur.teamID(j) != t.ID {
		if j = c.cur.findTeam(t.ID); j >= c.teams {
			j = -1
		}
	}
	if j < 0 {
		c.p.Teams.Removed++
		c.teamsGone[strings.Clone(t.ID)] = len(c.p.Changes.TeamsRemoved)
		c.p.Changes.TeamsRemoved = append(c.p.Changes.TeamsRemoved, TeamRef{ID: strings.Clone(t.ID), Name: strings.Clone(t.Name)})
		return nil
	}
	c.next = j + 1
	if c.seenTeam[j] {
		return fmt.Errorf("%w: team id %q", errTwice, t.ID)
	}
	c.seenTeam[j] = true
	if name := c.cur.teamName(j); name != t.Name {
		c.p.Teams.Changed++
		c.renamed = append(c.renamed, found[TeamRename]{j, TeamRename{ID: c.cur.teamID(j), From: strings.Clone(t.Name), To: name}})
		c.wasName[c.cur.teamID(j)] = strings.Clone(t.Name)
	}
	return nil
}

// mapping compares a mapping row of the last push: it is a row of cur as
// it is, or it goes, and then its (team, user) pair of a manager or a
// member is looked up in cur: the manager loses access, the member
// moved, when cur has no such pair.
func (c *comparison) mapping(m *stateMapping) error {
	c.enter(2)
	c.p.Mappings.Previous++
	key := mappingKey(m.Team, m.User, m.SubTeam, m.Member, m.Manager)
	team, sub := int32(-1), int32(-1)
	r := c.sameRow(key, m)
	if r >= 0 {
		row := c.cur.row(r)
		team, sub = row.Team, row.SubTeam
	} else {
		c.goneKeys = append(c.goneKeys, key)
		team = c.teamOf(m.Team)
		if m.SubTeam != "" && (m.User == "" || !m.Member) {
			sub = c.teamOf(m.SubTeam)
		}
	}
	if len(c.teamsGone) > 0 && m.Member && m.User != "" {
		if i, ok := c.teamsGone[m.Team]; ok {
			c.p.Changes.TeamsRemoved[i].Members++
		}
	}
	c.before.add(team, sub, m.User != "", m.Member)
	if m.Manager && m.User != "" {
		c.p.Managers.Previous++
	}
	if r >= 0 || m.User == "" {
		return nil // a row as it is: its pair is in cur
	}
	rows := c.index().find(m.Team, m.User, m.SubTeam)
	if m.Manager && !c.pair(rows, c.managed, isManager) && !c.removed[m.User] {
		c.lost = append(c.lost, ManagerChange{Team: strings.Clone(m.Team), TeamName: c.lastTeamName(m.Team), UserRef: c.lastUserRef(m.User)})
		c.lostTeams = append(c.lostTeams, team)
	}
	if m.Member && !c.pair(rows, c.member, isMember) {
		// A member of a team cur does not put them in: moved, from
		// the teams of the last push.
		if i := c.cur.findUser(m.User); i >= 0 && i < c.users && c.seen[i] {
			c.moved[i] = true
			c.wereIn[int32(i)] = append(c.wereIn[int32(i)], strings.Clone(m.Team))
		}
	}
	return nil
}

// sameRow returns the row of cur that is m as it is (key is m's key) and
// was not found yet, marking it, or -1: the one after the last found,
// or else one of those of its team and target.
func (c *comparison) sameRow(key hash64, m *stateMapping) int {
	r := c.next
	if r >= c.rows || c.exact[r] || c.cur.key(r) != key {
		r = -1
		for _, x := range c.index().find(m.Team, m.User, m.SubTeam) {
			if !c.exact[x] && c.cur.key(int(x)) == key {
				r = int(x)
				break
			}
		}
	}
	if r >= 0 {
		c.exact[r], c.next = true, r+1
	}
	return r
}

// isManager and isMember are the flags of a row.
func isManager(m lint.Mapping) bool { return m.IsManager }
func isMember(m lint.Mapping) bool  { return m.IsMember }

// pair marks the rows of rows (cur's rows of a team and a user) that
// have the flag, and reports whether there was one.
func (c *comparison) pair(rows []int32, marks []bool, flag func(lint.Mapping) bool) bool {
	any := false
	for _, r := range rows {
		if flag(c.cur.row(int(r))) {
			marks[r], any = true, true
		}
	}
	return any
}

// inLast reports whether the (team, user) pair of row r of cur, with the
// flag, was in the last push: the row itself was, or a row of the pair
// with the flag was, or a row of the last push of the pair marked it.
func (c *comparison) inLast(r int, marks []bool, flag func(lint.Mapping) bool) bool {
	if c.exact[r] || marks[r] {
		return true
	}
	for _, x := range c.index().rowsOf(c.cur.row(r)) {
		if c.exact[x] && flag(c.cur.row(int(x))) {
			return true
		}
	}
	return false
}

// index returns the index of cur's rows, made when first needed: a push
// that changed no row, in the same order, needs none.
func (c *comparison) index() *rowIndex {
	if c.ix == nil {
		c.ix = newRowIndex(c.cur, c.allTeams)
	}
	return c.ix
}

// teamOf numbers a team of the last push for before: cur's index, or a
// number after them; -1 for none.
func (c *comparison) teamOf(id string) int32 {
	if id == "" {
		return -1
	}
	if j := c.cur.findTeam(id); j >= 0 {
		return int32(j)
	}
	j, ok := c.otherTeams[id]
	if !ok {
		j = int32(c.allTeams + len(c.otherTeams))
		c.otherTeams[strings.Clone(id)] = j
	}
	return j
}

// lastTeamName is the name the last push gave team id: cur's, unless it
// was renamed or removed; "" when the last push had no such team.
func (c *comparison) lastTeamName(id string) string {
	if name, ok := c.wasName[id]; ok {
		return name
	}
	if i, ok := c.teamsGone[id]; ok {
		return c.p.Changes.TeamsRemoved[i].Name
	}
	if j := c.cur.findTeam(id); j >= 0 && j < c.teams && c.seenTeam[j] {
		return c.cur.teamName(j)
	}
	return ""
}

// lastUserRef names user id as the last push had it (a user kept), or by
// its id when the last push had no such user.
func (c *comparison) lastUserRef(id string) UserRef {
	if r, ok := c.was[id]; ok {
		return r
	}
	if i := c.cur.findUser(id); i >= 0 && i < c.users && c.seen[i] {
		return ref(c.cur, i)
	}
	return UserRef{ID: strings.Clone(id), Name: strings.Clone(id)}
}

// enter moves the comparison to the list of phase: what the lists
// before it found is made whole first.
func (c *comparison) enter(phase int) {
	for c.phase < phase {
		switch c.phase {
		case 0:
			c.endUsers()
		case 1:
			c.endTeams()
		case 2:
			c.endMappings()
		}
		c.phase++
		c.next = 0
	}
}

// endUsers lists the users added, changed and whose email changed, in
// cur's order.
func (c *comparison) endUsers() {
	p := c.p
	for i := range c.users {
		if c.seen == nil || !c.seen[i] {
			p.Users.Added++
			p.Changes.UsersAdded = append(p.Changes.UsersAdded, ref(c.cur, i))
		}
	}
	for _, f := range sortFound(c.changed) {
		p.Users.Changed++
		f.v.UserRef = ref(c.cur, f.i)
		p.Changes.UsersChanged = append(p.Changes.UsersChanged, f.v)
	}
	for _, f := range sortFound(c.emails) {
		p.EmailChanges++
		f.v.ID, f.v.Name = c.cur.userID(f.i), ref(c.cur, f.i).Name
		p.Changes.EmailChanges = append(p.Changes.EmailChanges, f.v)
	}
	if c.seen != nil && !c.v1 {
		c.exact, c.managed, c.member = make([]bool, c.rows), make([]bool, c.rows), make([]bool, c.rows)
		c.moved = make([]bool, c.users)
	}
}

// endTeams lists the teams added, with their members, and renamed, in
// cur's order.
func (c *comparison) endTeams() {
	p := c.p
	var members []int
	for j := range c.teams {
		if c.seenTeam != nil && c.seenTeam[j] {
			continue
		}
		if members == nil {
			members = make([]int, c.teams)
			for r := range c.rows {
				if m := c.cur.row(r); m.IsMember && m.User >= 0 && m.Team >= 0 && int(m.Team) < c.teams {
					members[m.Team]++
				}
			}
		}
		p.Teams.Added++
		p.Changes.TeamsAdded = append(p.Changes.TeamsAdded, TeamRef{ID: c.cur.teamID(j), Name: c.cur.teamName(j), Members: members[j]})
	}
	for _, f := range sortFound(c.renamed) {
		p.Changes.TeamsRenamed = append(p.Changes.TeamsRenamed, f.v)
	}
}

// endMappings counts the rows added, removed and changed, and lists the
// managers who lose and gain access and the members moved.
func (c *comparison) endMappings() {
	p := c.p
	if c.seen == nil { // a first push: every row is added
		p.Mappings.Added, p.Managers.Added = c.rows, p.Managers.Total
		return
	}
	if c.v1 {
		return // the mappings were compared by their keys (lastKeys)
	}
	var came []hash64
	var now *reach
	for r := range c.rows {
		if c.exact[r] {
			continue
		}
		m := c.cur.row(r)
		came = append(came, c.cur.key(r))
		if m.User < 0 {
			continue
		}
		if m.IsManager && !c.inLast(r, c.managed, isManager) {
			if now == nil {
				now = c.reach()
			}
			team, _, _ := rowIDs(c.cur, r)
			name := ""
			if m.Team >= 0 && int(m.Team) < c.teams {
				name = c.cur.teamName(int(m.Team))
			}
			p.Changes.ManagersGained = append(p.Changes.ManagersGained, ManagerChange{Team: team, TeamName: name, UserRef: ref(c.cur, int(m.User)), People: now.people(m.Team)})
		}
		// Put in a team the last push did not put them in: moved.
		if i := int(m.User); m.IsMember && i < c.users && c.seen[i] && !c.inLast(r, c.member, isMember) {
			c.moved[i] = true
		}
	}
	slices.Sort(c.goneKeys)
	slices.Sort(came)
	p.Mappings.Added, p.Mappings.Removed, p.Mappings.Changed = pairFlags(c.goneKeys, came)
	for k := range c.lost {
		c.lost[k].People = c.before.people(c.lostTeams[k])
	}
	p.Changes.ManagersLost = append(p.Changes.ManagersLost, c.lost...)
	p.Managers.Removed, p.Managers.Added = len(p.Changes.ManagersLost), len(p.Changes.ManagersGained)
	c.moves()
}

// moves lists the users moved, in cur's order: the member teams they had
// in the last push (the teams of the pairs cur has too, and those it has
// not) and those they have now.
func (c *comparison) moves() {
	if !slices.Contains(c.moved, true) {
		return
	}
	from, to := map[int32][]string{}, map[int32][]string{}
	for r := range c.rows {
		m := c.cur.row(r)
		if !m.IsMember || m.User < 0 || int(m.User) >= c.users || !c.moved[m.User] {
			continue
		}
		team, _, _ := rowIDs(c.cur, r)
		to[m.User] = append(to[m.User], team)
		if c.inLast(r, c.member, isMember) {
			from[m.User] = append(from[m.User], team)
		}
	}
	for i := range c.users {
		if !c.moved[i] {
			continue
		}
		a, b := teamSet(append(from[int32(i)], c.wereIn[int32(i)]...)), teamSet(to[int32(i)])
		if !slices.Equal(a, b) {
			c.p.Changes.Moves = append(c.p.Changes.Moves, Move{UserRef: ref(c.cur, i), From: a, To: b})
		}
	}
	c.p.Moves = len(c.p.Changes.Moves)
}

// reach counts the people under each team of cur.
func (c *comparison) reach() *reach {
	r := &reach{}
	for i := range c.rows {
		m := c.cur.row(i)
		r.add(m.Team, m.SubTeam, m.User >= 0, m.IsMember)
	}
	return r
}

// lastKeys compares the mapping rows of a state of version 1, which keeps
// only their keys, sorted.
func (c *comparison) lastKeys(keys []hash64) {
	c.enter(2)
	c.p.Mappings.Previous = len(keys)
	now := make([]hash64, c.rows)
	for r := range c.rows {
		now[r] = c.cur.key(r)
	}
	slices.Sort(now)
	c.p.Mappings.Added, c.p.Mappings.Removed, c.p.Mappings.Changed = diffMappings(keys, now)
}

// plan ends the comparison and returns the plan.
func (c *comparison) plan() *Plan {
	c.enter(3)
	if c.invite {
		c.p.Invites = c.p.Users.Added
	}
	return c.p
}

// sortFound returns fs sorted by cur's index, stably.
func sortFound[T any](fs []found[T]) []found[T] {
	slices.SortStableFunc(fs, func(a, b found[T]) int { return cmp.Compare(a.i, b.i) })
	return fs
}

// teamSet returns the sorted distinct teams, an empty list for none
// (JSON writes [] then).
func teamSet(teams []string) []string {
	slices.Sort(teams)
	return append([]string{}, slices.Compact(teams)...)
}

// diffMappings compares two sorted lists of mapping keys as multisets: a
// key in only one list is added or removed, unless the same row (the
// same key but its flags) is in the other, which makes it changed.
func diffMappings(old, cur []hash64) (added, removed, changed int) {
	var gone, came []hash64
	i, j := 0, 0
	for i < len(old) || j < len(cur) {
		switch {
		case j == len(cur) || i < len(old) && old[i] < cur[j]:
			gone = append(gone, old[i])
			i++
		case i == len(old) || cur[j] < old[i]:
			came = append(came, cur[j])
			j++
		default:
			i++
			j++
		}
	}
	return pairFlags(gone, came)
}

// pairFlags counts the rows of the last push that went (gone) and of
// this one that came (came), both sorted keys: a row of each that differ
// only in their flags is one changed.
func pairFlags(gone, came []hash64) (added, removed, changed int) {
	i, j := 0, 0
	for i < len(gone) && j < len(came) {
		a, b := gone[i]>>2, came[j]>>2
		switch {
		case a < b:
			removed++
			i++
		case b < a:
			added++
			j++
		default:
			changed++
			i++
			j++
		}
	}
	return added + len(came) - j, removed + len(gone) - i, changed
}
