package plan

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/lint"
)

// current is the org about to be sent, whole and indexed, as the
// comparison looks up in it each record of the last push as it comes:
// lint's model of the files with what the planning pass kept of each
// user ([lintOrg]), or a state held whole ([stateOrg], for diff).
//
// Users are numbered as in lint's model: the records of the users file
// first, in file order, then the ids only mapping rows name; teams
// alike. Ids are as written, spaces around them removed; the other
// values are as the body sends them.
type current interface {
	// counts are the records of the users file, of the groups file and
	// of the mapping file.
	counts() (users, teams, rows int)
	// userID is the id of user i; findUser the user of an id, -1 for
	// none.
	userID(i int) string
	findUser(id string) int
	// email and names are the email and names of user i, a record of
	// the users file.
	email(i int) string
	names(i int) (first, last string)
	// userKeys are the keys of a user's values, in the body's order;
	// sameValue reports whether the value of userKeys[k] of user i is v,
	// line is the [lineHash] of user i's values.
	userKeys() []string
	sameValue(i, k int, v string) bool
	line(i int) uint64
	// userRoles are the positions of the id, email and names among the
	// keys (-1 for none).
	userRoles() [4]int
	// object is the hash of user i's object as sent, which a state of
	// version 1 compares.
	object(i int) hash64
	// teamID and teamName are team i's; findTeam the team of an id, -1
	// for none.
	teamID(i int) string
	teamName(i int) string
	findTeam(id string) int
	// row is mapping row r, by the indexes of its team, user and
	// sub-team (-1 for none); key is its [mappingKey].
	row(r int) lint.Mapping
	key(r int) hash64
}

// ref names user i of cur: a record of the users file by its name and
// email, an id only mapping rows name by itself.
func ref(cur current, i int) UserRef {
	id := cur.userID(i)
	if n, _, _ := cur.counts(); i >= n {
		return UserRef{ID: id, Name: id}
	}
	first, last := cur.names(i)
	return UserRef{ID: id, Email: cur.email(i), Name: (&lint.User{ID: id, FirstName: first, LastName: last}).Name()}
}

// rowIDs returns the ids of mapping row r of cur ("" for none).
func rowIDs(cur current, r int) (team, user, sub string) {
	m := cur.row(r)
	if m.Team >= 0 {
		team = cur.teamID(int(m.Team))
	}
	if m.User >= 0 {
		user = cur.userID(int(m.User))
	}
	if m.SubTeam >= 0 {
		sub = cur.teamID(int(m.SubTeam))
	}
	return team, user, sub
}

// stateOrg is a state held whole as the org about to be sent: the new
// side of a diff (its files read, or a state file).
type stateOrg struct {
	st *state
	// users and teams index the ids; extraUsers and extraTeams are the
	// ids only mapping rows name, numbered after the records.
	users, teams           map[string]int32
	extraUsers, extraTeams []string
	rows                   []lint.Mapping
	keys                   []hash64
	// split is the user whose values vals holds, -1 for none.
	split int
	vals  []string
}

// newStateOrg indexes st. An id given to two records is an error: a
// record of the last push could not be told which one it is.
func newStateOrg(st *state) (*stateOrg, error) {
	o := &stateOrg{st: st, users: make(map[string]int32, len(st.Users)), teams: make(map[string]int32, len(st.Teams)), split: -1}
	for i := range st.Users {
		id := st.Users[i].ID
		if _, dup := o.users[id]; dup {
			return nil, fmt.Errorf("user id %q is given to two users", id)
		}
		o.users[id] = int32(i)
	}
	for i, t := range st.Teams {
		if _, dup := o.teams[t.ID]; dup {
			return nil, fmt.Errorf("team id %q is given to two teams", t.ID)
		}
		o.teams[t.ID] = int32(i)
	}
	index := func(id string, m map[string]int32, extra *[]string, base int) int32 {
		if id == "" {
			return -1
		}
		if i, ok := m[id]; ok {
			return i
		}
		i := int32(base + len(*extra))
		*extra = append(*extra, id)
		m[id] = i
		return i
	}
	o.rows, o.keys = make([]lint.Mapping, len(st.Mappings)), make([]hash64, len(st.Mappings))
	for r, m := range st.Mappings {
		o.keys[r] = mappingKey(m.Team, m.User, m.SubTeam, m.Member, m.Manager)
		o.rows[r] = lint.Mapping{
			Team:     index(m.Team, o.teams, &o.extraTeams, len(st.Teams)),
			User:     index(m.User, o.users, &o.extraUsers, len(st.Users)),
			SubTeam:  index(m.SubTeam, o.teams, &o.extraTeams, len(st.Teams)),
			IsMember: m.Member, IsManager: m.Manager, Valid: true,
		}
	}
	return o, nil
}

func (o *stateOrg) counts() (int, int, int) {
	return len(o.st.Users), len(o.st.Teams), len(o.st.Mappings)
}

func (o *stateOrg) userID(i int) string {
	if i < len(o.st.Users) {
		return o.st.Users[i].ID
	}
	return o.extraUsers[i-len(o.st.Users)]
}

func (o *stateOrg) findUser(id string) int {
	if i, ok := o.users[id]; ok {
		return int(i)
	}
	return -1
}

func (o *stateOrg) email(i int) string { return o.st.Users[i].Email }

func (o *stateOrg) names(i int) (first, last string) {
	if o.st.v1() {
		return "", ""
	}
	vals := o.values(i)
	return valueAt(vals, o.st.UserRoles[2]), valueAt(vals, o.st.UserRoles[3])
}

// values returns the values of user i, split and unescaped.
func (o *stateOrg) values(i int) []string {
	if o.split != i {
		o.vals, o.split = splitValues(o.st.Users[i].Values, o.vals[:0]), i
	}
	return o.vals
}

// valueAt returns vals[p], "" for none.
func valueAt(vals []string, p int) string {
	if p < 0 || p >= len(vals) {
		return ""
	}
	return vals[p]
}

func (o *stateOrg) userKeys() []string { return o.st.UserKeys }

func (o *stateOrg) userRoles() [4]int { return o.st.UserRoles }

func (o *stateOrg) sameValue(i, k int, v string) bool { return valueAt(o.values(i), k) == v }

func (o *stateOrg) line(i int) uint64 { return lineHash(o.st.Users[i].Values) }

func (o *stateOrg) object(i int) hash64 { return o.st.Users[i].Hash }

// runSeed seeds the hashes a plan compares within the run and never
// keeps ([hashValue], [lineHash]): the runtime's own string hash, faster
// than [hashBytes], whose hashes a state file keeps and which must give
// the same from one run to the next.
var runSeed = maphash.MakeSeed()

// hashValue hashes a user's value.
func hashValue(v string) uint64 { return maphash.String(runSeed, v) }

// lineHash hashes a user's values as a state keeps them (escaped, joined
// by tabs): two users with the same values by the same keys have the
// same hash. [lineHasher] gives it from the values.
func lineHash(values string) uint64 { return maphash.String(runSeed, values) }

// lineHasher gives the [lineHash] of a user's values without joining
// them.
type lineHasher struct {
	h   maphash.Hash
	buf []byte
}

// sum returns the lineHash of vals.
func (l *lineHasher) sum(vals []string) uint64 {
	l.h.SetSeed(runSeed)
	for i, v := range vals {
		if i > 0 {
			l.h.WriteByte('\t')
		}
		if plainPrefix(v) < len(v) {
			l.buf = appendEscaped(l.buf[:0], v)
			l.h.Write(l.buf)
		} else {
			l.h.WriteString(v)
		}
	}
	return l.h.Sum64()
}

func (o *stateOrg) teamID(i int) string {
	if i < len(o.st.Teams) {
		return o.st.Teams[i].ID
	}
	return o.extraTeams[i-len(o.st.Teams)]
}

func (o *stateOrg) teamName(i int) string { return o.st.Teams[i].Name }

func (o *stateOrg) findTeam(id string) int {
	if i, ok := o.teams[id]; ok {
		return int(i)
	}
	return -1
}

func (o *stateOrg) row(r int) lint.Mapping { return o.rows[r] }

func (o *stateOrg) key(r int) hash64 { return o.keys[r] }

// rowIndex finds the mapping rows of cur that put a user or a sub-team
// into a team: the rows grouped by team, then sorted by what they put in
// (stably: in file order among equal ones), so that a record of the last
// push finds its rows in one binary search instead of a pass over its
// team's rows.
type rowIndex struct {
	cur current
	// start[t] is where team t's rows begin in rows; team -1 (rows
	// without one) is the last group.
	start []int32
	rows  []int32
	// lastTeam and lastIndex remember the last team looked up: the rows
	// of a team come together in a file.
	lastTeam  string
	lastIndex int
}

// target is what row m puts into its team, as a number: user u is 2u, a
// sub-team s 2s+1, none -1. A row that names both is taken by its user.
func target(m *lint.Mapping) int64 {
	switch {
	case m.User >= 0:
		return int64(m.User) << 1
	case m.SubTeam >= 0:
		return int64(m.SubTeam)<<1 | 1
	}
	return -1
}

// newRowIndex indexes the mapping rows of cur; teams is how many teams
// the rows may name (records and ids only the rows name).
func newRowIndex(cur current, teams int) *rowIndex {
	_, _, n := cur.counts()
	ix := &rowIndex{cur: cur, start: make([]int32, teams+2), rows: make([]int32, n), lastIndex: -2}
	group := make([]int32, n)
	tgt := make([]int64, n)
	for r := range n {
		m := cur.row(r)
		g := int32(teams)
		if m.Team >= 0 {
			g = m.Team
		}
		group[r], tgt[r] = g, target(&m)
		ix.start[g+1]++
	}
	for t := 1; t < len(ix.start); t++ {
		ix.start[t] += ix.start[t-1]
	}
	next := slices.Clone(ix.start[:teams+1])
	for r := range n {
		ix.rows[next[group[r]]] = int32(r)
		next[group[r]]++
	}
	for t := range teams + 1 {
		if rows := ix.rows[ix.start[t]:ix.start[t+1]]; len(rows) > 1 {
			slices.SortStableFunc(rows, func(a, b int32) int { return cmp.Compare(tgt[a], tgt[b]) })
		}
	}
	return ix
}

// rowsOf returns the rows of cur that put into m's team what m puts in.
func (ix *rowIndex) rowsOf(m lint.Mapping) []int32 {
	t := len(ix.start) - 2
	if m.Team >= 0 {
		t = int(m.Team)
	}
	return ix.rowsWith(t, target(&m))
}

// rowsWith returns the rows of group t whose target is want.
func (ix *rowIndex) rowsWith(t int, want int64) []int32 {
	rows := ix.rows[ix.start[t]:ix.start[t+1]]
	at := func(i int) int64 {
		m := ix.cur.row(int(rows[i]))
		return target(&m)
	}
	lo, hi := 0, len(rows)
	for lo < hi { // the first row whose target is not below want
		mid := int(uint(lo+hi) >> 1)
		if at(mid) < want {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	end := lo
	for end < len(rows) && at(end) == want {
		end++
	}
	return rows[lo:end]
}

// find returns the rows of cur that put into team (an id, "" for none)
// the user, or else the sub-team, that a row of the last push puts in:
// none when cur does not know them.
func (ix *rowIndex) find(team, user, sub string) []int32 {
	t := len(ix.start) - 2
	if team != "" {
		if team != ix.lastTeam || ix.lastIndex == -2 {
			ix.lastTeam, ix.lastIndex = strings.Clone(team), ix.cur.findTeam(team)
		}
		if t = ix.lastIndex; t < 0 {
			return nil
		}
	}
	want := int64(-1)
	switch {
	case user != "":
		u := ix.cur.findUser(user)
		if u < 0 {
			return nil
		}
		want = int64(u) << 1
	case sub != "":
		s := ix.cur.findTeam(sub)
		if s < 0 {
			return nil
		}
		want = int64(s)<<1 | 1
	}
	return ix.rowsWith(t, want)
}

// reach counts the people a manager of a team sees: the member rows of
// the team and of its sub-teams, each team counted once. Teams are
// numbered by the caller.
type reach struct {
	members []int
	edges   [][2]int32
	subs    [][]int32
	stamp   []int32
	epoch   int32
}

// grow makes room for team t.
func (r *reach) grow(t int32) {
	for int(t) >= len(r.members) {
		r.members = append(r.members, 0)
	}
}

// add counts a mapping row of team t (-1: none, skipped): a member row
// when user is set and member, else a sub-team edge when sub is one.
func (r *reach) add(t, sub int32, user, member bool) {
	switch {
	case t < 0:
	case user && member:
		r.grow(t)
		r.members[t]++
	case sub >= 0:
		r.grow(max(t, sub))
		r.edges = append(r.edges, [2]int32{t, sub})
	}
}

// people returns the member rows under team t.
func (r *reach) people(t int32) int {
	if t < 0 || int(t) >= len(r.members) {
		return 0
	}
	if r.subs == nil {
		r.subs = make([][]int32, len(r.members))
		for _, e := range r.edges {
			r.subs[e[0]] = append(r.subs[e[0]], e[1])
		}
		r.stamp = make([]int32, len(r.members))
	}
	r.epoch++
	n := 0
	stack := []int32{t}
	r.stamp[t] = r.epoch
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n += r.members[x]
		for _, s := range r.subs[x] {
			if r.stamp[s] != r.epoch {
				r.stamp[s] = r.epoch
				stack = append(stack, s)
			}
		}
	}
	return n
}
