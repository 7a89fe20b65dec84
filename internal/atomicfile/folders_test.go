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

// TestSameFile: two paths to one file, or to one place not written yet,
// are the same file; two files are not.
func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		x, y string
		want bool
	}{
		{a, filepath.Join(dir, ".", "a.csv"), true},
		{a, b, false},
		{filepath.Join(dir, "new.csv"), filepath.Join(dir, "sub", "..", "new.csv"), true},
		{a, filepath.Join(dir, "new.csv"), false},
	} {
		if got := SameFile(c.x, c.y); got != c.want {
			t.Errorf("SameFile(%s, %s) = %t, want %t", c.x, c.y, got, c.want)
		}
	}
}
