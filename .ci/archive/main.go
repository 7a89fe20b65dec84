//go:build ignore

// Command archive writes a release archive, .zip or .tar.gz by the output
// name's ending, from NAME=SOURCE pairs: each file SOURCE is stored as
// PREFIX/NAME. Entries keep their order, get the time of -mtime (the
// commit's, so that a rebuild gives the same bytes) and mode 0755 when the
// source is executable, 0644 otherwise. It uses the standard library only,
// so that a release needs nothing but Go.
//
//	go run .ci/archive/main.go -o dist/x.zip -prefix x -mtime 1700000000 ovsync.exe=/tmp/b README.md=README.md
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "", "the archive to write (.zip or .tar.gz)")
	prefix := flag.String("prefix", "", "the folder every entry is stored under")
	mtime := flag.Int64("mtime", 0, "modification time of every entry (Unix seconds)")
	flag.Parse()
	if *out == "" || *prefix == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: archive -o OUT -prefix DIR [-mtime SECONDS] NAME=SOURCE...")
		os.Exit(2)
	}
	if err := write(*out, *prefix, time.Unix(*mtime, 0).UTC(), flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "archive:", err)
		os.Exit(1)
	}
}

// write builds the archive in a temporary file beside out and renames it
// into place, so that an interrupted run leaves no partial archive.
func write(out, prefix string, mtime time.Time, pairs []string) (err error) {
	tmp, err := os.CreateTemp(path.Dir(out), ".archive-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var add func(name string, mode int64, size int64, r io.Reader) error
	var finish func() error
	switch {
	case strings.HasSuffix(out, ".zip"):
		zw := zip.NewWriter(tmp)
		add = func(name string, mode, size int64, r io.Reader) error {
			h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime}
			h.SetMode(os.FileMode(mode))
			w, err := zw.CreateHeader(h)
			if err != nil {
				return err
			}
			_, err = io.Copy(w, r)
			return err
		}
		finish = zw.Close
	case strings.HasSuffix(out, ".tar.gz"):
		gz, _ := gzip.NewWriterLevel(tmp, gzip.BestCompression)
		gz.ModTime = mtime
		tw := tar.NewWriter(gz)
		add = func(name string, mode, size int64, r io.Reader) error {
			h := &tar.Header{Name: name, Mode: mode, Size: size, ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			_, err := io.Copy(tw, r)
			return err
		}
		finish = func() error {
			if err := tw.Close(); err != nil {
				return err
			}
			return gz.Close()
		}
	default:
		return fmt.Errorf("%s: the name must end in .zip or .tar.gz", out)
	}
	for _, p := range pairs {
		name, src, ok := strings.Cut(p, "=")
		if !ok {
			return fmt.Errorf("%q is not NAME=SOURCE", p)
		}
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return err
		}
		mode := int64(0o644)
		if st.Mode()&0o111 != 0 {
			mode = 0o755
		}
		err = add(path.Join(prefix, name), mode, st.Size(), f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
	}
	if err := finish(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}
