package plan

import (
	"fmt"
	"math"
	"strconv"
	"strings"
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
