package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
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
