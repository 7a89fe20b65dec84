package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// limitFileSize lowers the size a file of this process may reach to n
// bytes for the rest of the test: a write beyond it fails with EFBIG
// ("file too large"), as on a full quota.
func limitFileSize(t *testing.T, n uint64) {
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: old.Max}); err != nil {
		t.Skipf("cannot limit the file size: %v", err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old) })
}

func TestWriteErrorNamesTheTarget(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int // what is written: beyond the buffer, the write itself fails
		wrap bool
	}{
		{"at flush", 4 << 10, false},
		{"in write", 1 << 20, false},
		{"in write, wrapped by the caller", 1 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "org.dot")
			if err := WriteFile(path, []byte("old\n")); err != nil {
				t.Fatal(err)
			}
			limitFileSize(t, 1<<10)
			err := Write(path, func(w io.Writer) error {
				_, err := w.Write(bytes.Repeat([]byte("x"), tc.size))
				if err != nil && tc.wrap {
					err = fmt.Errorf("row 12: %w", err)
				}
				return err
			})
			if err == nil {
				t.Fatal("Write succeeded beyond the file size limit")
			}
			if !errors.Is(err, syscall.EFBIG) {
				t.Errorf("error %q is not EFBIG", err)
			}
			want := path + ": cannot write: file too large"
			if err.Error() != want || strings.Contains(err.Error(), ".tmp-") {
				t.Errorf("error = %q, want %q", err, want)
			}
			if b, _ := os.ReadFile(path); string(b) != "old\n" {
				t.Errorf("file is %q, want the old content", b)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("temporary files left: %v", entries)
			}
		})
	}
}
