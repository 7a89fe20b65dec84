package push

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// Defaults of the guards that the command uses for its flags.
const (
	// DefaultMaxRemovals is the share of the previous users a push may
	// remove without --yes.
	DefaultMaxRemovals = "10%"
	// MinRemovals is the least a share of users allows, so that a small
	// org can lose a few people without --yes.
	MinRemovals = 5
	// DefaultMaxTeamRemovals is the share of the previous teams a push
	// may delete without --yes.
	DefaultMaxTeamRemovals = "10%"
	// MinTeamRemovals is the least a share of teams allows.
	MinTeamRemovals = 3
	// DefaultMaxManagerChanges is the share of the previous managers
	// (manager rows) that may lose access to a team without --yes.
	DefaultMaxManagerChanges = "10%"
	// MinManagerChanges is the least a share of managers allows.
	MinManagerChanges = 3
	// DefaultMaxInvites is how many invitations a push may send without
	// --yes when InviteNewUsers is true.
	DefaultMaxInvites = 50
)

// Limit is a maximum number of changes: a count ("12") or a share of
// what the last push sent ("10%"). The zero Limit allows none.
type Limit struct {
	// Count is the maximum when Percent is false.
	Count int
	// Share is the percentage of the previous count when Percent is true.
	Share float64
	// Percent says which of Count and Share applies.
	Percent bool
}

// ParseLimit reads "N" or "P%" (0 to 100, decimals allowed).
func ParseLimit(s string) (Limit, error) {
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || v > 100 || math.IsNaN(v) {
			return Limit{}, fmt.Errorf("%q is not a share: want a percentage from 0%% to 100%%, e.g. 10%%", s)
		}
		return Limit{Share: v, Percent: true}, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 {
		return Limit{}, fmt.Errorf("%q is not a count or a share: want N (e.g. 25) or P%% (e.g. 10%%)", s)
	}
	return Limit{Count: n}, nil
}

// Allowed returns the most changes the limit allows out of previous: the
// count, or the share rounded down but never less than least.
func (l Limit) Allowed(previous, least int) int {
	if !l.Percent {
		return l.Count
	}
	return max(least, int(math.Floor(float64(previous)*l.Share/100)))
}

// String writes the limit as ParseLimit reads it.
func (l Limit) String() string {
	if l.Percent {
		return strconv.FormatFloat(l.Share, 'f', -1, 64) + "%"
	}
	return strconv.Itoa(l.Count)
}

// PlanVersion is the version of a plan's JSON form.
const PlanVersion = 1

// Plan is what a push changes in Officevibe, compared with what the last
// successful push sent (the state file), or what changes between two
// orgs (diff). Officevibe may have changed since, by hand or by another
// tool: the plan is what ovsync knows. Its JSON form is what
// "ovsync plan -o" writes and "ovsync push --plan" applies.
type Plan struct {
	// Version is [PlanVersion].
	Version int `json:"version"`
	// Protocol is the name of the protocol the push speaks.
	Protocol string `json:"protocol"`
	// Old and New are the two sides of a diff, as displayed.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Target is where the push goes (none for a diff).
	Target Target `json:"target,omitzero"`
	// Inputs are the files the plan was made from, with their digests.
	Inputs []Input `json:"inputs"`
	// State is the state file compared with; its SHA256 is "" when there
	// was none (a first push).
	State Input `json:"state"`
	// First is set when there is no record of the last push to the
	// target (no state file, or one of another target): what Officevibe
	// holds is not known, so removals are not counted and every user
	// counts as added.
	First bool `json:"first"`
	// OtherTarget is the push the state file records when it is another
	// target's ("a legacy push to https://app.officevibe.com"); "" when
	// there is no state file, or it is this target's.
	OtherTarget string `json:"otherTarget,omitempty"`
	// PreviousPush is when the state was written (zero when First).
	PreviousPush time.Time `json:"previousPush,omitzero"`
	// Users, Teams and Mappings count the changes. A changed user is one
	// whose values changed; a changed team was renamed; a changed mapping
	// kept its team and member but not its flags.
	Users    Count `json:"users"`
	Teams    Count `json:"teams"`
	Mappings Count `json:"mappings"`
	// Managers counts the (team, manager) pairs: Added are managers who
	// gain access to a team's results, Removed those who lose it and are
	// still users (removed users are counted as removals).
	Managers Count `json:"managers"`
	// EmailChanges counts the users whose email changed; Moves those
	// whose member teams changed.
	EmailChanges int `json:"emailChanges"`
	Moves        int `json:"moves"`
	// Invites counts the invitations the push sends: the new users when
	// InviteNewUsers is true, else 0; always 0 with the provisioning
	// protocol, which sends no settings.
	Invites int `json:"invites"`
	// Unchanged is set when the body is the same as the last push's.
	Unchanged bool `json:"unchanged"`
	// Bytes and Digest ("sha256:HEX") describe the body ("" for a diff).
	Bytes  int64  `json:"bytes,omitempty"`
	Digest string `json:"digest,omitempty"`
	// Changes lists every change.
	Changes Changes `json:"changes"`
	// Guards are the reasons a push with the options the plan was made
	// with would stop (exit status 5, nothing sent) unless accepted, one
	// sentence per guard that trips; none for a diff.
	Guards []string `json:"guards"`
	// Known says what the state could tell: a state file of version 1
	// knows neither the fields of a user nor who manages which team.
	Known Known `json:"known"`

	// StateFile is the state file as displayed (also State.Path).
	StateFile string `json:"-"`
	// Notes are what the protocol says before anything is sent, a line
	// each: with the successor, where invitations are decided and that
	// its risk thresholds may pause the sync.
	Notes []string `json:"-"`
	// Mode is the first line's word: "PLAN", "DRY RUN", "PUSH" or "DIFF".
	Mode string `json:"-"`
	// source is the plan file it was read from, as displayed.
	source string
	// noRecord is set when Guards starts with the guard of a push
	// without a record, which --first-push accepts.
	noRecord bool

	// red is the redactor of the run that made the plan, which knows its
	// keys; WritePlanFile writes through its guard.
	red *redact.Redactor
}

// Target is where a push goes.
type Target struct {
	// URL is the service's URL; Host its host.
	URL  string `json:"url"`
	Host string `json:"host"`
}

// Input is one file a plan was made from.
type Input struct {
	// Role is "config", "users", "groups", "mapping" or "state".
	Role string `json:"role"`
	// Path is the file as displayed.
	Path string `json:"path"`
	// SHA256 is the hex digest of the file's bytes.
	SHA256 string `json:"sha256"`
}

// Known says which parts of a plan the state could tell.
type Known struct {
	// Fields is set when the changed fields of users are known.
	Fields bool `json:"fields"`
	// Mappings is set when managers and moves are known.
	Mappings bool `json:"mappings"`
	// Damaged counts the records (users, teams, mapping rows) of a state
	// written by an earlier ovsync whose key filter masked parts of their
	// values; they are matched with the files by what they still show.
	// Unknown counts those of them that could not be: they are neither
	// removed nor added, nor are the records of the files they could be.
	Damaged int `json:"damaged,omitempty"`
	Unknown int `json:"unknown,omitempty"`
}

// Count is the changes of one kind of element.
type Count struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
	// Total is the count in this push, Previous in the last one.
	Total    int `json:"total"`
	Previous int `json:"previous"`
}

// Changes are every change of a plan, each list in file order (of the
// last push for what goes, of this one for the rest).
type Changes struct {
	UsersRemoved   []UserRef       `json:"usersRemoved"`
	ManagersLost   []ManagerChange `json:"managersLost"`
	EmailChanges   []EmailChange   `json:"emailChanges"`
	TeamsRemoved   []TeamRef       `json:"teamsRemoved"`
	UsersAdded     []UserRef       `json:"usersAdded"`
	TeamsAdded     []TeamRef       `json:"teamsAdded"`
	ManagersGained []ManagerChange `json:"managersGained"`
	TeamsRenamed   []TeamRename    `json:"teamsRenamed"`
	UsersChanged   []UserChange    `json:"usersChanged"`
	Moves          []Move          `json:"moves"`
}

// UserRef names a user.
type UserRef struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// UserChange is a user whose values changed; Fields are the keys of the
// values that did (nil when the state does not know them).
type UserChange struct {
	UserRef
	Fields []string `json:"fields"`
}

// EmailChange is a user whose email changed, the id kept.
type EmailChange struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
}

// TeamRef names a team; Members counts its member rows (of the last push
// for a removed team).
type TeamRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Members int    `json:"members"`
}

// TeamRename is a team whose name changed.
type TeamRename struct {
	ID   string `json:"id"`
	From string `json:"from"`
	To   string `json:"to"`
}

// ManagerChange is a manager who gains or loses access to a team's
// results. People counts the members they see(saw) there: the team's and
// its sub-teams' member rows.
type ManagerChange struct {
	Team     string `json:"team"`
	TeamName string `json:"teamName"`
	UserRef
	People int `json:"people"`
}

// Move is a user (kept) whose member teams changed.
type Move struct {
	UserRef
	From []string `json:"from"`
	To   []string `json:"to"`
}

// comparePlan compares the org about to be sent (cur) with the state of
// the last push (prev, nil for a first push), as package lint read it.
func comparePlan(prev, cur *state, invite bool) *Plan {
	p := &Plan{Version: PlanVersion, First: prev == nil, Guards: []string{}}
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
		members := memberCounts(cur)
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
	added, removed := compareUsers(p, prev, cur)
	compareTeams(p, prev, cur)
	compareMappings(p, prev, cur, added, removed)
	if invite {
		p.Invites = p.Users.Added
	}
	return p
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

// compareUsers finds the users added, removed and changed, and the email
// changes. It returns the ids of the users added and removed.
func compareUsers(p *Plan, prev, cur *state) (added, removed map[string]bool) {
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
			if fields := changedFields(prev.UserKeys, a, cur.UserKeys, b); len(fields) > 0 {
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

// changedFields returns the keys whose values differ between two users,
// in the order of the new keys, then the keys that only the old one had.
// A key on one side only counts when its value there is not empty.
func changedFields(oldKeys, oldVals, newKeys, newVals []string) []string {
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

// memberCounts counts the member rows of each team of st, by index.
func memberCounts(st *state) []int {
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

// compareTeams finds the teams added, removed (with their members) and
// renamed.
func compareTeams(p *Plan, prev, cur *state) {
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
				curMembers = memberCounts(cur)
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
			prevMembers = memberCounts(prev)
		}
		t := prev.Teams[j]
		p.Teams.Removed++
		p.Changes.TeamsRemoved = append(p.Changes.TeamsRemoved, TeamRef{ID: t.ID, Name: t.Name, Members: prevMembers[j]})
	}
}

// mappingKeys returns the sorted [mappingKey] values of a state's rows.
func (st *state) mappingKeys() []hash64 {
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

// pairRef is a (team, user) pair of a mapping row, by hash, with the row.
type pairRef struct {
	key uint64
	row int32
}

// pairs returns the rows of st that keep(filter) as (first, second)
// pairs sorted by their hash.
func pairs(st *state, keep func(m *stateMapping) bool, first, second func(m *stateMapping) string) []pairRef {
	var out []pairRef
	for i := range st.Mappings {
		m := &st.Mappings[i]
		if keep(m) {
			out = append(out, pairRef{key: hashBytes(hashBytes(hashSeed, first(m))^3, second(m)), row: int32(i)})
		}
	}
	slices.SortFunc(out, func(a, b pairRef) int {
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

// mergePairs walks two sorted pair lists and calls onlyA and onlyB with
// the rows of keys that are in one list only.
func mergePairs(a, b []pairRef, onlyA, onlyB func(row int32)) {
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

// compareMappings counts the mapping rows added, removed and changed,
// and finds the managers who gain or lose access and the members moved.
// Rows are compared by sorted hashes; only the few users and teams a
// change names are looked up.
func compareMappings(p *Plan, prev, cur *state, added, removed map[string]bool) {
	p.Mappings.Added, p.Mappings.Removed, p.Mappings.Changed = diffMappings(prev.mappingKeys(), cur.mappingKeys())
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
	mergePairs(pairs(prev, isManager, team, user), pairs(cur, isManager, team, user),
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
	mergePairs(pairs(prev, isMember, user, team), pairs(cur, isMember, user, team), note(prev), note(cur))

	prevNames, curNames := lookup{}, lookup{}
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
		people := newReach(prev)
		slices.Sort(lost)
		for _, row := range lost {
			m := &prev.Mappings[row]
			p.Changes.ManagersLost = append(p.Changes.ManagersLost, ManagerChange{Team: m.Team, TeamName: prevNames.teams[m.Team], UserRef: prevNames.user(m.User), People: people.people(m.Team)})
		}
	}
	if len(gained) > 0 {
		people := newReach(cur)
		slices.Sort(gained)
		for _, row := range gained {
			m := &cur.Mappings[row]
			p.Changes.ManagersGained = append(p.Changes.ManagersGained, ManagerChange{Team: m.Team, TeamName: curNames.teams[m.Team], UserRef: curNames.user(m.User), People: people.people(m.Team)})
		}
	}
	p.Managers.Removed, p.Managers.Added = len(p.Changes.ManagersLost), len(p.Changes.ManagersGained)

	if len(moved) > 0 {
		from, to := memberTeams(prev, moved), memberTeams(cur, moved)
		for i := range cur.Users {
			u := &cur.Users[i]
			if !moved[u.ID] {
				continue
			}
			if a, b := from[u.ID], to[u.ID]; !slices.Equal(a, b) {
				p.Changes.Moves = append(p.Changes.Moves, Move{UserRef: curNames.user(u.ID), From: orEmpty(a), To: orEmpty(b)})
			}
		}
	}
	p.Moves = len(p.Changes.Moves)
}

// lookup finds the names of a few teams and users of a state in one
// pass over it.
type lookup struct {
	teams map[string]string
	users map[string]UserRef
}

// want asks for a team and a user ("" for none).
func (l *lookup) want(team, user string) {
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
func (l *lookup) fill(st *state) {
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
func (l *lookup) user(id string) UserRef {
	if r, ok := l.users[id]; ok {
		return r
	}
	return UserRef{ID: id, Name: id}
}

// orEmpty returns s, or an empty list for nil (JSON writes [] then).
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// memberTeams returns the sorted member teams of the users of st that
// only names.
func memberTeams(st *state, only map[string]bool) map[string][]string {
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

// reach counts the people a manager of a team sees: the member rows of
// the team and of its sub-teams, each team counted once.
type reach struct {
	index   map[string]int32
	members []int
	subs    [][]int32
	stamp   []int32
	epoch   int32
}

func newReach(st *state) *reach {
	r := &reach{index: make(map[string]int32, len(st.Teams))}
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
func (r *reach) people(id string) int {
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
