package atomicfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestFolders: Make creates the missing folders of a path, outermost
// first; Undo removes those it created, innermost first, but keeps the
// folders that were there and any that are no longer empty.
func TestFolders(t *testing.T) {
	root := t.TempDir()
	var f Folders
	if err := f.Make(filepath.Join(root, "a", "b", "c")); err != nil {
		t.Fatal(err)
	}
	if err := f.Make(filepath.Join(root, "a", "d")); err != nil {
		t.Fatal(err)
	}
	if err := f.Make(root); err != nil { // there already: nothing to do
		t.Fatal(err)
	}
	if want := []string{filepath.Join(root, "a"), filepath.Join(root, "a", "b"), filepath.Join(root, "a", "b", "c"), filepath.Join(root, "a", "d")}; !slices.Equal(f.created, want) {
		t.Fatalf("created %q, want %q", f.created, want)
	}
	if err := os.WriteFile(filepath.Join(root, "a", "d", "kept.csv"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f.Undo()
	for path, want := range map[string]bool{root: true, filepath.Join(root, "a"): true, filepath.Join(root, "a", "d"): true, filepath.Join(root, "a", "b"): false} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s: there %t, want %t", path, err == nil, want)
		}
	}

	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Make(filepath.Join(file, "x")); err == nil {
		t.Error("a folder made under a file")
	}
}
