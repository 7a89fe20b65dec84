package report

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/lint"
)

// chromium returns the path of a Chromium or Chrome, skipping the test
// when there is none, unless CI is set: CI must never skip it.
func chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("OVSYNC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (chromium, chromium-browser or google-chrome on the PATH, or OVSYNC_CHROMIUM): install Debian's chromium package to run the browser tests"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set: the browser tests must run)")
	}
	t.Skip(msg)
	return ""
}

// browser is a headless Chromium tab that records what the page logs and
// every request it makes.
type browser struct {
	ctx context.Context

	mu       sync.Mutex
	problems []string // console errors, exceptions, error log entries
	requests []string // URLs requested
}

// newBrowser starts a headless Chromium with a fresh profile and none of
// its own network traffic (updates, sync, safe browsing).
func newBrowser(t testing.TB, timeout time.Duration) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	b := &browser{}
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	t.Cleanup(bcancel)
	b.ctx = bctx
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("cannot start Chromium: %v", err)
	}
	return b
}

func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.problems = append(b.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.problems = append(b.problems, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber, d.ColumnNumber, msg))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			b.problems = append(b.problems, fmt.Sprintf("log %s (%s): %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text))
		}
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	}
}

// open loads the page at path and waits until its script is done.
func (b *browser) open(t testing.TB, path string) {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate("file://"+filepath.ToSlash(abs)), chromedp.WaitReady(chromedp.CSS(`body[data-ready="1"]`))); err != nil {
		t.Fatalf("the page did not become ready: %v (problems: %v)", err, b.problems)
	}
}

// check fails the test for any console error or request the page made
// beyond its own file.
func (b *browser) check(t testing.TB, page string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("the page logged: %s", p)
	}
	own := 0
	for _, u := range b.requests {
		if strings.HasPrefix(u, "file://") && strings.HasSuffix(u, "/"+filepath.Base(page)) {
			own++
			continue
		}
		t.Errorf("the page requested %s", u)
	}
	if own == 0 { // the listener must have seen the page itself
		t.Errorf("no request for the page itself among %q: are network events recorded?", b.requests)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t testing.TB, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// click clicks the element that a CSS selector finds.
func (b *browser) click(t testing.TB, sel string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
}

// writePage writes the report of opt's org to a file and returns its path.
func writeReport(t testing.TB, opt Options) (*Report, string) {
	t.Helper()
	r := newReport(t, opt)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := atomicfile.Write(path, r.Write); err != nil {
		t.Fatal(err)
	}
	return r, path
}

// TestBrowserBroken loads the report of testdata/broken in Chromium.
func TestBrowserBroken(t *testing.T) {
	b := newBrowser(t, 90*time.Second)
	r, path := writeReport(t, Options{Lint: lint.Options{Path: brokenOrg}})
	b.open(t, path)
	org := r.Lint().Org

	t.Run("every finding shown with its rule and position", func(t *testing.T) {
		got := eval[[]string](t, b, `Array.from(document.querySelectorAll("#live-findings .finding")).map(li =>
			li.closest(".group").querySelector("h3 code").textContent + " " + li.querySelector(".loc").textContent)`)
		var want []string
		for _, f := range r.Lint().Findings {
			want = append(want, fmt.Sprintf("%s %s:%d:%d", f.Rule, f.File, f.Line, f.Column))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("findings in the page:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if n := eval[int](t, b, `document.querySelectorAll("#static-findings").length`); n != 0 {
			t.Error("the plain findings are still there beside the script's")
		}
	})

	t.Run("the offending field highlighted", func(t *testing.T) {
		got := eval[string](t, b, `Array.from(document.querySelectorAll("#live-findings .finding")).find(li =>
			li.querySelector(".loc").textContent.endsWith("users.csv:57:82")).querySelector("td.hi").textContent`)
		if got != "French" {
			t.Errorf("highlighted cell %q, want French", got)
		}
	})

	t.Run("every team in the tree", func(t *testing.T) {
		b.click(t, "#org-view .toolbar button")
		ids := eval[[]string](t, b, `Array.from(document.querySelectorAll("#tree button.team .tid")).map(e => e.textContent)`)
		for i := range org.Teams {
			if tm := &org.Teams[i]; tm.Declared && !slices.Contains(ids, tm.ID) {
				t.Errorf("team %s (line %d) is not in the tree", tm.ID, tm.Line)
			}
		}
		if marked := eval[[]string](t, b, `Array.from(document.querySelectorAll("#tree .node")).filter(n => n.querySelector(".mark-missing")).map(n => n.querySelector(".tid").textContent)`); !slices.Contains(marked, "T-ENG-SEC") {
			t.Errorf("teams marked missing: %v, want T-ENG-SEC among them", marked)
		}
	})

	t.Run("a click on a team lists its members and managers", func(t *testing.T) {
		ti, ok := org.TeamIndex("T-ENG-INFRA")
		if !ok {
			t.Fatal("no team T-ENG-INFRA in testdata/broken")
		}
		var members, managers []string
		for _, m := range org.Mappings {
			if m.Valid && int(m.Team) == ti && m.User >= 0 {
				id := org.Users[m.User].ID
				if m.IsMember && !slices.Contains(members, id) {
					members = append(members, id)
				}
				if m.IsManager && !slices.Contains(managers, id) {
					managers = append(managers, id)
				}
			}
		}
		b.click(t, fmt.Sprintf(`#tree button.team[data-team="%d"]`, ti))
		heads := eval[[]string](t, b, `Array.from(document.querySelectorAll("#details h4")).map(e => e.textContent)`)
		for _, want := range []string{fmt.Sprintf("Managers (%d)", len(managers)), fmt.Sprintf("Members (%d)", len(members))} {
			if !slices.Contains(heads, want) {
				t.Errorf("details headings %v, want %q", heads, want)
			}
		}
		text := eval[string](t, b, `document.getElementById("details").textContent`)
		for _, id := range append(members, managers...) {
			if !strings.Contains(text, id) {
				t.Errorf("user %s of T-ENG-INFRA is not listed", id)
			}
		}
	})

	t.Run("a finding links to its team and back", func(t *testing.T) {
		b.click(t, `#live-findings button.goto[data-team]`)
		sel := eval[string](t, b, `document.querySelector("#tree .team.sel .tid").textContent`)
		want := eval[string](t, b, `document.querySelector("#live-findings button.goto[data-team]").dataset.teamId`)
		if sel != want {
			t.Errorf("selected team %q, want %q", sel, want)
		}
		b.click(t, `#details button.tofinding`)
		if id := eval[string](t, b, `document.activeElement.id`); !strings.HasPrefix(id, "f") {
			t.Errorf("focus on %q after following a finding link, want a finding", id)
		}
	})

	t.Run("the search filters", func(t *testing.T) {
		if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS("#f-search"), "22066")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](fmt.Sprintf(`!document.getElementById("shown").textContent.includes(" of %d ")`, len(r.Lint().Findings)), chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("searching: %v; shown: %s", err, eval[string](t, b, `document.getElementById("shown").textContent`))
		}
		shown := eval[[]string](t, b, `Array.from(document.querySelectorAll("#live-findings .finding")).map(li => li.textContent)`)
		if len(shown) == 0 || len(shown) >= len(r.Lint().Findings) {
			t.Errorf("%d findings shown for 22066", len(shown))
		}
		for _, s := range shown {
			if !strings.Contains(s, "22066") {
				t.Errorf("a finding shown for 22066 does not name it: %s", s)
			}
		}
		if !slices.ContainsFunc(shown, func(s string) bool { return strings.Contains(s, "users.csv:72:7") }) {
			t.Error("the email-format finding of user 22066 is not shown")
		}
		if m := eval[string](t, b, `document.getElementById("matches").textContent`); !strings.Contains(m, "Dana Reyes") {
			t.Errorf("the org matches %q do not list Dana Reyes", m)
		}
	})
	t.Run("keyboard", func(t *testing.T) {
		b.click(t, "#org-view .toolbar button:nth-child(2)") // collapse all
		root, ok := org.TeamIndex("T-ALL")
		if !ok {
			t.Fatal("no team T-ALL")
		}
		first := fmt.Sprint(eval[int](t, b, fmt.Sprintf(`(() => { const li = document.querySelector('#tree li[data-team="%d"]'); return +li.dataset.team; })()`, root)))
		if err := chromedp.Do(b.ctx, chromedp.Focus(chromedp.CSS(`#tree li[data-team="`+first+`"] > .node > .team`)), chromedp.KeyEvent(kb.ArrowRight)); err != nil {
			t.Fatal(err)
		}
		if got := eval[string](t, b, `document.querySelector('#tree li[data-team="`+first+`"]').getAttribute("aria-expanded")`); got != "true" {
			t.Errorf("after ArrowRight aria-expanded is %q, want true", got)
		}
		if err := chromedp.Do(b.ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		sub := org.Teams[r.Data().Teams[root].Subs[0]]
		if got := eval[string](t, b, `document.activeElement.querySelector(".tid").textContent`); got != sub.ID {
			t.Errorf("after ArrowDown the focus is on %q, want the first sub-team %s", got, sub.ID)
		}
		if got := eval[string](t, b, `document.querySelector("#details h3").textContent`); got != sub.Name {
			t.Errorf("after Enter the details show %q, want %q", got, sub.Name)
		}
	})

	t.Run("print", func(t *testing.T) {
		if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		hidden := eval[[]bool](t, b, `["#controls", "#org-view .toolbar", "#details", "nav"].map(s => getComputedStyle(document.querySelector(s)).display === "none")`)
		if slices.Contains(hidden, false) {
			t.Errorf("controls, toolbar, details, nav hidden in print: %v, want all", hidden)
		}
		// What the filters show is what prints (here, the search above).
		vis := eval[[]int](t, b, `[Array.from(document.querySelectorAll("#live-findings .finding")).filter(e => e.offsetParent !== null).length, document.querySelectorAll("#live-findings .finding").length]`)
		if vis[0] != vis[1] || vis[1] == 0 {
			t.Errorf("%d of %d findings shown printed", vis[0], vis[1])
		}
	})
	b.check(t, path)
}

// TestBrowserHostile checks that hostile names render as text and run
// nothing.
func TestBrowserHostile(t *testing.T) {
	b := newBrowser(t, 60*time.Second)
	_, path := writeReport(t, Options{Lint: lint.Options{Path: hostileOrg}})
	b.open(t, path)
	b.click(t, "#org-view .toolbar button")
	if n := eval[int](t, b, `document.querySelectorAll("img").length + document.scripts.length`); n != 2 {
		t.Errorf("the page has %d images and scripts, want its 2 scripts", n)
	}
	names := eval[[]string](t, b, `Array.from(document.querySelectorAll("#tree .tname")).map(e => e.textContent)`)
	for _, want := range []string{"</script><script>alert(3)</script>", `"><img src=x onerror=alert(6)>`} {
		if !slices.Contains(names, want) {
			t.Errorf("team names %q lack %q as text", names, want)
		}
	}
	cell := eval[string](t, b, `document.querySelector("#live-findings td.hi").textContent`)
	if want := `"><img src=x onerror=alert(4)>@hostile.example`; cell != want {
		t.Errorf("highlighted cell %q, want %q", cell, want)
	}
	b.click(t, `#tree button.team[data-team="1"]`)
	if text := eval[string](t, b, `document.getElementById("details").textContent`); !strings.Contains(text, "<script>alert(1)</script> Boss") {
		t.Errorf("details %q lack the manager's name as text", text)
	}
	b.check(t, path)
}

// TestBrowserWithoutScript checks that with JavaScript off the summary
// and the findings can be read.
func TestBrowserWithoutScript(t *testing.T) {
	b := newBrowser(t, 60*time.Second)
	r, path := writeReport(t, Options{Lint: lint.Options{Path: brokenOrg}})
	abs, _ := filepath.Abs(path)
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate("file://"+abs)); err != nil {
		t.Fatal(err)
	}
	if v := eval[string](t, b, `document.body.dataset.ready || ""`); v != "" {
		t.Fatal("the script ran although scripts are off")
	}
	if got := eval[string](t, b, `document.getElementById("verdict").innerText`); got != "A push would stop: 20 errors, 15 warnings, 6 info" {
		t.Errorf("verdict %q", got)
	}
	if n := eval[int](t, b, `Array.from(document.querySelectorAll("#static-findings .finding")).filter(e => e.offsetParent !== null).length`); n != len(r.Data().Findings) {
		t.Errorf("%d findings visible without script, want %d", n, len(r.Data().Findings))
	}
	b.check(t, path)
}

// shot captures the page from the top of the element sel, height pixels
// tall and the viewport wide.
func (b *browser) shot(t testing.TB, sel string, height float64) []byte {
	t.Helper()
	y := eval[float64](t, b, fmt.Sprintf(`document.querySelector(%q).getBoundingClientRect().top + window.scrollY`, sel))
	beyond := true
	res, err := chromedp.Call(b.ctx, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
		Clip:                  &cdppage.Viewport{X: 0, Y: y, Width: 1280, Height: height, Scale: 1},
		CaptureBeyondViewport: &beyond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.Data
}

// TestScreenshots checks the pictures of the report in docs/report.md for
// testdata/broken; -update takes them again in Chromium.
func TestScreenshots(t *testing.T) {
	team := -1 // the team selected in the tree's picture: T-OPS-SC
	shots := []struct {
		file string
		take func(b *browser) []byte
	}{
		{"report.png", func(b *browser) []byte { return b.shot(t, "#top", 1300) }},
		{"report-plan.png", nil}, // taken by planScreenshot
		{"report-tree.png", func(b *browser) []byte {
			b.click(t, "#org-view .toolbar button")
			b.click(t, fmt.Sprintf(`#tree button.team[data-team="%d"]`, team))
			return b.shot(t, "#org", 1000)
		}},
	}
	docs, err := filepath.Abs("../../docs")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		planted := plantedOrg(t) // before the Chdir: it reads ../../testdata
		b := newBrowser(t, 60*time.Second)
		t.Chdir("../..") // the paths a user at the top of the repository sees
		r := newReport(t, Options{Lint: lint.Options{Path: "testdata/broken"}})
		var ok bool
		if team, ok = r.Lint().Org.TeamIndex("T-OPS-SC"); !ok {
			t.Fatal("no team T-OPS-SC in testdata/broken")
		}
		path := filepath.Join(t.TempDir(), "report.html")
		if err := atomicfile.Write(path, r.Write); err != nil {
			t.Fatal(err)
		}
		b.open(t, path)
		for _, s := range shots {
			if s.take == nil {
				continue
			}
			if err := atomicfile.WriteFile(filepath.Join(docs, s.file), s.take(b)); err != nil {
				t.Fatal(err)
			}
		}
		b.check(t, path)
		planScreenshot(t, planted, filepath.Join(docs, "report-plan.png"))
	}
	for _, s := range shots {
		f, err := os.Open(filepath.Join(docs, s.file))
		if err != nil {
			t.Fatalf("%v (go test -run Screenshots -update takes it)", err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != 1280 {
			t.Errorf("docs/%s: not a 1280 pixels wide PNG (%v)", s.file, err)
		}
	}
}

// TestBrowserPlan loads the report of an org with planted changes since
// its last push, with JavaScript off and then on: both show the removal,
// the manager losing access and the email change, in that order.
func TestBrowserPlan(t *testing.T) {
	b := newBrowser(t, 60*time.Second)
	_, path := writeReport(t, Options{Lint: lint.Options{Path: plantedOrg(t)}})
	abs, _ := filepath.Abs(path)
	want := []struct{ id, text string }{
		{"plan-users-removed", "Kevin Park <kevin.park@cedarline.example> (25013)"},
		{"plan-managers-lost", "(T-FIN-ACC): no longer sees"},
		{"plan-email-changes", "ricardo.pinto@cedarline.example → ricardo.p@cedarline.example"},
		{"plan-users-added", "New Person <new.person@cedarline.example> (99999)"},
	}
	look := func(mode string) {
		t.Helper()
		ids := eval[[]string](t, b, `Array.from(document.querySelectorAll("#plan section.change")).filter(e => e.offsetParent !== null).map(e => e.id)`)
		var order []string
		for _, w := range want {
			order = append(order, w.id)
			text := eval[string](t, b, fmt.Sprintf(`(document.getElementById(%q) || {innerText: ""}).innerText`, w.id))
			if !strings.Contains(text, w.text) {
				t.Errorf("%s: #%s shows %q, want it to hold %q", mode, w.id, text, w.text)
			}
		}
		if !slices.Equal(ids[:min(len(ids), len(order))], order) {
			t.Errorf("%s: the plan's visible sections are %q, want them to start with %q", mode, ids, order)
		}
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate("file://"+abs)); err != nil {
		t.Fatal(err)
	}
	look("without JavaScript")
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	b.open(t, path)
	look("with JavaScript")
	b.check(t, path)
}

// planScreenshot takes docs/report.md's picture of the plan section: the
// sample org with planted changes since its last push.
func planScreenshot(t *testing.T, org, file string) {
	b := newBrowser(t, 60*time.Second)
	t.Chdir(org) // the paths a user in the org's folder sees
	r := newReport(t, Options{Lint: lint.Options{Path: "."}})
	path := filepath.Join(t.TempDir(), "report.html")
	if err := atomicfile.Write(path, r.Write); err != nil {
		t.Fatal(err)
	}
	b.open(t, path)
	h := eval[float64](t, b, `document.getElementById("plan").getBoundingClientRect().height`)
	if err := atomicfile.WriteFile(file, b.shot(t, "#plan", h+16)); err != nil {
		t.Fatal(err)
	}
	b.check(t, path)
}
