// Package corpus finds, for tests, the corpora of other projects'
// spreadsheets and CSV files that ovsync is tested against: the folder
// ../shared/corpora beside the project's root (see its README). They are
// read in place, never copied into the project.
package corpus

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir returns the corpora folder, ../shared/corpora from the root of the
// module (the folder of go.mod, wherever the test runs from). Without it,
// the test is skipped with one line saying so, or fails when the CI
// environment variable is set: CI always has the corpora.
func Dir(t testing.TB) string {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "..", "shared", "corpora")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		msg := "the shared corpora are absent (" + dir + "): clone the shared folder beside the project to run this test"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

// ModuleRoot returns the nearest folder, from the working folder up, that
// holds go.mod: the project's root, wherever a test runs from.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working folder")
		}
		dir = parent
	}
}

// Find returns the corpora folder and whether it is there, for what may
// do without it (fuzz seeds).
func Find() (string, bool) {
	root, err := ModuleRoot()
	if err != nil {
		return "", false
	}
	dir := filepath.Join(root, "..", "shared", "corpora")
	st, err := os.Stat(dir)
	return dir, err == nil && st.IsDir()
}

// Files returns the files under the corpora folder dir whose names end
// with one of exts (compared regardless of case), in a stable order.
func Files(t testing.TB, dir string, exts ...string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.ToLower(d.Name())
		for _, e := range exts {
			if strings.HasSuffix(name, e) {
				out = append(out, p)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
