package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCommitWithAFileOpen holds the second target open, as Excel holds a
// CSV it shows: Windows refuses to replace it, and the batch must leave
// the first target's old content and no temporary file.
func TestCommitWithAFileOpen(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte("old "+filepath.Base(p)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open, err := os.Open(b) // no FILE_SHARE_DELETE: b cannot be renamed over
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	var batch Batch
	for _, p := range []string{a, b} {
		if err := batch.Add(p, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
			t.Fatal(err)
		}
	}
	err = batch.Commit()
	if err == nil {
		t.Fatal("Commit replaced a file open in another program")
	}
	if !strings.HasPrefix(err.Error(), b+": cannot replace: ") {
		t.Errorf("error %q does not name %s", err, b)
	}
	for _, p := range []string{a, b} {
		if got, _ := os.ReadFile(p); string(got) != "old "+filepath.Base(p)+"\n" {
			t.Errorf("%s is %q after a failed Commit, want its old content", p, got)
		}
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"a.csv", "b.csv"}) {
		t.Errorf("folder holds %q after a failed Commit", got)
	}
}
