package graph

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/lint"
)

// benchOrgs holds the generated orgs, linted once per test binary run:
// linting the 1M-user org takes seconds and most of a gigabyte, and is
// not what these benchmarks measure.
var benchOrgs struct {
	sync.Mutex
	orgs map[int]*lint.Org
}

// benchOrg returns the model of a generated org of n users, writing and
// linting it on first use (outside the timer).
func benchOrg(b *testing.B, n int) *lint.Org {
	b.Helper()
	benchOrgs.Lock()
	defer benchOrgs.Unlock()
	if org, ok := benchOrgs.orgs[n]; ok {
		return org
	}
	if benchOrgs.orgs == nil {
		benchOrgs.orgs = map[int]*lint.Org{}
	}
	dir, err := orggen.Cached(n)
	if err != nil {
		b.Fatal(err)
	}
	rep, err := lint.Run(lint.Options{Path: dir})
	if err != nil {
		b.Fatal(err)
	}
	// Collect what lint left behind, so that the timed loop does not pay
	// for marking it.
	benchOrgs.orgs[n] = rep.Org
	runtime.GC()
	return rep.Org
}

// department returns the largest sub-team of the org's top team: one
// department, the subtree a --root drawing of a large org would show.
func department(b *testing.B, org *lint.Org) (id string, teams int) {
	b.Helper()
	top, err := New(org, Options{Root: org.Teams[0].ID, Depth: 1})
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range top.edges {
		sub := org.Teams[top.nodes[e.to].index].ID
		g, err := New(org, Options{Root: sub})
		if err != nil {
			b.Fatal(err)
		}
		if g.Teams() > teams {
			id, teams = sub, g.Teams()
		}
	}
	return id, teams
}

// BenchmarkDOT builds and writes the DOT graph of generated orgs: the
// whole org, and one department of it with Root (the lint run that reads
// the files is not timed).
func BenchmarkDOT(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d/whole", n), func(b *testing.B) {
			org := benchOrg(b, n)
			benchWrite(b, org, Options{})
		})
		b.Run(fmt.Sprintf("users=%d/root", n), func(b *testing.B) {
			org := benchOrg(b, n)
			id, _ := department(b, org)
			benchWrite(b, org, Options{Root: id})
		})
	}
}

// BenchmarkMermaid writes the whole generated org as Mermaid.
func BenchmarkMermaid(b *testing.B) {
	org := benchOrg(b, 1_000_000)
	benchWrite(b, org, Options{Format: Mermaid})
}

// benchWrite times New and Write with opt, reporting the teams drawn and
// the bytes written.
func benchWrite(b *testing.B, org *lint.Org, opt Options) {
	b.Helper()
	var cw countWriter
	var teams int
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cw = 0
		g, err := New(org, opt)
		if err != nil {
			b.Fatal(err)
		}
		if err := g.Write(&cw); err != nil {
			b.Fatal(err)
		}
		teams = g.Teams()
	}
	b.ReportMetric(float64(teams), "teams")
	b.ReportMetric(float64(cw)/1e6, "MB")
}

// countWriter counts the bytes written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countWriter)(nil)
