package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ovsync/ovsync/internal/fserr"
)

// Folders makes the missing folders of a run's outputs and remembers
// them, so that a run that fails can leave the disk as it found it
// ([Folders.Undo]).
type Folders struct {
	created []string
}

// Make creates dir and those of its parents that do not exist,
// outermost first.
func (f *Folders) Make(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil {
			return fmt.Errorf("%s: cannot create the folder: %w", missing[i], fserr.WithoutPath(err))
		}
		f.created = append(f.created, missing[i])
	}
	return nil
}

// Undo removes the folders Make created, innermost first, those that are
// still empty only.
func (f *Folders) Undo() {
	for i := len(f.created) - 1; i >= 0; i-- {
		os.Remove(f.created[i])
	}
	f.created = nil
}

// SameFile reports whether two paths name one file, or, where either is
// not there yet, one absolute path: an output that would replace one of
// the run's inputs.
func SameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	pa, _ := filepath.Abs(a)
	pb, _ := filepath.Abs(b)
	return pa == pb
}
