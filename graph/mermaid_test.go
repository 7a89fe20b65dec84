package graph

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mermaidModules returns the node_modules folder holding the pinned
// mermaid and jsdom of testdata/mermaid/package.json (or the one
// OVSYNC_MERMAID_MODULES names) and node. Without them the test is
// skipped on a developer's machine, and fails when CI is set: CI installs
// them (.ci/run: npm ci --prefix graph/testdata/mermaid).
func mermaidModules(t *testing.T) (modules, node string) {
	t.Helper()
	modules = os.Getenv("OVSYNC_MERMAID_MODULES")
	if modules == "" {
		modules, _ = filepath.Abs(filepath.Join("testdata", "mermaid", "node_modules"))
	}
	missing := func(why string) {
		const fix = "run: npm ci --prefix graph/testdata/mermaid"
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (%s)", why, fix)
		}
		t.Skipf("%s (%s)", why, fix)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on the PATH")
	}
	for _, m := range []string{"mermaid", "jsdom"} {
		if _, err := os.Stat(filepath.Join(modules, m, "package.json")); err != nil {
			missing(m + " is not installed in " + modules)
		}
	}
	return modules, node
}

// mermaidParse parses files with the real Mermaid library and returns,
// by file, the diagram type it read or its parse error.
func mermaidParse(t *testing.T, files ...string) map[string]struct{ Type, Error string } {
	t.Helper()
	modules, node := mermaidModules(t)
	cmd := exec.Command(node, append([]string{filepath.Join("testdata", "mermaid", "parse.mjs")}, files...)...)
	cmd.Env = append(os.Environ(), "OVSYNC_MERMAID_MODULES="+modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node parse.mjs: %v\n%s", err, stderr.String())
	}
	var got map[string]struct{ Type, Error string }
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node parse.mjs: %v\n%s", err, out)
	}
	return got
}

// TestGoldenMermaidParses has the real Mermaid library (the version pinned
// in testdata/mermaid) parse every golden .mmd file as a flowchart, and
// refuse a broken one, so that a parse that accepts anything cannot pass.
func TestGoldenMermaidParses(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.mmd"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden .mmd files: %v", err)
	}
	broken := filepath.Join(t.TempDir(), "broken.mmd")
	good, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	// An unclosed label, as an escaper that let a quote through would write.
	if err := os.WriteFile(broken, append(good, "\tt999(\"a\" b\") --> t0\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	got := mermaidParse(t, append(files, broken)...)
	for _, f := range files {
		r, ok := got[f]
		switch {
		case !ok:
			t.Errorf("%s: no result", f)
		case r.Error != "":
			t.Errorf("%s: Mermaid cannot parse it: %s", f, r.Error)
		case !strings.HasPrefix(r.Type, "flowchart"):
			t.Errorf("%s: Mermaid reads a %q diagram, want a flowchart", f, r.Type)
		}
	}
	if r := got[broken]; r.Error == "" {
		t.Errorf("Mermaid parsed a broken file: the check cannot fail")
	}
}
