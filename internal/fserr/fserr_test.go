package fserr

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

func TestWithoutPath(t *testing.T) {
	_, err := os.Open("/no/such/file")
	if got := WithoutPath(err); !errors.Is(got, fs.ErrNotExist) || got.Error() != "no such file or directory" {
		t.Errorf("WithoutPath = %q, want the bare cause", got)
	}
	plain := errors.New("plain")
	if got := WithoutPath(plain); got != plain {
		t.Errorf("WithoutPath changed an error without a path: %v", got)
	}
}
