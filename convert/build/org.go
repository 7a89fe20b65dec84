package build

import (
	"fmt"
	"strings"

	"github.com/ovsync/ovsync/convert/hrexport"
	"github.com/ovsync/ovsync/internal/plural"
)

// Values of boss besides a person's index.
const (
	root    = -1 // no manager
	unknown = -2 // a manager the export does not hold (a defect)
)

// maxListed bounds the people a warning names.
const maxListed = 10

// resolveManagers finds each person's manager, then the reporting cycles,
// the roots and the depth of the tree, and each manager's reports.
func (b *builder) resolveManagers() {
	n := len(b.people)
	b.boss = make([]int32, n)
	var selfs, unknowns, roots []int32
	mcol := b.cols.role[hrexport.Manager]
	for i := range b.people {
		p := &b.people[i]
		if p.mgr() == "" {
			b.boss[i] = root
			continue
		}
		j, why := b.lookup(p.mgr())
		switch {
		case j == int32(i):
			b.boss[i] = root
			selfs = append(selfs, int32(i))
		case j >= 0:
			b.boss[i] = j
		case b.opt.UnknownManagerRoot:
			b.boss[i] = root
			unknowns = append(unknowns, int32(i))
		default:
			b.boss[i] = unknown
			b.defects.add("unknown managers", p.at, b.src.at(p.at, mcol), fmt.Sprintf("the manager %q of %s %s", p.mgr(), b.name(int32(i)), why),
				"correct the manager, add them to the export, or give --unknown-manager root to build the person as a root")
		}
	}
	b.findCycles()
	if b.defects.n > 0 {
		return
	}
	for i, m := range b.boss {
		if m == root {
			roots = append(roots, int32(i))
		}
	}
	b.sum.Roots = len(roots)
	if len(selfs) > 0 {
		b.note(fmt.Sprintf("%s their own manager, built as %s: %s", plural.Count(len(selfs), "person is", "people are"), rootWord(len(selfs)), b.list(selfs, mcol)),
			"leave the manager of the top of the organisation empty")
	}
	if len(unknowns) > 0 {
		b.note(fmt.Sprintf("%s a manager the export does not hold, built as %s (--unknown-manager root): %s", plural.Count(len(unknowns), "person has", "people have"), rootWord(len(unknowns)), b.list(unknowns, mcol)),
			"their teams do not reach the rest of the organisation: correct the managers, or add them to the export")
	}
	if len(roots) > 1 {
		b.note(fmt.Sprintf("%d people have no manager: %s", len(roots), b.list(roots, b.cols.role[hrexport.ID])),
			"an organisation has one top (Officevibe: \"all should have a supervisor except the CEO\"): give the others their managers, unless the export holds several organisations")
	}
	b.linkReports()
}

// lookup finds the person a manager value names: by --manager-key, by
// email (a value with "@"), or by id. Otherwise it says why not.
func (b *builder) lookup(v string) (int32, string) {
	if b.cols.key >= 0 {
		k, ok := b.keys[v]
		if !ok {
			return unknown, fmt.Sprintf("is no %q of the export (--manager-key)", b.cols.header[b.cols.key])
		}
		if j, ok := b.byID[k.id]; ok {
			b.sum.ByKey++
			return j, ""
		}
		return unknown, fmt.Sprintf("is the key of %s, whose person (id %q) --where leaves out", b.src.ref(k.at, b.cols.key), k.id)
	}
	if strings.Contains(v, "@") {
		if j, ok := b.byEmail[strings.ToLower(v)]; ok {
			b.sum.ByEmail++
			return j, ""
		}
	}
	if j, ok := b.byID[v]; ok {
		b.sum.ByID++
		return j, ""
	}
	at, excluded := b.exclID[v]
	if !excluded && strings.Contains(v, "@") {
		at, excluded = b.exclMail[strings.ToLower(v)]
	}
	if excluded {
		return unknown, fmt.Sprintf("is on %s, which --where leaves out", b.src.ref(at, b.cols.role[hrexport.ID]))
	}
	what := "id"
	if strings.Contains(v, "@") {
		what = "email"
	}
	return unknown, fmt.Sprintf("is no %s of the export", what)
}

// findCycles records each reporting cycle once, at its first person in
// the export, with the chain of ids. It also sets each person's depth.
// Every person has one manager at most, so each walk up the line ends at
// a root, at a person already walked, or in a cycle: one pass.
func (b *builder) findCycles() {
	n := len(b.people)
	const (
		unseen = 0
		onPath = 1
		done   = 2
	)
	state := make([]uint8, n)
	b.depth = make([]int32, n)
	var path []int32
	for start := range n {
		if state[start] != unseen {
			continue
		}
		path = path[:0]
		v := int32(start)
		for v >= 0 && state[v] == unseen {
			state[v] = onPath
			path = append(path, v)
			v = b.boss[v]
		}
		d := int32(0)
		switch {
		case v >= 0 && state[v] == onPath:
			// A cycle: path from v to its end.
			k := len(path) - 1
			for path[k] != v {
				k--
			}
			b.cycle(path[k:])
			for _, u := range path[k:] {
				state[u] = done
			}
			path = path[:k]
			d = -1
		case v >= 0:
			d = b.depth[v]
		case v == unknown:
			d = -1
		}
		// Depths down the path, from its top.
		for k := len(path) - 1; k >= 0; k-- {
			if d >= 0 {
				d++
			}
			b.depth[path[k]] = d
			state[path[k]] = done
			b.sum.Depth = max(b.sum.Depth, int(d))
		}
	}
}

// cycle records a reporting cycle: the people in ring, each reporting to
// the next, the last to the first.
func (b *builder) cycle(ring []int32) {
	// Start at the person the export lists first, whatever person the
	// walk met first: the message is then the same for any row order.
	first := 0
	for k, v := range ring {
		if b.people[v].at < b.people[ring[first]].at {
			first = k
		}
		b.depth[v] = -1
	}
	ring = append(append([]int32{}, ring[first:]...), ring[:first]...)
	var chain []string
	show := func(v int32) string { return fmt.Sprintf("%s (%s)", b.people[v].id(), b.src.ref(b.people[v].at, -1)) }
	for k, v := range ring {
		if len(ring) > 20 && k == 10 {
			chain = append(chain, "…")
		}
		if len(ring) > 20 && k >= 10 && k < len(ring)-9 {
			continue
		}
		chain = append(chain, show(v))
	}
	chain = append(chain, b.people[ring[0]].id())
	what := "a reporting cycle"
	if len(ring) > 20 {
		what = fmt.Sprintf("a reporting cycle of %d people", len(ring))
	}
	p := b.people[ring[0]]
	b.defects.add("reporting cycles", p.at, b.src.at(p.at, b.cols.role[hrexport.Manager]),
		fmt.Sprintf("%s: %s", what, strings.Join(chain, " → ")),
		"each person's manager is the next in the chain, so no one in it reaches the top: correct the manager of one of them")
}

// linkReports lists each manager's reports in export order (kids, from
// kidAt[m] to kidAt[m+1]) and counts the managers.
func (b *builder) linkReports() {
	n := len(b.people)
	b.kidAt = make([]int32, n+1)
	for _, m := range b.boss {
		if m >= 0 {
			b.kidAt[m+1]++
		}
	}
	for i := range n {
		if b.kidAt[i+1] > 0 {
			b.sum.Managers++
		}
		b.kidAt[i+1] += b.kidAt[i]
	}
	b.kids = make([]int32, b.kidAt[n])
	next := make([]int32, n)
	copy(next, b.kidAt[:n])
	for i, m := range b.boss {
		if m >= 0 {
			b.kids[next[m]] = int32(i)
			next[m]++
		}
	}
}

// reports returns the reports of person m.
func (b *builder) reports(m int32) []int32 { return b.kids[b.kidAt[m]:b.kidAt[m+1]] }

// name names person i in messages: id and name.
func (b *builder) name(i int32) string {
	p := &b.people[i]
	if p.name() == "" {
		return p.id()
	}
	return fmt.Sprintf("%s (%s)", p.id(), p.name())
}

// list names people in a warning, with where they are: the first few and
// a count.
func (b *builder) list(people []int32, col int) string {
	var parts []string
	for k, i := range people {
		if k == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(people)-maxListed))
			break
		}
		parts = append(parts, fmt.Sprintf("%s at %s", b.name(i), b.src.ref(b.people[i].at, col)))
	}
	return strings.Join(parts, ", ")
}

// rootWord is "a root" or "roots".
func rootWord(n int) string {
	if n == 1 {
		return "a root"
	}
	return "roots"
}
