package build

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/lint"
)

// benchSizes are the sizes of the generated exports built.
var benchSizes = []int{1_000, 100_000, 1_000_000}

// benchExport returns the path of a generated export of n people.
func benchExport(b *testing.B, n int) string {
	b.Helper()
	p, err := orggen.CachedExport(n)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkBuild builds generated exports of 1k, 100k and 1M people
// (internal/orggen: a span of control of 6 to 10, every column of
// users.csv and a manager id), reporting people per second. The target is
// 1.5× the time and memory of linting the output: BenchmarkLintOfBuild.
func BenchmarkBuild(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("people=%d", n), func(b *testing.B) {
			in := benchExport(b, n)
			out := filepath.Join(b.TempDir(), "out")
			b.ReportAllocs()
			for b.Loop() {
				sum, err := Run(Options{Input: in, OutDir: out, Properties: []string{"Department", "Country", "Hiring Date=Hire Date"}})
				if err != nil {
					b.Fatal(err)
				}
				if sum.People != n {
					b.Fatalf("%d people built", sum.People)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "people/s")
		})
	}
}

// BenchmarkLintOfBuild lints what BenchmarkBuild writes, for the ratio.
func BenchmarkLintOfBuild(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("people=%d", n), func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "out")
			if _, err := Run(Options{Input: benchExport(b, n), OutDir: out, Properties: []string{"Department", "Country", "Hiring Date=Hire Date"}}); err != nil {
				b.Fatal(err)
			}
			opt := lint.Options{Users: filepath.Join(out, "users.csv"), Groups: filepath.Join(out, "groups.csv"), Mapping: filepath.Join(out, "groups-mapping.csv")}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rep, err := lint.Run(opt)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Summary.Errors+rep.Summary.Warnings > 0 {
					b.Fatalf("the build lints with %+v", rep.Summary)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "people/s")
		})
	}
}
