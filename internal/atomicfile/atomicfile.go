// Package atomicfile writes files so that readers see the old content or
// the new one, never a part: it writes a temporary file in the same folder
// and renames it over the target once complete.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
// over their targets. If any write fails, no target is touched.
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

// Commit renames every written file over its target.
func (b *Batch) Commit() error {
	for i, f := range b.files {
		if err := os.Rename(f.tmp, f.path); err != nil {
			for _, rest := range b.files[i:] {
				os.Remove(rest.tmp)
			}
			b.files = nil
			return fmt.Errorf("%s: cannot replace: %w", f.path, fserr.WithoutPath(err))
		}
	}
	b.files = nil
	return nil
}

// Discard removes the temporary files of a batch that will not be
// committed. It is safe to call after Commit.
func (b *Batch) Discard() {
	for _, f := range b.files {
		os.Remove(f.tmp)
	}
	b.files = nil
}
