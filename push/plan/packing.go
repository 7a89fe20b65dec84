package plan

import (
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// packing is how a state of one version compresses its lists: the
// stream that follows the head line.
//
// Version 2 packs them as one gzip member, version 3 (written since) as a
// zstd stream: on a million users zstd unpacks the 146 MB of lists in
// 0.1 s where gzip takes 0.55 s, on the path of every plan, and packs
// them in 0.55 s (gzip 0.8 s) into 33 MB (gzip 41 MB). The standard
// library has no zstd: github.com/klauspost/compress is the package Go
// programs use for it (its decoder is fuzzed upstream, and bounded here).
type packing struct {
	// name is the format's name, for errors.
	name string
	// maxRatio is the most bytes one compressed byte of the format can
	// unpack to, by the format itself: the bound of what a state's lists
	// may hold that does not trust its head ([stateHead.listsBound]).
	maxRatio int64
	// open starts unpacking a stream read from src, no further than its
	// end for a format that marks one.
	open func(src io.Reader) (io.ReadCloser, error)
}

// packingOf returns the packing of a state of the given version (2 or
// 3), nil for any other.
func packingOf(version int) *packing {
	switch version {
	case stateVersion2:
		return &gzipPacking
	case stateVersion:
		return &zstdPacking
	}
	return nil
}

// gzipPacking is version 2's: one gzip member. Deflate unpacks a
// compressed byte into at most 1032 (258 bytes for two bits); the few
// bytes of a stream's end are given too.
var gzipPacking = packing{name: "gzip", maxRatio: 1032, open: func(src io.Reader) (io.ReadCloser, error) {
	zr, err := gzip.NewReader(src)
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	return zr, nil
}}

// zstdPacking is version 3's: a zstd stream. The most a compressed byte
// unpacks to is a run-length block's: 4 bytes for 128 KiB.
var zstdPacking = packing{name: "zstd", maxRatio: 128 << 10 / 4, open: func(src io.Reader) (io.ReadCloser, error) {
	// One block at a time on the caller's goroutine (the plan already
	// unpacks on a goroutine of its own), and no window larger than the
	// one a state is written with: a stream that asks for more is
	// refused before anything is unpacked.
	zr, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(stateWindow))
	if err != nil {
		return nil, err
	}
	return zr.IOReadCloser(), nil
}}

// stateWindow is the zstd window a state is written with, and the
// largest one read: what a stream may make the reader hold. A larger one
// packs a million users' lists no smaller.
const stateWindow = 1 << 20

// newListsWriter starts the zstd stream of a version 3 state's lists.
func newListsWriter(out io.Writer) (io.WriteCloser, error) {
	zw, err := zstd.NewWriter(out, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(stateWindow))
	if err != nil {
		return nil, fmt.Errorf("cannot start the state's lists: %w", err)
	}
	return zw, nil
}
