package lint

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ovsync/ovsync/internal/orggen"
)

// sameNameOrg writes, under dir, a config.json for the generated org of n
// users in which every team is named "Team": one duplicate-name warning
// per team after the first (about 200,000 for a million users). The users
// and mapping files are the cached org's own.
func sameNameOrg(tb testing.TB, n int, dir string) string {
	tb.Helper()
	src, err := orggen.Cached(n)
	if err != nil {
		tb.Fatal(err)
	}
	in, err := os.Open(filepath.Join(src, "Data", "groups.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	groups := filepath.Join(dir, "groups.csv")
	out, err := os.Create(groups)
	if err != nil {
		tb.Fatal(err)
	}
	r := csv.NewReader(bufio.NewReader(in))
	bw := bufio.NewWriter(out)
	w := csv.NewWriter(bw)
	for i := 0; ; i++ {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if i > 0 {
			rec[1] = "Team"
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.json")
	body := fmt.Sprintf(`{"Configuration": {"ApiUrl": "https://app.officevibe.com", "UsersCsv": %q, "GroupsCsv": %q, "MappingCsv": %q}}`,
		filepath.Join(src, "Data", "users.csv"), groups, filepath.Join(src, "Data", "groups-mapping.csv"))
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// BenchmarkPrintSameNameOrg lints the generated 1M-user org whose teams
// all share one name once, then prints its ~200,000 findings in each
// format: what a CI job pays for each report beyond the lint itself.
func BenchmarkPrintSameNameOrg(b *testing.B) {
	rep, err := Run(Options{Path: sameNameOrg(b, 1_000_000, b.TempDir())})
	if err != nil {
		b.Fatal(err)
	}
	if rep.Summary.Warnings < 100_000 {
		b.Fatalf("%d warnings, want about 200,000", rep.Summary.Warnings)
	}
	for _, format := range Formats() {
		b.Run("format="+format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Print(discard{}, format, rep, PrintOptions{MaxPerRule: 50, Version: "bench"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
