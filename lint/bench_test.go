package lint

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/internal/redact"
)

// benchOrg returns the config path of a generated org of n users.
func benchOrg(b *testing.B, n int) string {
	b.Helper()
	dir, err := orggen.Cached(n)
	if err != nil {
		b.Fatal(err)
	}
	return filepath.Join(dir, "config.json")
}

// BenchmarkLint lints generated orgs of 1k, 100k and 1M users with every
// rule and schema, reporting users per second.
func BenchmarkLint(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			cfg := benchOrg(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rep, err := Run(Options{Path: cfg})
				if err != nil {
					b.Fatal(err)
				}
				if len(rep.Findings) != 0 {
					b.Fatalf("generated org has findings: %v", rep.Findings[0])
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
		})
	}
}

// BenchmarkLintWithKey lints the generated org of 100k users without a
// key and with one that shares pieces with its ids (rule api-key looks
// at every field): the rule must not make lint measurably slower.
func BenchmarkLintWithKey(b *testing.B) {
	for _, key := range []string{"", "9c1e0001234bf7a2d9e8c3b1a0f4e6d5"} {
		b.Run(fmt.Sprintf("key=%t", key != ""), func(b *testing.B) {
			cfg := benchOrg(b, 100_000)
			opt := Options{Path: cfg, Keys: redact.New(key)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
