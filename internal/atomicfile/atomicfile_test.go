package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWriteLeavesTheOldFileOnFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	if err := WriteFile(path, []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("interrupted")
	})
	if err == nil {
		t.Fatal("want the write's error")
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("file is %q, want the old content", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestBatchIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "sub", "b.csv")
	if err := WriteFile(a, []byte("old a\n")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Dir(b), 0o755); err != nil {
		t.Fatal(err)
	}
	var batch Batch
	if err := batch.Add(a, func(w io.Writer) error { _, err := io.WriteString(w, "new a\n"); return err }); err != nil {
		t.Fatal(err)
	}
	if err := batch.Add(b, func(io.Writer) error { return errors.New("bad input") }); err == nil {
		t.Fatal("want the write's error")
	}
	batch.Discard()
	if got, _ := os.ReadFile(a); string(got) != "old a\n" {
		t.Errorf("a is %q after a failed batch, want the old content", got)
	}
	if _, err := os.Stat(b); err == nil {
		t.Error("b written by a failed batch")
	}

	batch = Batch{}
	for _, p := range []string{a, b} {
		if err := batch.Add(p, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := os.ReadFile(a); string(got) != "old a\n" {
		t.Errorf("a replaced before Commit")
	}
	if err := batch.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{a, b} {
		if got, _ := os.ReadFile(p); string(got) != "new\n" {
			t.Errorf("%s is %q after Commit", p, got)
		}
	}
}

// errInUse is what Windows answers when a rename would replace a file
// that another program holds open (Excel does, for a CSV it shows).
var errInUse = errors.New("the process cannot access the file because it is being used by another process")

// failRenameOver makes every rename of a temporary file over target fail
// with errInUse for the rest of the test, as Windows does when target is
// open; with noLinks, the file system also refuses second links.
func failRenameOver(t *testing.T, target string, noLinks bool) {
	t.Cleanup(func() { rename, link = os.Rename, os.Link })
	rename = func(old, new string) error {
		if new == target && strings.Contains(filepath.Base(old), ".tmp-") && !strings.HasSuffix(old, ".old") {
			return &os.LinkError{Op: "rename", Old: old, New: new, Err: errInUse}
		}
		return os.Rename(old, new)
	}
	if noLinks {
		link = func(old, new string) error {
			return &os.LinkError{Op: "link", Old: old, New: new, Err: errors.ErrUnsupported}
		}
	}
}

// TestCommitKeepsTheOldSet makes one rename of a batch fail after others
// succeeded and checks that every target holds its old content again (or
// is absent again, if it was), and that no temporary file is left.
func TestCommitKeepsTheOldSet(t *testing.T) {
	for _, tc := range []struct {
		name    string
		old     map[string]string // the targets before, "" for none
		fail    string            // the target whose rename fails
		noLinks bool
		dir     bool // fail with a folder in fail's place instead
	}{
		{name: "second of two", old: map[string]string{"a.csv": "old a\n", "b.csv": "old b\n"}, fail: "b.csv"},
		{name: "second of two, no links", old: map[string]string{"a.csv": "old a\n", "b.csv": "old b\n"}, fail: "b.csv", noLinks: true},
		{name: "third of three", old: map[string]string{"a.csv": "old a\n", "b.csv": "old b\n", "c.csv": "old c\n"}, fail: "c.csv"},
		{name: "third of three, no links", old: map[string]string{"a.csv": "old a\n", "b.csv": "old b\n", "c.csv": "old c\n"}, fail: "c.csv", noLinks: true},
		{name: "second of three", old: map[string]string{"a.csv": "old a\n", "b.csv": "old b\n", "c.csv": "old c\n"}, fail: "b.csv"},
		{name: "a new first file is removed again", old: map[string]string{"a.csv": "", "b.csv": "old b\n"}, fail: "b.csv"},
		{name: "a folder in the second file's place", old: map[string]string{"a.csv": "old a\n", "b.csv": ""}, fail: "b.csv", dir: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			names := slices.Sorted(maps.Keys(tc.old))
			for _, name := range names {
				if tc.old[name] != "" {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(tc.old[name]), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			target := filepath.Join(dir, tc.fail)
			if tc.dir {
				if err := os.Mkdir(target, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := listDir(t, dir)
			var batch Batch
			for _, name := range names {
				if err := batch.Add(filepath.Join(dir, name), func(w io.Writer) error {
					_, err := io.WriteString(w, "new "+name+"\n")
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			if !tc.dir {
				failRenameOver(t, target, tc.noLinks)
			}
			err := batch.Commit()
			if err == nil {
				t.Fatal("Commit succeeded")
			}
			if !strings.HasPrefix(err.Error(), target+": cannot replace: ") || strings.Contains(err.Error(), ".tmp-") {
				t.Errorf("error %q does not name %s alone", err, target)
			}
			if !tc.dir && !errors.Is(err, errInUse) {
				t.Errorf("error %q does not wrap the rename's", err)
			}
			if want := fmt.Sprintf("(none of the %d files was replaced)", len(names)); !strings.HasSuffix(err.Error(), want) {
				t.Errorf("error %q does not end with %q", err, want)
			}
			for _, name := range names {
				got, err := os.ReadFile(filepath.Join(dir, name))
				switch {
				case name == tc.fail && tc.dir:
				case tc.old[name] == "" && !errors.Is(err, fs.ErrNotExist):
					t.Errorf("%s: %q, %v after a failed Commit; want no file, as before", name, got, err)
				case tc.old[name] != "" && string(got) != tc.old[name]:
					t.Errorf("%s is %q after a failed Commit, want the old %q", name, got, tc.old[name])
				}
			}
			if after := listDir(t, dir); !slices.Equal(after, before) {
				t.Errorf("folder holds %q after a failed Commit, want %q as before", after, before)
			}
		})
	}
}

// TestCommitRemovesKeptFiles checks that a successful batch over old
// files leaves only its targets, with the new content.
func TestCommitRemovesKeptFiles(t *testing.T) {
	dir := t.TempDir()
	var batch Batch
	for _, name := range []string{"a.csv", "b.csv", "c.csv"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("old\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := batch.Add(p, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if err := batch.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, want := listDir(t, dir), []string{"a.csv", "b.csv", "c.csv"}; !slices.Equal(got, want) {
		t.Errorf("folder holds %q, want %q", got, want)
	}
	for _, name := range []string{"a.csv", "b.csv", "c.csv"} {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != "new\n" {
			t.Errorf("%s is %q", name, got)
		}
	}
}

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestBatchTempHoldsTheFutureContent(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	if err := WriteFile(a, []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	var batch Batch
	defer batch.Discard()
	if got := batch.Temp(a); got != "" {
		t.Errorf("Temp of a file not added = %q, want \"\"", got)
	}
	if err := batch.Add(a, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
		t.Fatal(err)
	}
	tmp := batch.Temp(a)
	if got, err := os.ReadFile(tmp); err != nil || string(got) != "new\n" {
		t.Errorf("Temp(a) holds %q, %v; want the new content", got, err)
	}
	if got, _ := os.ReadFile(a); string(got) != "old\n" {
		t.Errorf("a is %q before Commit", got)
	}
	if err := batch.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err == nil {
		t.Errorf("the temporary file %s is left after Commit", tmp)
	}
}
