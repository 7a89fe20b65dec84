package push_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/internal/peakrss"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// benchOrg returns the folder of a generated org of n users.
func benchOrg(b *testing.B, n int) string {
	b.Helper()
	dir, err := orggen.Cached(n)
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkPush pushes generated orgs of 1k, 100k and 1M users to the fake
// over loopback HTTP, a second push each time (the state of a first one
// is in place): lint, plan, upload, state. It reports the upload alone
// (the body built again from the files and streamed to the fake, which
// checks it as it comes) as send-s and send-MB/s, the body's size, and
// the process's peak RSS, fake included.
func BenchmarkPush(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			dir := benchOrg(b, n)
			srv := pushtest.NewServer(pushtest.Options{Key: testKey})
			defer srv.Close()
			writeBenchConfig(b, dir, srv.URL)
			state := filepath.Join(b.TempDir(), "state.json")
			opt := push.Options{
				Plan:   plan.Options{Path: dir, State: state, Guards: plan.Guards{MaxRemovals: plan.Limit{Share: 10, Percent: true}}},
				Remote: push.Remote{Getenv: env(push.KeyEnv, testKey), Retries: 0, Timeout: time.Hour},
			}
			first := opt
			first.Plan.FirstPush = true
			if _, err := push.Push(context.Background(), first); err != nil {
				b.Fatal(err)
			}
			peakrss.Reset()
			b.ReportAllocs()
			var send time.Duration
			var size int64
			for b.Loop() {
				res, err := push.Push(context.Background(), opt)
				if err != nil {
					b.Fatal(err)
				}
				send += res.Elapsed
				size = res.Plan.Bytes
			}
			runs := float64(len(srv.History()) - 1)
			b.ReportMetric(send.Seconds()/runs, "send-s")
			b.ReportMetric(float64(size)/1e6, "body-MB")
			b.ReportMetric(float64(size)/1e6/(send.Seconds()/runs), "send-MB/s")
			b.ReportMetric(peakrss.MB(), "peak-RSS-MB")
			for _, s := range srv.History() {
				if s.Status != pushtest.StatusSuccess || s.Users != n {
					b.Fatalf("the fake says %s with %d users: %v", s.Status, s.Users, s.Errors)
				}
			}
		})
	}
}

// writeBenchConfig points a generated org's config at url, whatever
// ApiUrl it had (an earlier run's fake included).
func writeBenchConfig(b *testing.B, dir, url string) {
	b.Helper()
	p := filepath.Join(dir, "config.json")
	raw, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	apiURL := regexp.MustCompile(`"ApiUrl": *"[^"]*"`)
	if !apiURL.Match(raw) {
		b.Fatal("no ApiUrl to replace in the generated config")
	}
	s := apiURL.ReplaceAllLiteralString(string(raw), `"ApiUrl": "`+url+`"`)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		b.Fatal(err)
	}
}
