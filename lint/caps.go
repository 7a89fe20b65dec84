package lint

import (
	"cmp"
	"slices"
)

// GitHub takes only so much of a run, and drops the rest in silence: code
// scanning rejects a SARIF run of more than 25,000 results, and a step
// shows 10 error, 10 warning and 10 notice annotations. The github and
// sarif formats therefore choose what they keep, the same way: the most
// serious severity first, and within a severity every rule in turn, so
// that one rule with 200,000 findings hides no other. What is kept is
// printed in the order of the findings; what is left out is counted and
// said. text caps itself (--max-per-rule); json is never cut.

// DefaultSARIFMaxResults is the most results a SARIF run holds when
// [PrintOptions].SARIFMaxResults is 0: code scanning rejects a run with
// more.
const DefaultSARIFMaxResults = 25_000

// gitHubAnnotations is how many annotations of each kind (error, warning,
// notice) GitHub shows for a step.
const gitHubAnnotations = 10

// group is the findings of one rule at one severity: the capped formats
// share their room among groups.
type group struct {
	rule     string
	severity Severity
}

// severityOrder lists the severities from the one kept first.
var severityOrder = []Severity{Error, Warning, Info, Off}

// countGroups counts the findings of each group in one pass, with the
// severity as sev shows it (GitHub has three kinds of annotation).
func countGroups(fs []Finding, sev func(Severity) Severity) map[group]int {
	counts := make(map[group]int)
	for i := range fs {
		counts[group{fs[i].Rule, sev(fs[i].Severity)}]++
	}
	return counts
}

// asIs is the severity as the finding has it.
func asIs(s Severity) Severity { return s }

// ruleRank orders rules as the catalogue does ([Rules]), a rule not in it
// after every rule that is.
func ruleRank(id string) int {
	for i, r := range Rules {
		if r.ID == id {
			return i
		}
	}
	return len(Rules)
}

// groupsOf returns the groups of severity s that have findings, in rule
// order (catalogue order, then unknown rules by ID).
func groupsOf(counts map[group]int, s Severity) []group {
	var gs []group
	for g := range counts {
		if g.severity == s {
			gs = append(gs, g)
		}
	}
	slices.SortFunc(gs, func(a, b group) int {
		return cmp.Or(cmp.Compare(ruleRank(a.rule), ruleRank(b.rule)), cmp.Compare(a.rule, b.rule))
	})
	return gs
}

// share divides room among counts as a round robin would: one each in
// turn, skipping those that have no more, until the room is full. Every
// count gets min(count, level) for the highest level the room allows, and
// what is left below the next level goes one each to the first ones that
// have more. When the room is smaller than the number of counts, only the
// first ones get one. The result has one quota per count.
func share(counts []int, room int) []int {
	quota := make([]int, len(counts))
	var open []int // indices of counts with more to give
	for i, n := range counts {
		if n > 0 {
			open = append(open, i)
		}
	}
	for room > 0 && len(open) > 0 {
		each := room / len(open)
		if each == 0 {
			for _, i := range open[:room] {
				quota[i]++
			}
			break
		}
		next := open[:0]
		for _, i := range open {
			give := min(each, counts[i]-quota[i])
			quota[i] += give
			room -= give
			if quota[i] < counts[i] {
				next = append(next, i)
			}
		}
		open = next
	}
	return quota
}

// allot decides how many findings of each group a capped format keeps.
// Severities are served from the most serious: roomFor(s, used) is how
// many findings of severity s may be kept once used findings of the more
// serious ones are, and that room is shared among the groups of s in rule
// order (see [share]).
func allot(counts map[group]int, roomFor func(s Severity, used int) int) map[group]int {
	keep := make(map[group]int, len(counts))
	used := 0
	for _, s := range severityOrder {
		gs := groupsOf(counts, s)
		n := make([]int, len(gs))
		for i, g := range gs {
			n[i] = counts[g]
		}
		for i, q := range share(n, max(roomFor(s, used), 0)) {
			keep[gs[i]] = q
			used += q
		}
	}
	return keep
}

// cutGroup is a group some of whose findings a capped format left out.
type cutGroup struct {
	group
	total, left int
}

// leftOut lists the groups with findings left out, most serious severity
// first and in rule order within one.
func leftOut(counts, keep map[group]int) []cutGroup {
	var out []cutGroup
	for _, s := range severityOrder {
		for _, g := range groupsOf(counts, s) {
			if n := counts[g] - keep[g]; n > 0 {
				out = append(out, cutGroup{g, counts[g], n})
			}
		}
	}
	return out
}
