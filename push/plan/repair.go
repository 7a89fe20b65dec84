package plan

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/redact"
)

// A state written by an earlier ovsync went through its key filter, which
// put [redact.Mask] in place of every run of pieces of the API key in a
// value: with a key that holds "0001234", the id 0001235 was kept as
// "[redacted]5" and lea.dubois@example.com, for a key that holds
// "dubois", as "lea.[redacted]@example.com". Such a state (its head
// lacks Exact) is read all the same. Before it is compared with the org
// about to be sent, [repair] matches each record that holds the mask with
// the record of the org it can only be, and puts that record's values
// back where the mask stands for them: the plan of an unchanged org then
// shows no change. A record that no value of the org can be was removed
// (it stays, mask and all, and is listed as removed); one that more than
// one could be is unknown: it is left out of the comparison, and so are
// the records that could be it, neither removed nor added. The plan says
// how many records were damaged and how many of them are unknown
// ([Known]); the next push writes the state exactly.
//
// A value of the org can be a damaged one when the damaged one is the
// value with each mask standing for one or more characters ([fits]); when
// the run knows the key, when moreover the key filter gives the damaged
// value from it ([matcher.same]), which tells apart the values that merely
// have the same shape.

// repairStats counts the records of a state that held the mask: Damaged
// of them, Unknown of those that could not be matched.
type repairStats struct {
	Damaged, Unknown int
}

// errTooDamaged stops a plan against a state too damaged to match in
// bounded time: a hostile file, or one of another org.
var errTooDamaged = errors.New("the state file holds too many values masked by the key filter of an earlier ovsync to match them with the files")

// maxRepairWork bounds the comparisons of [repair]: this many per record
// of both sides, plus a constant.
const maxRepairWork = 64

// matcher decides whether a value of the org can be a damaged one.
type matcher struct {
	keys *redact.Redactor // the run's keys: nil or empty when unknown
	work int              // comparisons left
}

// same reports whether s can be the damaged value d: it fits, and when
// the run knows a key, the key filter gives d from s.
func (m *matcher) same(d, s string) bool {
	if !fits(d, s) {
		return false
	}
	return m.keys.Empty() || m.keys.String(s) == d
}

// spend counts n comparisons, and fails once the work is over its bound.
func (m *matcher) spend(n int) error {
	if m.work -= n; m.work < 0 {
		return errTooDamaged
	}
	return nil
}

// candidates finds, among the ids of the org that no id of the state
// holds exactly (left, sorted, and rev, the same reversed and sorted),
// those that fit the damaged id d, through its text before the first
// mask or after the last.
func (m *matcher) candidates(d string, left, rev []keyed) ([]int, error) {
	parts := strings.Split(d, redact.Mask)
	head, tail := parts[0], parts[len(parts)-1]
	var from []keyed
	switch {
	case head != "":
		from = prefixed(left, head)
	case tail != "":
		from = prefixed(rev, reverse(tail))
	default:
		from = left
	}
	if err := m.spend(len(from)); err != nil {
		return nil, err
	}
	var out []int
	for _, k := range from {
		if fits(d, k.orig) {
			out = append(out, k.i)
		}
	}
	return out, nil
}

// keyed is an id of the org (or its reverse, key) with its index.
type keyed struct {
	key, orig string
	i         int
}

// prefixed returns the elements of sorted whose key starts with p.
func prefixed(sorted []keyed, p string) []keyed {
	lo, _ := slices.BinarySearchFunc(sorted, p, func(k keyed, p string) int { return strings.Compare(k.key, p) })
	hi := lo
	for hi < len(sorted) && strings.HasPrefix(sorted[hi].key, p) {
		hi++
	}
	return sorted[lo:hi]
}

// reverse reverses the bytes of s: ids are compared byte by byte.
func reverse(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}

// outcome is what became of a damaged record of the state.
type outcome int

const (
	removed outcome = iota // no record of the org can be it
	matched                // one record of the org is it
	unknown                // more than one could be
)

// idMatch is the matching of the damaged ids of one kind of record.
type idMatch struct {
	// of says, by index in the state, what became of each record with a
	// damaged id, and to holds the index in the org of a matched one.
	of map[int]outcome
	to map[int]int
	// maybe are the records of the org that an unknown one could be;
	// rowsOf those that a matched one is, but whose damaged id another
	// record of the state holds too, so that the mapping rows naming it
	// cannot tell which.
	maybe, rowsOf map[int]bool
	// ids maps a damaged id to the org's id it stands for, when one
	// record of the state holds that damaged id and it was matched; a
	// damaged id of an unknown record maps to "", one of a removed
	// record is absent.
	ids map[string]string
}

// matchIDs matches the damaged ids of a state (prev) with the ids of the
// org (cur); rest, if not nil, tells apart the candidates of one damaged
// record by its other values.
func (m *matcher) matchIDs(prev, cur []string, rest func(p, c int) bool) (*idMatch, error) {
	r := &idMatch{of: map[int]outcome{}, to: map[int]int{}, maybe: map[int]bool{}, rowsOf: map[int]bool{}, ids: map[string]string{}}
	var bad []int
	count := map[string]int{}
	for i, id := range prev {
		if damaged(id) {
			bad = append(bad, i)
			count[id]++
		}
	}
	if len(bad) == 0 {
		return r, nil
	}
	exact := make(map[string]bool, len(prev))
	for _, id := range prev {
		if !damaged(id) {
			exact[id] = true
		}
	}
	var left, rev []keyed
	for i, id := range cur {
		if !exact[id] {
			left = append(left, keyed{id, id, i})
			rev = append(rev, keyed{reverse(id), id, i})
		}
	}
	cmpKey := func(a, b keyed) int { return strings.Compare(a.key, b.key) }
	slices.SortFunc(left, cmpKey)
	slices.SortFunc(rev, cmpKey)
	taken := map[int]bool{}
	for _, p := range bad {
		d := prev[p]
		fit, err := m.candidates(d, left, rev)
		if err != nil {
			return nil, err
		}
		fit = slices.DeleteFunc(fit, func(c int) bool { return taken[c] })
		if len(fit) == 0 {
			r.of[p] = removed
			continue
		}
		// The key, when known, tells apart the ids of the same shape.
		cands := fit
		if !m.keys.Empty() {
			if strong := slices.DeleteFunc(slices.Clone(fit), func(c int) bool { return !m.same(d, cur[c]) }); len(strong) > 0 {
				cands = strong
			}
		}
		if len(cands) > 1 && rest != nil {
			if err := m.spend(len(cands)); err != nil {
				return nil, err
			}
			if by := slices.DeleteFunc(slices.Clone(cands), func(c int) bool { return !rest(p, c) }); len(by) > 0 {
				cands = by
			}
		}
		if len(cands) == 1 {
			r.of[p], r.to[p] = matched, cands[0]
			taken[cands[0]] = true
			if count[d] == 1 {
				r.ids[d] = cur[cands[0]]
			} else {
				r.ids[d] = ""
				r.rowsOf[cands[0]] = true
			}
			continue
		}
		r.of[p] = unknown
		r.ids[d] = ""
		for _, c := range cands {
			r.maybe[c] = true
		}
	}
	for c := range taken {
		delete(r.maybe, c)
	}
	return r, nil
}

// repair matches the damaged records of prev, a state written through
// the key filter of an earlier ovsync, with those of cur, the org about
// to be sent, in place: see the comment at the top of this file. keys are
// the run's keys (nil: not known). A state written exactly is left as it
// is.
func repair(prev, cur *state, keys *redact.Redactor) (repairStats, error) {
	var st repairStats
	if prev == nil || prev.Exact || !prev.masked() {
		return st, nil
	}
	m := &matcher{keys: keys, work: maxRepairWork*(len(prev.Users)+len(cur.Users)+len(prev.Teams)+len(cur.Teams)+len(prev.Mappings)) + 1<<16}
	m.repairKeys(prev, cur)
	users, err := m.repairUsers(prev, cur, &st)
	if err != nil {
		return st, err
	}
	teams, err := m.repairTeams(prev, cur, &st)
	if err != nil {
		return st, err
	}
	repairRows(prev, cur, users, teams, &st)
	prev.Counts = [3]int{len(prev.Users), len(prev.Teams), len(prev.Mappings)}
	return st, nil
}

// repairUsers matches the damaged users of prev by id, the candidates of
// one damaged id told apart by their other values: see repairRecords.
func (m *matcher) repairUsers(prev, cur *state, st *repairStats) (*idMatch, error) {
	users, match, err := repairRecords(m, prev.Users, cur.Users, records[stateUser]{
		id:      func(u *stateUser) string { return u.ID },
		damaged: func(u *stateUser) bool { return damaged(u.ID) || damaged(u.Email) || damaged(u.Values) },
		alike:   func(p, c int) bool { return m.sameUser(prev, p, cur, c) },
		heal:    func(u *stateUser, c int) { m.healUser(prev, u, cur, c) },
	}, st)
	prev.Users = users
	return match, err
}

// repairTeams matches the damaged teams of prev by id, the candidates
// told apart by their names: see repairRecords.
func (m *matcher) repairTeams(prev, cur *state, st *repairStats) (*idMatch, error) {
	teams, match, err := repairRecords(m, prev.Teams, cur.Teams, records[stateTeam]{
		id:      func(t *stateTeam) string { return t.ID },
		damaged: func(t *stateTeam) bool { return damaged(t.ID) || damaged(t.Name) },
		alike:   func(p, c int) bool { return m.same(prev.Teams[p].Name, cur.Teams[c].Name) },
		heal: func(t *stateTeam, c int) {
			t.ID = cur.Teams[c].ID
			if m.same(t.Name, cur.Teams[c].Name) {
				t.Name = cur.Teams[c].Name
			}
		},
	}, st)
	prev.Teams = teams
	return match, err
}

// records says how [repairRecords] reads one kind of record.
type records[T any] struct {
	// id is a record's id; damaged reports whether it holds the mask.
	id      func(r *T) string
	damaged func(r *T) bool
	// alike tells apart the candidates of record p of the state: it
	// reports whether record c of the org can be it.
	alike func(p, c int) bool
	// heal gives a damaged record the values of record c of the org
	// where its masks stand for them.
	heal func(r *T, c int)
}

// repairRecords matches the damaged records of one kind of the state
// (prev) with the org's (cur) by id, and returns the records the state
// keeps, with the matching: the records without a mask as they are, a
// damaged one healed from the org's record it is (the one of its id, or
// the one it was matched with), or left as it is when none is (it was
// removed); an unknown one is left out, and the org's records it could
// be are taken as they are, so that they are neither removed nor added.
func repairRecords[T any](m *matcher, prev, cur []T, k records[T], st *repairStats) ([]T, *idMatch, error) {
	prevIDs, curIDs := make([]string, len(prev)), make([]string, len(cur))
	for i := range prev {
		prevIDs[i] = k.id(&prev[i])
	}
	curIndex := make(map[string]int, len(cur))
	for i := range cur {
		curIDs[i] = k.id(&cur[i])
		curIndex[curIDs[i]] = i
	}
	match, err := m.matchIDs(prevIDs, curIDs, k.alike)
	if err != nil {
		return prev, nil, err
	}
	var keep []T
	for p := range prev {
		r := prev[p]
		if !k.damaged(&r) {
			keep = append(keep, r)
			continue
		}
		st.Damaged++
		c, ok := curIndex[k.id(&r)]
		switch match.of[p] {
		case matched:
			c, ok = match.to[p], true
		case unknown:
			st.Unknown++
			continue
		}
		if ok {
			k.heal(&r, c)
		}
		keep = append(keep, r)
	}
	for c := range cur {
		if match.maybe[c] {
			keep = append(keep, cur[c])
		}
	}
	return keep, match, nil
}

// repairRows gives the damaged mapping rows of prev the ids the users'
// and teams' damaged ids stood for. A row that names an unknown record
// is unknown too, and the rows of cur that name a record an unknown one
// could be are taken as they are.
func repairRows(prev, cur *state, users, teams *idMatch, st *repairStats) {
	resolve := func(v string, ids map[string]string) (string, bool) {
		if !damaged(v) {
			return v, true
		}
		id, ok := ids[v]
		switch {
		case !ok:
			return v, true // a removed record's: the row goes too
		case id == "":
			return "", false
		}
		return id, true
	}
	var keep []stateMapping
	for _, r := range prev.Mappings {
		if !damaged(r.Team) && !damaged(r.User) && !damaged(r.SubTeam) {
			keep = append(keep, r)
			continue
		}
		st.Damaged++
		var ok1, ok2, ok3 bool
		r.Team, ok1 = resolve(r.Team, teams.ids)
		r.User, ok2 = resolve(r.User, users.ids)
		r.SubTeam, ok3 = resolve(r.SubTeam, teams.ids)
		if !ok1 || !ok2 || !ok3 {
			st.Unknown++
			continue
		}
		keep = append(keep, r)
	}
	maybeUser, maybeTeam := map[string]bool{}, map[string]bool{}
	for _, c := range slices.Concat(slices.Collect(maps.Keys(users.maybe)), slices.Collect(maps.Keys(users.rowsOf))) {
		maybeUser[cur.Users[c].ID] = true
	}
	for _, c := range slices.Concat(slices.Collect(maps.Keys(teams.maybe)), slices.Collect(maps.Keys(teams.rowsOf))) {
		maybeTeam[cur.Teams[c].ID] = true
	}
	if len(maybeUser)+len(maybeTeam) > 0 {
		for _, r := range cur.Mappings {
			if maybeUser[r.User] || maybeTeam[r.Team] || maybeTeam[r.SubTeam] {
				keep = append(keep, r)
			}
		}
	}
	prev.Mappings = keep
}

// masked reports whether any value of the state holds the mask; the
// state's text is read once.
func (st *state) masked() bool {
	for i := range st.Users {
		if u := &st.Users[i]; damaged(u.ID) || damaged(u.Email) || damaged(u.Values) {
			return true
		}
	}
	for _, t := range st.Teams {
		if damaged(t.ID) || damaged(t.Name) {
			return true
		}
	}
	for _, m := range st.Mappings {
		if damaged(m.Team) || damaged(m.User) || damaged(m.SubTeam) {
			return true
		}
	}
	return slices.ContainsFunc(st.UserKeys, damaged)
}

// repairKeys puts back the user keys (column names) of the state that
// hold the mask, each from the one key of the org it can be.
func (m *matcher) repairKeys(prev, cur *state) {
	for i, k := range prev.UserKeys {
		if !damaged(k) {
			continue
		}
		var found []string
		for _, c := range cur.UserKeys {
			if !slices.Contains(prev.UserKeys, c) && m.same(k, c) {
				found = append(found, c)
			}
		}
		if len(found) == 1 {
			prev.UserKeys = slices.Clone(prev.UserKeys)
			prev.UserKeys[i] = found[0]
		}
	}
}

// userValues returns the values of user i of st by key, escaped.
func userValues(st *state, i int) map[string]string {
	vals := strings.Split(st.Users[i].Values, "\t")
	out := make(map[string]string, len(vals))
	for j, k := range st.UserKeys {
		if j < len(vals) {
			out[k] = vals[j]
		}
	}
	return out
}

// sameUser reports whether user c of the org can be the damaged user p
// of the state: its email and every value of a key both have.
func (m *matcher) sameUser(prev *state, p int, cur *state, c int) bool {
	if !m.same(prev.Users[p].Email, cur.Users[c].Email) {
		return false
	}
	if prev.v1() {
		return true
	}
	a, b := userValues(prev, p), userValues(cur, c)
	for k, v := range a {
		if w, ok := b[k]; ok && !m.same(v, w) {
			return false
		}
	}
	return true
}

// healUser gives the damaged user u of the state the values of user c
// of the org where its masks stand for them: its id, its email, and each
// value of a key both have. A value that the org's cannot be stays, and
// is then a change.
func (m *matcher) healUser(prev *state, u *stateUser, cur *state, c int) {
	w := &cur.Users[c]
	if damaged(u.ID) {
		u.ID = w.ID
	}
	if damaged(u.Email) && m.same(u.Email, w.Email) {
		u.Email = w.Email
	}
	if prev.v1() || !damaged(u.Values) {
		return
	}
	vals := strings.Split(u.Values, "\t")
	theirs := userValues(cur, c)
	for j, k := range prev.UserKeys {
		if j < len(vals) && damaged(vals[j]) {
			if v, ok := theirs[k]; ok && m.same(vals[j], v) {
				vals[j] = v
			}
		}
	}
	u.Values = strings.Join(vals, "\t")
}
