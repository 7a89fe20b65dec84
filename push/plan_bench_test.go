package push_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/pushtest"
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
// its users and teams changed against the state of a push of the
// original (made once, to the fake over loopback), beside lint alone on
// the same files, which the plan includes. peak-RSS-MB is the process's
// peak while the sub-benchmark runs.
func BenchmarkPlan(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		dir := benchOrg(b, n)
		srv := pushtest.NewServer(pushtest.Options{Key: testKey})
		writeBenchConfig(b, dir, srv.URL)
		state := filepath.Join(b.TempDir(), "state.json")
		opt := push.Options{
			Path:   dir,
			Remote: push.Remote{Getenv: env(push.KeyEnv, testKey), Timeout: time.Hour},
			State:  state,
			// The first push of the org: there is no record yet.
			FirstPush: true,
		}
		if _, err := push.Push(context.Background(), opt); err != nil {
			b.Fatal(err)
		}
		srv.Close()
		if fi, err := os.Stat(state); err == nil {
			b.Logf("users=%d: state file %.1f MB", n, float64(fi.Size())/1e6)
		}
		changed := changedCopy(b, dir)
		b.Run("lint/users="+strconv.Itoa(n), func(b *testing.B) {
			resetPeakRSS()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := lint.Run(lint.Options{Path: changed}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(peakRSS(), "peak-RSS-MB")
		})
		b.Run("plan/users="+strconv.Itoa(n), func(b *testing.B) {
			resetPeakRSS()
			b.ReportAllocs()
			var p *push.Plan
			for b.Loop() {
				var err error
				if p, err = push.MakePlan(push.Options{Path: changed, State: state}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(peakRSS(), "peak-RSS-MB")
			if p.Users.Changed < n/200 || p.Teams.Changed == 0 || p.EmailChanges == 0 {
				b.Fatalf("plan: %d users changed, %d teams, %d emails", p.Users.Changed, p.Teams.Changed, p.EmailChanges)
			}
		})
		b.Run("diff/users="+strconv.Itoa(n), func(b *testing.B) {
			resetPeakRSS()
			b.ReportAllocs()
			var p *push.Plan
			for b.Loop() {
				var err error
				if p, err = push.Diff(push.DiffOptions{Old: dir, New: changed}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(peakRSS(), "peak-RSS-MB")
			if p.Users.Changed < n/200 {
				b.Fatalf("diff: %d users changed", p.Users.Changed)
			}
		})
	}
}
