package lint

import (
	"crypto/sha256"
	"hash"
	"io"
	"os"
)

// digester hashes a file's bytes as the CSV reader reads them, so that
// a tool that needs the file's digest (a plan records the digest of each
// file it was made from) does not read the file again.
type digester struct {
	f *os.File
	h hash.Hash
}

// digesterAt is a digester whose file can read at an offset, which the
// CSV reader uses to place malformed quotes: such reads do not move the
// file's offset and are not hashed.
type digesterAt struct{ *digester }

// ReadAt reads from the file at off, as the file does.
func (d digesterAt) ReadAt(p []byte, off int64) (int, error) { return d.f.ReadAt(p, off) }

// newDigester returns a reader of f that hashes what it reads, an
// [io.ReaderAt] too when f can read at an offset.
func newDigester(f *os.File) interface {
	io.Reader
	sum(*[sha256.Size]byte) error
} {
	d := &digester{f: f, h: sha256.New()}
	if canReadAt(f) {
		return digesterAt{d}
	}
	return d
}

// Read reads from the file and hashes what it read.
func (d *digester) Read(p []byte) (int, error) {
	n, err := d.f.Read(p)
	d.h.Write(p[:n])
	return n, err
}

// sum hashes the rest of the file, which the reader may have left (a file
// that is not CSV stops it early), and puts the digest of the whole file
// into out.
func (d *digester) sum(out *[sha256.Size]byte) error {
	if _, err := io.Copy(d.h, d.f); err != nil {
		return err
	}
	d.h.Sum(out[:0])
	return nil
}
