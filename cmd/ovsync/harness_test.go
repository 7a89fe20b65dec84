package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"
)

// recordingT is a testscript.T that records instead of failing, so that a
// test can run scripts that must fail and read why.
type recordingT struct {
	mu     sync.Mutex
	log    strings.Builder
	failed bool
}

func (r *recordingT) Skip(args ...any) { r.Log(args...); runtime.Goexit() }
func (r *recordingT) Fatal(args ...any) {
	r.Log(args...)
	r.FailNow()
}
func (r *recordingT) Parallel() {}
func (r *recordingT) Log(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(&r.log, args...)
}
func (r *recordingT) FailNow() {
	r.mu.Lock()
	r.failed = true
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recordingT) Verbose() bool { return false }

// Run runs f in its own goroutine, as testing does, so that FailNow ends
// only f.
func (r *recordingT) Run(_ string, f func(testscript.T)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
}

// TestHarnessRefuses runs scripts that use the harness wrongly and checks
// that each fails, saying why, instead of being silently accepted.
func TestHarnessRefuses(t *testing.T) {
	tests := []struct{ name, script, want string }{
		{"set key", "fakeapi start\nfakeapi set -key other\n", "-key is not supported"},
		{"unknown flag", "fakeapi start -bogus 1\n", "bad flags"},
		{"extra argument", "fakeapi start extra\n", "bad flags"},
		{"unknown subcommand", "fakeapi start\nfakeapi reset\n", `unknown subcommand "reset"`},
		{"set before start", "fakeapi set -fail 1\n", "start the fake first"},
		{"unknown command", "frobnicate\n", "unknown command"},
		{"negated status", "! status 1 ovsync lint\n", "unsupported: ! status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "s.txtar"), []byte(tt.script), 0o644); err != nil {
				t.Fatal(err)
			}
			rt := &recordingT{}
			testscript.RunT(rt, scriptParams(t, dir))
			if !rt.failed || !strings.Contains(rt.log.String(), tt.want) {
				t.Errorf("the script\n%s\nfailed %t, want it failed with %q; log:\n%s", tt.script, rt.failed, tt.want, rt.log.String())
			}
		})
	}
}

var (
	// scriptRuns matches a script line that runs a program.
	scriptRuns = regexp.MustCompile(`^(!\s*)?(exec|status)\s`)
	// scriptReads matches a line that reads the last program's output
	// for what it holds.
	scriptReads = regexp.MustCompile(`^(stdout|stderr|(cmp|cmpenv|validjson)\s+(stdout|stderr))(\s|$)`)
	// scriptSilent matches a line that checks an output is empty.
	scriptSilent = regexp.MustCompile(`^!\s*(stdout|stderr)\s+\.\s*$`)
	// scriptCond is the condition of a line, "[unix] ".
	scriptCond = regexp.MustCompile(`^\[[^\]]*\]\s*`)
)

// TestScriptsCheckOutput reads every script and checks that each step
// that runs a program checks its output, not only its status: before the
// next program runs, a stdout, stderr or cmp/validjson of stdout or
// stderr that looks for something, or both "! stdout ." and "! stderr ."
// for a program that must be silent.
func TestScriptsCheckOutput(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, f := range files {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var step string
		var line int
		var read bool
		silent := map[string]bool{}
		check := func() {
			if step != "" && !read && !(silent["stdout"] && silent["stderr"]) {
				t.Errorf("%s:%d: %q: nothing checks its output (add stdout/stderr checks, or \"! stdout .\" and \"! stderr .\")", f, line, step)
			}
		}
		for i, l := range strings.Split(string(a.Comment), "\n") {
			l = scriptCond.ReplaceAllString(strings.TrimSpace(l), "")
			switch {
			case l == "" || strings.HasPrefix(l, "#"):
			case scriptRuns.MatchString(l):
				check()
				step, line, read = l, i+1, false
				clear(silent)
			case scriptReads.MatchString(l):
				read = true
			case scriptSilent.MatchString(l):
				silent[scriptSilent.FindStringSubmatch(l)[1]] = true
			}
		}
		check()
	}
}
