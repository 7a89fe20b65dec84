package plan

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// unpackLists returns the head line of a state file with lists and its
// lists, unpacked as its version packs them.
func unpackLists(raw []byte) (head, lists []byte, err error) {
	head, zr, err := listsOf(raw)
	if err != nil {
		return nil, nil, err
	}
	defer zr.Close()
	lists, err = io.ReadAll(zr)
	return head, lists, err
}

// listsOf returns the head line of a state file with lists (version 2
// or 3) and a reader of its lists, unpacked.
func listsOf(raw []byte) (head []byte, lists io.ReadCloser, err error) {
	head, z, _ := bytes.Cut(raw, []byte("\n"))
	var v struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(head, &v); err != nil {
		return nil, nil, err
	}
	pk := packingOf(v.Version)
	if pk == nil {
		return nil, nil, fmt.Errorf("version %d has no lists", v.Version)
	}
	zr, err := pk.open(bytes.NewReader(z))
	if err != nil {
		return nil, nil, err
	}
	return head, zr, nil
}

// asVersion2 returns a state file of version 3 as the ovsync before
// version 3 wrote it: the same head but for its version, and the same
// lists through gzip.
func asVersion2(raw []byte) ([]byte, error) {
	line, lists, err := unpackLists(raw)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(line, []byte(`{"version":3,`)) {
		return nil, fmt.Errorf("not a state of version 3: %.40s", line)
	}
	out := append([]byte(`{"version":2,`), line[len(`{"version":3,`):]...)
	return append(append(out, '\n'), packed(gzipPacking, string(lists))...), nil
}

// packed returns text packed as pk packs a state's lists: gzip as the
// ovsync before version 3 wrote it, zstd as [stateWriter] does.
func packed(pk packing, text string) []byte {
	var b bytes.Buffer
	var zw io.WriteCloser
	if pk.name == "gzip" {
		zw, _ = gzip.NewWriterLevel(&b, gzip.BestSpeed)
	} else {
		var err error
		if zw, err = newListsWriter(&b); err != nil {
			panic(err)
		}
	}
	if _, err := io.WriteString(zw, text); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// zstdBomb returns a zstd frame of prefix and 512 MiB of zeros in 16 KiB:
// 4,096 run-length blocks of 128 KiB, each 4 bytes, the format's densest.
// windowLog is the window the frame asks for (2^windowLog bytes).
func zstdBomb(prefix string, windowLog int) []byte {
	out := binary.LittleEndian.AppendUint32(nil, 0xFD2FB528)
	// No content size, not one segment, no checksum, no dictionary; then
	// the window's exponent.
	out = append(out, 0, byte(windowLog-10)<<3)
	block := func(kind, size int, last bool) {
		h := size<<3 | kind<<1
		if last {
			h |= 1
		}
		out = append(out, byte(h), byte(h>>8), byte(h>>16))
	}
	if prefix != "" {
		block(0, len(prefix), false)
		out = append(out, prefix...)
	}
	const runs = 4096
	for i := range runs {
		block(1, 128<<10, i == runs-1)
		out = append(out, 0)
	}
	return out
}

// TestZstdBomb checks that the bomb is a zstd frame of 512 MiB of zeros
// for a reader that allows its window, and that the state's reader
// refuses a window beyond stateWindow before unpacking anything.
func TestZstdBomb(t *testing.T) {
	b := zstdBomb("U\t", 20)
	if len(b) > 20_000 {
		t.Errorf("the bomb is %d bytes", len(b))
	}
	zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	head := make([]byte, 2+1<<20)
	if _, err := io.ReadFull(zr, head); err != nil || string(head[:2]) != "U\t" || bytes.Count(head[2:], []byte{0}) != 1<<20 {
		t.Errorf("the bomb does not start with its prefix and zeros: %v", err)
	}
	if n, err := io.Copy(io.Discard, zr); err != nil || n != 512<<20-1<<20 {
		t.Errorf("the bomb unpacks to %d more bytes (%v), want %d", n, err, 511<<20)
	}

	wide, err := zstdPacking.open(bytes.NewReader(zstdBomb("", 21)))
	if err == nil {
		_, err = wide.Read(make([]byte, 1))
		wide.Close()
	}
	if !errors.Is(err, zstd.ErrWindowSizeExceeded) {
		t.Errorf("a window of 2 MiB: %v, want %v", err, zstd.ErrWindowSizeExceeded)
	}
}

// TestStateVersions reads a state written as version 3 and the same
// state as version 2 wrote it: the same state; and it refuses a state of
// a version to come, naming it.
func TestStateVersions(t *testing.T) {
	v3 := seedState(t)
	v2, err := asVersion2(v3)
	if err != nil {
		t.Fatal(err)
	}
	a, err := parseState(v3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseState(v2)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version != stateVersion || b.Version != stateVersion2 {
		t.Errorf("versions %d and %d", a.Version, b.Version)
	}
	b.Version = a.Version
	if fmt.Sprint(a.stateHead, a.Users, a.Teams, a.Mappings) != fmt.Sprint(b.stateHead, b.Users, b.Teams, b.Mappings) {
		t.Errorf("version 2 reads as\n%+v\nversion 3 as\n%+v", b, a)
	}

	next := append([]byte(`{"version":4,`), v3[len(`{"version":3,`):]...)
	_, err = parseState(next)
	if err == nil || !strings.Contains(err.Error(), "version 4, written by a newer ovsync") {
		t.Errorf("a state of version 4: %v", err)
	}
}
