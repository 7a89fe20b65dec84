package orggen

import "math/rand/v2"

// Span of control of a manager (number of direct reports), except at the top
// of a very small org.
const (
	minSpan = 6
	maxSpan = 10
)

// spanWeights are the relative odds of a span of minSpan, minSpan+1, … for a
// manager of managers; a manager of individual contributors only takes the
// size of the group that is left to them. Tuned so that about one person in
// seven is a manager.
var spanWeights = []int{40, 28, 16, 10, 6}

// leafSpanWeights are the relative odds of a team of individual
// contributors of minSpan, minSpan+1, … people.
var leafSpanWeights = []int{36, 30, 18, 10, 6}

// minBigShare sets how many parts split hands the people left over to: one
// for every minBigShare to 4*minBigShare of them, at random.
const minBigShare = 12

// bigOrg is the number of people under a manager from which most of their
// reports are managers.
const bigOrg = 400

// bigOrgICWeights are the relative odds of a manager of at least bigOrg
// people having 0, 1, … individual contributors among their reports.
var bigOrgICWeights = []int{30, 40, 30}

// managerReportWeights are the relative odds of a manager of managers having
// 1, 2, … managers among their reports. Tuned so that about two managers in
// five manage managers.
var managerReportWeights = []int{20, 30, 26, 14, 10}

// tree is the reporting line of the org. Nodes are numbered in breadth-first
// order from the top (node 0), so the direct reports of a node are the
// consecutive nodes childStart[v] … childStart[v]+nChild[v]-1, and a node's
// teams are numbered in the same order.
type tree struct {
	n          int
	childStart []int32  // first direct report; meaningful when nChild > 0
	nChild     []uint8  // number of direct reports; 0 for an individual contributor
	depth      []uint16 // 0 at the top
	dept       []uint8  // index into departments, or len(departments) for execDepartment
	team       []int32  // 0-based number of the node's top team, -1 when none
	managers   int      // nodes with direct reports
	mom        int      // managers with at least one manager among their reports
}

// isManager reports whether v has direct reports.
func (t *tree) isManager(v int) bool { return t.nChild[v] > 0 }

// managesManagers reports whether a report of v has reports: such a node has
// a hierarchy team above its direct-reports team.
func (t *tree) managesManagers(v int) bool {
	if t.nChild[v] == 0 {
		return false
	}
	c := int(t.childStart[v])
	for i := range int(t.nChild[v]) {
		if t.nChild[c+i] > 0 {
			return true
		}
	}
	return false
}

// buildTree draws a reporting line of n people (n >= 2).
//
// Each manager is handed the number of people under them and splits it: a
// manager of at most maxSpan people has them all as direct reports; any other
// draws a span and how many of those reports manage, and shares the people
// left among those managers. Group sizes that cannot be split within the span
// limits (1 to 5 and 11 people) are never handed down.
func buildTree(n int, r *rand.Rand) *tree {
	t := &tree{
		n:          n,
		childStart: make([]int32, n),
		nChild:     make([]uint8, n),
		depth:      make([]uint16, n),
		dept:       make([]uint8, n),
		team:       make([]int32, n),
	}
	size := make([]int32, n) // people under each node, during the build only
	size[0] = int32(n - 1)
	t.dept[0] = uint8(len(departments))
	next := 1
	var parts [maxSpan]int32
	var slots [maxSpan]int
	for v := 0; v < next; v++ {
		s := int(size[v])
		if s == 0 {
			continue
		}
		var span, k int
		if s <= maxSpan {
			span = s
		} else {
			// Draw the span, then how many reports manage. A manager of a
			// big organisation has mostly managers as reports, which keeps
			// the tree shallow. Only the top can be handed 11 people (an org
			// of 12): five reports, one of whom manages the other six.
			hi := min(maxSpan, s-minSpan)
			span = min(minSpan+pick(r, spanWeights), hi)
			if s >= bigOrg {
				k = span - pick(r, bigOrgICWeights)
			} else {
				k = 1 + pick(r, managerReportWeights)
			}
			k = max(1, min(k, span, (s-span)/minSpan))
			if k == 1 && s-span == 11 {
				if span < hi {
					span++
				} else {
					span--
				}
			}
			split(parts[:k], int32(s-span), r)
		}
		// Choose which of the reports are managers.
		for i := range span {
			slots[i] = i
		}
		for i := range k {
			j := i + r.IntN(span-i)
			slots[i], slots[j] = slots[j], slots[i]
		}
		t.childStart[v] = int32(next)
		t.nChild[v] = uint8(span)
		for i := range k {
			size[next+slots[i]] = parts[i]
		}
		for i := range span {
			c := next + i
			t.depth[c] = t.depth[v] + 1
			if v == 0 { // each report of the top heads a department
				t.dept[c] = uint8(pick(r, departmentWeights))
			} else {
				t.dept[c] = t.dept[v]
			}
		}
		next += span
	}
	// Number the teams: a manager's hierarchy team (if any), then their
	// direct-reports team.
	var teams int32
	for v := range n {
		t.team[v] = -1
		if t.nChild[v] == 0 {
			continue
		}
		t.managers++
		t.team[v] = teams
		teams++
		if t.managesManagers(v) {
			t.mom++
			teams++
		}
	}
	return t
}

// split shares total people among len(parts) managers. Each part is first
// drawn as the size of a team of individual contributors; what is left over
// goes to a few of the parts, which become managers of managers. No part is
// below minSpan or equal to 11 (which no span can split). total >=
// minSpan*len(parts), and total != 11 when there is only one part.
func split(parts []int32, total int32, r *rand.Rand) {
	k := len(parts)
	if k == 1 {
		parts[0] = total
		return
	}
	var sum int32
	for i := range k {
		parts[i] = int32(minSpan + pick(r, leafSpanWeights))
		sum += parts[i]
	}
	if sum > total {
		// Too few people for teams of these sizes: start from the
		// smallest teams instead.
		for i := range k {
			parts[i] = minSpan
		}
		sum = int32(minSpan * k)
	}
	extra := total - sum
	if extra > 0 {
		// b parts share the people left over.
		b := min(k, 1+int(extra)/(minBigShare+r.IntN(3*minBigShare)))
		var w [maxSpan]int32
		var wsum int32
		for i := range b {
			w[i] = 1 + r.Int32N(4)
			wsum += w[i]
		}
		var given int32
		for i := range b {
			e := int32(int64(extra) * int64(w[i]) / int64(wsum))
			parts[i] += e
			given += e
		}
		parts[b-1] += extra - given
	}
	for i := range k {
		if parts[i] != 11 {
			continue
		}
		j := (i + 1) % k
		if parts[j] == 10 { // 11+10 = 12+9
			parts[i]++
			parts[j]--
		} else { // 10 + (parts[j]+1), which is not 11
			parts[i]--
			parts[j]++
		}
	}
}

// pick returns an index into weights, drawn in proportion to them.
func pick(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}
