package plan

import (
	"strings"

	"github.com/ovsync/ovsync/lint"
)

// collector is the [Recorder] that keeps the state of an org whole: told
// of each user, team and mapping row while its body is written, it builds
// the state of the files as the state file keeps them, exactly what the
// body holds, every user's values as sent. A plan keeps the org it sends
// as lint's model with a few hashes instead ([pass]); the collector is
// for the new side of a diff, and for [repair], which needs the values.
type collector struct {
	// objects has the collector keep a hash of each user's object, which
	// a state of version 1 compares (the new side of a diff against one).
	objects bool
	keys    []string
	// pos are the positions of the id, email, first and last names
	// among the keys (-1 for none).
	pos [4]int
	st  state
	buf []byte
	// lastTeam is the team id of the last mapping row, shared by the
	// next rows of the same team.
	lastTeam string
}

func newCollector(objects bool) *collector {
	return &collector{objects: objects, pos: [4]int{-1, -1, -1, -1}}
}

// UserKeys gets the keys of the user objects and their roles.
func (c *collector) UserKeys(keys []string, roles []lint.Role) {
	c.keys = keys
	c.pos = [4]int{-1, -1, -1, -1}
	for i, r := range roles {
		switch r {
		case lint.UserID:
			c.pos[0] = i
		case lint.UserEmail:
			c.pos[1] = i
		case lint.UserFirstName:
			c.pos[2] = i
		case lint.UserLastName:
			c.pos[3] = i
		}
	}
}

// User gets a user's values in key order and its JSON object.
func (c *collector) User(vals []string, obj []byte) {
	c.buf = appendValues(c.buf[:0], vals)
	line := string(c.buf)
	u := stateUser{Values: line}
	if c.objects {
		u.Hash = hash64(hashBytes(hashSeed, obj))
	}
	// The id and email are cut from the line when they need no escape,
	// so that they share its memory.
	u.ID = share(line, strings.TrimSpace(valueAt(vals, c.pos[0])))
	u.Email = share(line, valueAt(vals, c.pos[1]))
	c.st.Users = append(c.st.Users, u)
}

// share returns v as a part of line when line holds it, else a copy.
func share(line, v string) string {
	if v == "" {
		return ""
	}
	if i := strings.Index(line, v); i >= 0 {
		return line[i : i+len(v)]
	}
	return strings.Clone(v)
}

// Team gets a team's id and name.
func (c *collector) Team(id, name string) {
	c.st.Teams = append(c.st.Teams, stateTeam{ID: strings.Clone(strings.TrimSpace(id)), Name: strings.Clone(name)})
}

// Mapping gets a mapping row's ids as written and its flags.
func (c *collector) Mapping(team, user, sub string, member, manager bool) {
	c.st.Mappings = append(c.st.Mappings, stateMapping{
		Team: c.teamID(strings.TrimSpace(team)), User: c.own(strings.TrimSpace(user)), SubTeam: c.own(strings.TrimSpace(sub)),
		Member: member, Manager: manager,
	})
}

// own copies an id of a mapping row out of the reader's buffer, which
// the next row reuses.
func (c *collector) own(id string) string {
	if id == "" {
		return ""
	}
	return strings.Clone(id)
}

// teamID copies a team id of a mapping row, or shares the last row's
// when it is the same: the rows of a team come together.
func (c *collector) teamID(id string) string {
	if id != c.lastTeam {
		c.lastTeam = strings.Clone(id)
	}
	return c.lastTeam
}

// state returns the state of the files, once the pass is over.
func (c *collector) state(head stateHead) *state {
	head.Version, head.UserKeys, head.UserRoles = stateVersion, c.keys, c.pos
	head.Exact = true // the values as sent
	st := c.st
	st.stateHead = head
	return &st
}

// mappingKey identifies a mapping row: a hash of its team, user and
// sub-team in the high 62 bits, its flags in the low two, so that sorted
// keys put a row's old and new flags side by side.
func mappingKey(team, user, sub string, member, manager bool) hash64 {
	h := hashBytes(hashSeed, team)
	h = hashBytes(h^1, user)
	h = hashBytes(h^2, sub)
	return hash64(h).withFlags(member, manager)
}

// withFlags returns the mapping key h with the flags member and manager
// in its low two bits.
func (h hash64) withFlags(member, manager bool) hash64 {
	h &^= 3
	if member {
		h |= 1
	}
	if manager {
		h |= 2
	}
	return h
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
