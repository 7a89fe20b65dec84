package plan_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/internal/peakrss"
	"github.com/ovsync/ovsync/internal/report"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
)

// changedCopy copies the org of dir into a new folder with 1% of its
// users changed (every 100th: a new job title; every 500th also a new
// email) and 1% of its teams renamed.
func changedCopy(b *testing.B, dir string) string {
	b.Helper()
	out := b.TempDir()
	if err := os.MkdirAll(filepath.Join(out, "Data"), 0o755); err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "config.json"), raw, 0o644); err != nil {
		b.Fatal(err)
	}
	edit := func(name string, change func(n int, fields []string) []string) {
		in, err := os.Open(filepath.Join(dir, "Data", name))
		if err != nil {
			b.Fatal(err)
		}
		defer in.Close()
		f, err := os.Create(filepath.Join(out, "Data", name))
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 0; sc.Scan(); n++ {
			line := sc.Text()
			if n > 0 && n%100 == 0 && !strings.Contains(line, `"`) {
				line = strings.Join(change(n, strings.Split(line, ",")), ",")
			}
			w.WriteString(line)
			w.WriteByte('\n')
		}
		if err := sc.Err(); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	edit("users.csv", func(n int, f []string) []string {
		f[4] = "Benchmark Analyst"
		if n%500 == 0 {
			f[1] = "changed." + f[1]
		}
		return f
	})
	edit("groups.csv", func(_ int, f []string) []string {
		f[1] = "Renamed " + f[1]
		return f
	})
	edit("groups-mapping.csv", func(_ int, f []string) []string { return f })
	return out
}

// BenchmarkPlan plans the push of a generated org of 1M users with 1% of
// its users and teams changed against the record a push of the original
// keeps (made once, staged as a push stages it), beside lint alone on
// the same files, which the plan includes; then push --dry-run, the
// report (lint, plan and the page written) and diff of the two orgs.
// peak-RSS-MB is the process's peak while the sub-benchmark runs:
// go test -run '^$' -bench 'BenchmarkPlan$' -benchtime 1x -benchmem ./push/plan
func BenchmarkPlan(b *testing.B) {
	// The guards of a push that lets a tenth of each change through, as
	// a nightly job would set them: the changes made trip none.
	tenPercent := plan.Guards{
		MaxRemovals: plan.Limit{Share: 10, Percent: true}, MaxTeamRemovals: plan.Limit{Share: 10, Percent: true},
		MaxManagerChanges: plan.Limit{Share: 10, Percent: true},
	}
	for _, n := range []int{100_000, 1_000_000} {
		dir, err := orggen.Cached(n)
		if err != nil {
			b.Fatal(err)
		}
		state := filepath.Join(b.TempDir(), "state.json")
		writeState(b, dir, state)
		if fi, err := os.Stat(state); err == nil {
			b.Logf("users=%d: state file %.1f MB", n, float64(fi.Size())/1e6)
		}
		changed := changedCopy(b, dir)
		b.Run("lint/users="+strconv.Itoa(n), func(b *testing.B) {
			peakrss.Reset()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := lint.Run(lint.Options{Path: changed}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(peakrss.MB(), "peak-RSS-MB")
		})
		b.Run("plan/users="+strconv.Itoa(n), func(b *testing.B) {
			peakrss.Reset()
			b.ReportAllocs()
			var p *plan.Plan
			for b.Loop() {
				var err error
				if p, err = plan.Make(plan.Options{Path: changed, State: state, Protocols: push.Protocols()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(peakrss.MB(), "peak-RSS-MB")
			if p.Users.Changed < n/200 || p.Teams.Changed == 0 || p.EmailChanges == 0 {
				b.Fatalf("plan: %d users changed, %d teams, %d emails", p.Users.Changed, p.Teams.Changed, p.EmailChanges)
			}
		})
		b.Run("dry-run/users="+strconv.Itoa(n), func(b *testing.B) {
			peakrss.Reset()
			b.ReportAllocs()
			for b.Loop() {
				res, err := push.Push(context.Background(), push.Options{Plan: plan.Options{Path: changed, State: state, Guards: tenPercent}, DryRun: true})
				if err != nil {
					b.Fatal(err)
				}
				if res.Plan.Users.Changed < n/200 {
					b.Fatalf("dry run: %d users changed", res.Plan.Users.Changed)
				}
			}
			b.ReportMetric(peakrss.MB(), "peak-RSS-MB")
		})
		b.Run("report/users="+strconv.Itoa(n), func(b *testing.B) {
			peakrss.Reset()
			b.ReportAllocs()
			for b.Loop() {
				r, err := report.New(context.Background(), report.Options{Lint: lint.Options{Path: changed}, Plan: plan.Options{State: state, Protocols: push.Protocols(), Guards: tenPercent}})
				if err != nil {
					b.Fatal(err)
				}
				if r.Plan() == nil || r.Plan().Users.Changed < n/200 {
					b.Fatal("report: no plan, or not the changes made")
				}
				if err := r.Write(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(peakrss.MB(), "peak-RSS-MB")
		})
		b.Run("diff/users="+strconv.Itoa(n), func(b *testing.B) {
			peakrss.Reset()
			b.ReportAllocs()
			var p *plan.Plan
			for b.Loop() {
				var err error
				if p, err = plan.Diff(plan.DiffOptions{Old: dir, New: changed, Protocols: push.Protocols()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(peakrss.MB(), "peak-RSS-MB")
			if p.Users.Changed < n/200 {
				b.Fatalf("diff: %d users changed", p.Users.Changed)
			}
		})
	}
}

// BenchmarkParseState reads the state of a generated org's push (what a
// plan reads before comparing):
// go test -run '^$' -bench ParseState -benchmem ./push/plan
func BenchmarkParseState(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run("users="+strconv.Itoa(n), func(b *testing.B) {
			dir, err := orggen.Cached(n)
			if err != nil {
				b.Fatal(err)
			}
			raw := orgState(b, dir)
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if err := plan.ParseState(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPlanPass measures the planning pass: the body built once into
// its digest, with the state of the files (every user's values, the
// teams and the mapping rows) collected for the plan.
func BenchmarkPlanPass(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), strconv.Itoa(n))
			if _, err := orggen.WriteDir(dir, orggen.Options{Users: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			cfg, err := plan.ReadConfig(dir)
			if err != nil {
				b.Fatal(err)
			}
			legacy, err := push.Protocols().Lookup(plan.ProtocolLegacy)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var size int64
			for b.Loop() {
				if size, err = plan.BodyState(legacy, cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(size)
		})
	}
}
