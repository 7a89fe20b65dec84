package corpus

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestModuleRoot finds the project's root from this package's folder.
func TestModuleRoot(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "internal", "corpus", "corpus.go")); err != nil {
		t.Errorf("root %s: %v", root, err)
	}
}

// TestFiles lists the files of a folder by how their names end, in any
// case, subfolders included.
func TestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.xls", "b.XLS", "sub/c.xlsx", "d.csv", "e.xls.0.csv", "f"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, p := range Files(t, dir, ".xls", ".xlsx") {
		rel, _ := filepath.Rel(dir, p)
		got = append(got, filepath.ToSlash(rel))
	}
	if diff := cmp.Diff([]string{"a.xls", "b.XLS", "sub/c.xlsx"}, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}
