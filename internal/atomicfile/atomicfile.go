// Package atomicfile writes files so that readers see the old content or
// the new one, never a part: it writes a temporary file in the same folder
// and renames it over the target once complete.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/ovsync/ovsync/internal/fserr"
)

// Write creates or replaces path with what write produces. If write or
// any step fails, path is left as it was and the temporary file removed.
func Write(path string, write func(w io.Writer) error) error {
	var b Batch
	if err := b.Add(path, write); err != nil {
		return err
	}
	return b.Commit()
}

// WriteFile is Write for data already in memory.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Batch writes several files all or nothing: every file is written to a
// temporary file first, and only when all are complete are they renamed
// over their targets. If any write fails, no target is touched; if a
// rename fails, the targets already replaced get their old content back
// (see [Batch.Commit]).
type Batch struct {
	files []pending
}

type pending struct {
	path, tmp string
}

// Add writes the future content of path to a temporary file beside it.
// The folder must exist. An error of the file system names path, never
// the temporary file; an error of write that a failed write to the file
// caused is that file system error.
func (b *Batch) Add(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write: %w", path, fserr.WithoutPath(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// An error of the temporary file names the target: the temporary
	// name means nothing to the user, and the file is gone by then.
	failed := func(err error) error {
		return fmt.Errorf("%s: cannot write: %w", path, fserr.WithoutPath(err))
	}
	fw := &fileWriter{f: tmp}
	bw := bufio.NewWriterSize(fw, 256<<10)
	if err := write(bw); err != nil {
		if fw.err != nil {
			return failed(fw.err) // the cause of what write returned
		}
		return err
	}
	if err := bw.Flush(); err != nil {
		return failed(err)
	}
	if err := tmp.Sync(); err != nil {
		return failed(err)
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm() // keep the permissions of the file replaced
	}
	if err := tmp.Chmod(mode); err != nil {
		return failed(err)
	}
	if err := tmp.Close(); err != nil {
		return failed(err)
	}
	b.files = append(b.files, pending{path: path, tmp: tmp.Name()})
	return nil
}

// fileWriter writes to the temporary file and remembers its first error.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// Temp returns the temporary file that holds the future content of path,
// to read it back before Commit; "" when path was not added.
func (b *Batch) Temp(path string) string {
	for _, f := range b.files {
		if f.path == path {
			return f.tmp
		}
	}
	return ""
}

// Commit renames every written file over its target, all or nothing:
// the old content of each target is kept aside until every rename has
// succeeded, and put back if one fails (a file open in another program
// on Windows, a folder in the file's place), so that the old set stays
// whole. No temporary file is left either way. The error names the file
// that could not be replaced; should an old file fail to go back, the
// error also says where its content is kept.
func (b *Batch) Commit() error {
	files := b.files
	b.files = nil
	done := make([]replaced, 0, len(files))
	for i, f := range files {
		// The last file needs no copy of its old content: if its rename
		// fails, it was not replaced, and after it nothing can fail.
		r, err := replace(f, i < len(files)-1)
		if err != nil {
			for _, rest := range files[i+1:] {
				os.Remove(rest.tmp)
			}
			err = fmt.Errorf("%s: cannot replace: %w", f.path, withoutPaths(err))
			rerr := restore(done)
			if len(files) > 1 && rerr == nil {
				err = fmt.Errorf("%w (none of the %d files was replaced)", err, len(files))
			}
			return errors.Join(err, rerr)
		}
		done = append(done, r)
	}
	for _, r := range done {
		if r.old != "" {
			os.Remove(r.old)
		}
	}
	return nil
}

// replaced is a target Commit has replaced, with where its old content
// is kept ("" when there was none).
type replaced struct {
	path, old string
}

// These are variables so that tests can make a step fail.
var (
	rename = os.Rename
	link   = os.Link
)

// replace renames f's temporary file over its target. With keep, the
// target's old content is kept first under a name of its own, for
// [restore]. On failure, the target is as it was and the temporary file
// is gone.
func replace(f pending, keep bool) (replaced, error) {
	r := replaced{path: f.path}
	moved := false
	st, err := os.Lstat(f.path)
	switch {
	case err == nil && st.IsDir():
		err = errors.New("is a folder")
	case err == nil && keep:
		r.old = f.tmp + ".old"
		moved, err = keepOld(f.path, r.old)
	case errors.Is(err, fs.ErrNotExist):
		err = nil
	}
	if err != nil {
		os.Remove(f.tmp)
		return r, err
	}
	if err := rename(f.tmp, f.path); err != nil {
		os.Remove(f.tmp)
		switch {
		case moved:
			if rerr := rename(r.old, f.path); rerr != nil {
				return r, fmt.Errorf("%w; the old file could not be put back (it is kept as %s): %v", withoutPaths(err), r.old, withoutPaths(rerr))
			}
		case r.old != "":
			os.Remove(r.old) // a second link: the target is untouched
		}
		return r, err
	}
	return r, nil
}

// keepOld keeps the content of path under the name old, and says whether
// it moved path there. Where the system allows, old is a second link to
// the file, so that path is never missing for a reader. On Windows, where
// a file open in another program can get a second link but then cannot
// lose it (and cannot be replaced either), the file is moved aside
// instead: that fails at once, leaving nothing behind, when it is open.
func keepOld(path, old string) (moved bool, err error) {
	if runtime.GOOS != "windows" {
		if err := link(path, old); err == nil {
			return false, nil
		}
		// A file system without links (FAT, some network shares).
	}
	return true, rename(path, old)
}

// restore puts back the old content of the files Commit replaced, last
// first, and removes the files that did not exist before.
func restore(done []replaced) error {
	var errs []error
	for _, r := range slices.Backward(done) {
		if r.old == "" {
			if err := os.Remove(r.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("%s: cannot remove the new file: %w", r.path, withoutPaths(err)))
			}
			continue
		}
		if err := rename(r.old, r.path); err != nil {
			errs = append(errs, fmt.Errorf("%s: cannot put the old file back (it is kept as %s): %w", r.path, r.old, withoutPaths(err)))
		}
	}
	return errors.Join(errs...)
}

// withoutPaths returns the cause of a file system error that names its
// paths (a rename's names its temporary file), for a message that names
// the target itself.
func withoutPaths(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return fserr.WithoutPath(err)
}

// Discard removes the temporary files of a batch that will not be
// committed. It is safe to call after Commit.
func (b *Batch) Discard() {
	for _, f := range b.files {
		os.Remove(f.tmp)
	}
	b.files = nil
}
