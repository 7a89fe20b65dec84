package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/lint"
)

// benchLint lints a generated org of n users once.
func benchLint(b *testing.B, n int) *lint.Report {
	b.Helper()
	dir, err := orggen.Cached(n)
	if err != nil {
		b.Fatal(err)
	}
	rep, err := lint.Run(lint.Options{Path: filepath.Join(dir, "config.json")})
	if err != nil {
		b.Fatal(err)
	}
	return rep
}

// countWriter counts the bytes written through it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkWrite builds and writes the report of generated orgs of 100k
// and 1M users from their lint report (lint's own time is BenchmarkLint's),
// reporting the page's size.
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			rep := benchLint(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			var size int64
			for b.Loop() {
				r, err := FromLint(rep, NoPlan(PlanNotAsked, "benchmark"), "bench", time.Unix(0, 0))
				if err != nil {
					b.Fatal(err)
				}
				var cw countWriter
				if err := r.Write(io.MultiWriter(&cw)); err != nil {
					b.Fatal(err)
				}
				size = cw.n
			}
			b.ReportMetric(float64(size)/1e6, "MB")
		})
	}
}

// BenchmarkInteractive opens the report of generated orgs in headless
// Chromium and reports the time from the start of navigation until its
// script has rendered the findings and the tree (ready-ms), as the page
// measures it with performance.now().
func BenchmarkInteractive(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			rep := benchLint(b, n)
			r, err := FromLint(rep, NoPlan(PlanNotAsked, "benchmark"), "bench", time.Unix(0, 0))
			if err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(b.TempDir(), "report.html")
			if err := atomicfile.Write(path, r.Write); err != nil {
				b.Fatal(err)
			}
			br := newBrowser(b, 10*time.Minute)
			b.ResetTimer()
			var total float64
			for b.Loop() {
				br.open(b, path)
				ms, err := strconv.ParseFloat(eval[string](b, br, `document.body.dataset.readyMs`), 64)
				if err != nil {
					b.Fatal(err)
				}
				total += ms
			}
			b.ReportMetric(total/float64(b.N), "ready-ms")
			b.StopTimer()
			works(b, br, rep)
			br.check(b, path)
		})
	}
}

// works checks that a big report still works once open: a click on a
// team lists its members, and a search by user id finds the user.
func works(b *testing.B, br *browser, rep *lint.Report) {
	b.Helper()
	br.click(b, "#tree button.team")
	if heads := eval[string](b, br, `document.getElementById("details").textContent`); !strings.Contains(heads, "Members (") {
		b.Errorf("a click on a team shows %q, no members", heads)
	}
	id := rep.Org.Users[len(rep.Org.Users)/2].ID
	if err := chromedp.Do(br.ctx, chromedp.SendKeys(chromedp.CSS("#f-search"), id)); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Run(br.ctx, chromedp.Poll[bool](`document.getElementById("matches").textContent.includes(`+strconv.Quote(id)+`)`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		b.Errorf("searching for user %s: %v", id, err)
	}
}
