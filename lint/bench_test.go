package lint

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ovsync/ovsync/internal/orggen"
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
