package push

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ovsync/ovsync/internal/table"
	"github.com/ovsync/ovsync/lint"
)

// Defaults of the guards that the command uses for its flags.
const (
	// DefaultMaxRemovals is the share of the previous users a push may
	// remove without --yes.
	DefaultMaxRemovals = "10%"
	// MinRemovals is the least a share allows, so that a small org can
	// lose a few people without --yes.
	MinRemovals = 5
	// DefaultMaxInvites is how many invitations a push may send without
	// --yes when InviteNewUsers is true.
	DefaultMaxInvites = 50
)

// Limit is a maximum number of removals: a count ("12") or a share of the
// previous users ("10%"). The zero Limit allows none.
type Limit struct {
	// Count is the maximum when Percent is false.
	Count int
	// Share is the percentage of the previous users when Percent is true.
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

// Allowed returns the most removals the limit allows out of previous
// users: the count, or the share rounded down but never less than
// [MinRemovals].
func (l Limit) Allowed(previous int) int {
	if !l.Percent {
		return l.Count
	}
	return max(MinRemovals, int(math.Floor(float64(previous)*l.Share/100)))
}

// String writes the limit as ParseLimit reads it.
func (l Limit) String() string {
	if l.Percent {
		return strconv.FormatFloat(l.Share, 'f', -1, 64) + "%"
	}
	return strconv.Itoa(l.Count)
}

// Plan is what a push changes in Officevibe, compared with what the last
// successful push sent (the state file). Officevibe may have changed
// since, by hand or by another tool: the plan is what ovsync knows.
type Plan struct {
	// First is set when there is no state: what Officevibe holds is not
	// known, so removals are not counted and every user counts as added.
	First bool
	// StateFile is the state file compared with, as displayed.
	StateFile string
	// PreviousPush is when the state was written (zero when First).
	PreviousPush time.Time
	// Users, Teams and Mappings count the changes. A changed user is one
	// whose values changed; a changed team was renamed; a changed mapping
	// kept its team and member but not its flags.
	Users, Teams, Mappings Count
	// Removed lists the first removed users, as "email (id)".
	Removed []string
	// EmailChanges counts the users whose email changed, and
	// EmailChanged lists the first, as "old → new (id)": Officevibe keys
	// members by email, so the member may be replaced rather than updated.
	EmailChanges int
	EmailChanged []string
	// Invites counts the invitations the push sends: the new users when
	// InviteNewUsers is true, else 0; always 0 with the provisioning
	// protocol, which sends no settings.
	Invites int
	// Unchanged is set when the body is the same as the last push's.
	Unchanged bool
	// Protocol is the name of the protocol the push speaks.
	Protocol string
	// Notes are what the protocol says before anything is sent, a line
	// each: with the successor, where invitations are decided and that
	// its risk thresholds may pause the sync.
	Notes []string
	// Bytes and Digest ("sha256:HEX") describe the body.
	Bytes  int64
	Digest string
}

// Count is the changes of one kind of element.
type Count struct {
	Added, Removed, Changed int
	// Total is the count in this push, Previous in the last one.
	Total, Previous int
}

// maxPlanList caps the users a plan lists by name.
const maxPlanList = 10

// collector is told of each user and mapping while the planning pass
// writes the body, and keeps a hash of each.
type collector struct {
	org      *lint.Org
	users    []hash64 // by index of org.Users
	mappings []hash64
}

func newCollector(org *lint.Org) *collector {
	return &collector{org: org, users: make([]hash64, len(org.Users)), mappings: make([]hash64, 0, len(org.Mappings))}
}

func (c *collector) user(id string, obj []byte) {
	if i, ok := c.org.UserIndex(strings.TrimSpace(id)); ok {
		c.users[i] = hash64(hashBytes(hashSeed, obj))
	}
}

func (c *collector) mapping(team, user, sub string, member, manager bool) {
	c.mappings = append(c.mappings, mappingKey(team, user, sub, member, manager))
}

// mappingKey identifies a mapping row: a hash of its team, user and
// sub-team in the high 62 bits, its flags in the low two, so that sorted
// keys put a row's old and new flags side by side.
func mappingKey(team, user, sub string, member, manager bool) hash64 {
	h := hashBytes(hashSeed, team)
	h = hashBytes(h^1, user)
	h = hashBytes(h^2, sub)
	h &^= 3
	if member {
		h |= 1
	}
	if manager {
		h |= 2
	}
	return hash64(h)
}

// hashSeed starts every hash.
const hashSeed = 0x9E3779B97F4A7C15

// hashBytes hashes b eight bytes at a time with a multiply-xorshift
// round and a final mix (MurmurHash3's fmix64): fast on a million users,
// and stable across runs and platforms, as the state file needs. It is no
// defence against a crafted collision, which would only hide a change
// from the plan.
func hashBytes[T string | []byte](h uint64, b T) uint64 {
	h ^= uint64(len(b)) * 0xff51afd7ed558ccd
	for ; len(b) >= 8; b = b[8:] {
		w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		h = (h ^ w) * 0x9E3779B97F4A7C15
		h ^= h >> 29
	}
	for i := 0; i < len(b); i++ {
		h = (h ^ uint64(b[i])) * 0x100000001b3
	}
	return fmix64(h)
}

// fmix64 is MurmurHash3's finaliser.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// makePlan compares the org about to be sent with the state of the last
// push (nil for a first push).
func makePlan(org *lint.Org, c *collector, prev *state, invite bool) *Plan {
	p := &Plan{First: prev == nil}
	slices.Sort(c.mappings)
	declaredUsers, declaredTeams := 0, 0
	for i := range org.Users {
		if org.Users[i].Declared {
			declaredUsers++
		}
	}
	for i := range org.Teams {
		if org.Teams[i].Declared {
			declaredTeams++
		}
	}
	p.Users.Total, p.Teams.Total, p.Mappings.Total = declaredUsers, declaredTeams, len(c.mappings)
	if prev == nil {
		p.Users.Added, p.Teams.Added, p.Mappings.Added = declaredUsers, declaredTeams, len(c.mappings)
		if invite {
			p.Invites = declaredUsers
		}
		return p
	}
	p.PreviousPush = prev.PushedAt
	p.Users.Previous, p.Teams.Previous, p.Mappings.Previous = len(prev.Users), len(prev.Teams), len(prev.Mappings)

	old := make(map[string]int32, len(prev.Users))
	for i, u := range prev.Users {
		old[u.ID] = int32(i)
	}
	seen := make([]bool, len(prev.Users))
	for i := range org.Users {
		u := &org.Users[i]
		if !u.Declared {
			continue
		}
		j, ok := old[u.ID]
		if !ok {
			p.Users.Added++
			continue
		}
		seen[j] = true
		was := &prev.Users[j]
		if was.Hash != c.users[i] {
			p.Users.Changed++
		}
		if !strings.EqualFold(was.Email, u.Email) {
			p.EmailChanges++
			if len(p.EmailChanged) < maxPlanList {
				p.EmailChanged = append(p.EmailChanged, fmt.Sprintf("%s → %s (%s)", was.Email, u.Email, u.ID))
			}
		}
	}
	for j, ok := range seen {
		if ok {
			continue
		}
		p.Users.Removed++
		if len(p.Removed) < maxPlanList {
			p.Removed = append(p.Removed, fmt.Sprintf("%s (%s)", prev.Users[j].Email, prev.Users[j].ID))
		}
	}
	if invite {
		p.Invites = p.Users.Added
	}

	oldTeams := make(map[string]string, len(prev.Teams))
	for _, t := range prev.Teams {
		oldTeams[t.ID] = t.Name
	}
	for i := range org.Teams {
		t := &org.Teams[i]
		if !t.Declared {
			continue
		}
		name, ok := oldTeams[t.ID]
		switch {
		case !ok:
			p.Teams.Added++
		case name != t.Name:
			p.Teams.Changed++
		}
		delete(oldTeams, t.ID)
	}
	p.Teams.Removed = len(oldTeams)

	p.Mappings.Added, p.Mappings.Removed, p.Mappings.Changed = diffMappings(prev.Mappings, c.mappings)
	return p
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
	// Both lists are sorted; pair rows whose keys differ only in flags.
	i, j = 0, 0
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

// newState is the state to keep once the push succeeds.
func newState(org *lint.Org, c *collector, proto string, e endpoint, invite bool, p *Plan, at time.Time) *state {
	st := &state{stateHead: stateHead{
		Version: stateVersion, Protocol: proto, APIURL: e.String(), PushedAt: at.UTC(),
		Digest: p.Digest, Bytes: p.Bytes, InviteNewUsers: invite,
	}}
	st.Users = make([]stateUser, 0, p.Users.Total)
	for i := range org.Users {
		if u := &org.Users[i]; u.Declared {
			st.Users = append(st.Users, stateUser{ID: u.ID, Email: u.Email, Hash: c.users[i]})
		}
	}
	st.Teams = make([]stateTeam, 0, p.Teams.Total)
	for i := range org.Teams {
		if t := &org.Teams[i]; t.Declared {
			st.Teams = append(st.Teams, stateTeam{ID: t.ID, Name: t.Name})
		}
	}
	st.Mappings = c.mappings
	return st
}

// guard returns the reasons the plan goes over the limits, if any.
func (p *Plan) guard(maxRemovals Limit, maxInvites int) []string {
	var reasons []string
	if !p.First {
		if allowed := maxRemovals.Allowed(p.Users.Previous); p.Users.Removed > allowed {
			how := fmt.Sprintf("--max-removals %s allows %d", maxRemovals, allowed)
			if maxRemovals.Percent {
				how = fmt.Sprintf("--max-removals %s of %d allows %d; a share never allows fewer than %d", maxRemovals, p.Users.Previous, allowed, MinRemovals)
			}
			reasons = append(reasons, fmt.Sprintf("it would remove %s of the %d sent last time (%s): a partial export removes those people from Officevibe",
				nounCount(p.Users.Removed, "user", "users"), p.Users.Previous, how))
		}
	}
	if p.Invites > maxInvites {
		msg := fmt.Sprintf("it would invite %s (InviteNewUsers is true), more than --max-invites %d allows", nounCount(p.Invites, "new user", "new users"), maxInvites)
		if p.First {
			msg += `: a first import invites every member it creates; set "InviteNewUsers": false and invite from the app`
		}
		reasons = append(reasons, msg)
	}
	return reasons
}

// print writes the plan: a table of the changes, then the users removed
// and those whose email changed.
func (p *Plan) print(w io.Writer) error {
	if p.First {
		fmt.Fprintf(w, "plan: first push (no state file %s)\n", p.StateFile)
	} else {
		fmt.Fprintf(w, "plan: changes since the last push (state file %s)\n", p.StateFile)
	}
	unknown := func(n int) string {
		if p.First {
			return "?"
		}
		return strconv.Itoa(n)
	}
	var cells [][]string
	for _, r := range []struct {
		name string
		c    Count
	}{{"users", p.Users}, {"teams", p.Teams}, {"mappings", p.Mappings}} {
		cells = append(cells, []string{r.name, strconv.Itoa(r.c.Added), unknown(r.c.Removed), unknown(r.c.Changed), strconv.Itoa(r.c.Total)})
	}
	if err := table.Write(w, []string{"", "ADDED", "REMOVED", "CHANGED", "TOTAL"}, cells, 1, 2, 3, 4); err != nil {
		return fmt.Errorf("plan %w", err)
	}
	if len(p.Removed) > 0 {
		fmt.Fprintf(w, "users removed: %s%s\n", strings.Join(p.Removed, ", "), more(p.Users.Removed, len(p.Removed)))
	}
	if len(p.EmailChanged) > 0 {
		fmt.Fprintf(w, "emails changed (Officevibe keys members by email): %s%s\n", strings.Join(p.EmailChanged, ", "), more(p.EmailChanges, len(p.EmailChanged)))
	}
	if p.Invites > 0 {
		fmt.Fprintf(w, "invitations: %s will be invited (InviteNewUsers is true)\n", nounCount(p.Invites, "new user", "new users"))
	}
	for _, n := range p.Notes {
		fmt.Fprintln(w, n)
	}
	if p.Unchanged {
		fmt.Fprintln(w, "no change since the last push: the body is the same")
	}
	return nil
}

// more says how many of a list were not shown: " and 3 more".
func more(total, shown int) string {
	if total > shown {
		return fmt.Sprintf(" and %d more", total-shown)
	}
	return ""
}
