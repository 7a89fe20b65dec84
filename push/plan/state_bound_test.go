package plan

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strings"
	"sync"
	"testing"

	"github.com/ovsync/ovsync/internal/peakrss"
)

// stateWithHead returns a state file of version 2: the head line of h,
// then lists (a gzip stream, or any bytes). h may give another version.
func stateWithHead(t testing.TB, h map[string]any, lists []byte) []byte {
	t.Helper()
	head := map[string]any{"version": 2, "protocol": ProtocolLegacy, "apiUrl": "https://app.officevibe.com",
		"digest": "sha256:00", "bytes": 1000, "userKeys": []string{"userId", "email", "firstName", "lastName"},
		"userRoles": []int{0, 1, 2, 3}, "counts": []int{1, 1, 2}}
	for k, v := range h {
		head[k] = v
	}
	b, err := json.Marshal(head)
	if err != nil {
		t.Fatal(err)
	}
	return append(append(b, '\n'), lists...)
}

// seedLists are the lists of seedState's head counts (1 user, 1 team, 2
// mappings), as text.
const seedLists = "U\t1\ta@example.com\tAna\tSilva\nT\tT\tTeam\nM\tT\t1\t\t3\nM\tT\t\tS\t0\n"

var (
	bombMu sync.Mutex
	bombs  = map[string][]byte{}
)

// gzipBomb returns a gzip stream of prefix and 512 MiB of zeros, about
// 0.5 MB, the damaged state of the issue. Compressing 512 MiB takes a
// minute under the race detector, so it is put together instead: the
// compressed form of one MiB of zeros that follows zeros is the same
// every time, so the stream is the prefix and the first MiB, then that
// form 511 times, then the end.
func gzipBomb(t testing.TB, prefix string) []byte {
	bombMu.Lock()
	defer bombMu.Unlock()
	if b, ok := bombs[prefix]; ok {
		return b
	}
	var seg bytes.Buffer
	fw, err := flate.NewWriter(&seg, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	fw.Write([]byte(prefix))
	fw.Write(zeros)
	fw.Flush() // byte-aligned from here
	first := seg.Len()
	fw.Write(zeros)
	fw.Flush()
	again := seg.Len()
	fw.Close()
	z := seg.Bytes()
	out := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
	out = append(out, z[:first]...)
	for range 511 {
		out = append(out, z[first:again]...)
	}
	out = append(out, z[again:]...)
	crc := crc32.ChecksumIEEE([]byte(prefix))
	for range 512 {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	out = binary.LittleEndian.AppendUint32(out, crc)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(prefix)+512<<20))
	bombs[prefix] = out
	return out
}

// TestGzipBomb checks that the bomb unpacks to 512 MiB of zeros (the
// first MiB and the size: unpacking it all takes too long under the race
// detector).
func TestGzipBomb(t *testing.T) {
	b := gzipBomb(t, "")
	if len(b) > 600_000 {
		t.Errorf("the bomb is %d bytes", len(b))
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 1<<20)
	if _, err := zr.Read(head); err != nil || bytes.Count(head, []byte{0}) != len(head) {
		t.Errorf("the bomb does not start with zeros: %v", err)
	}
	if size := binary.LittleEndian.Uint32(b[len(b)-4:]); size != 512<<20 {
		t.Errorf("size %d", size)
	}
}

// damagedStates are state files that are empty, damaged, cut short or
// crafted, each with what its error must say: of version 2 (gzip) and of
// version 3 (zstd).
func damagedStates(t testing.TB) []damagedState {
	cases := []damagedState{
		{"empty", nil, "the state file is empty"},
		{"blank", []byte(" \n\n"), "the state file is empty"},
		{"version 2: gzip bomb of zeros", stateWithHead(t, nil, gzipBomb(t, "")), "damaged"},
		{"version 2: gzip bomb that claims its size", stateWithHead(t, map[string]any{"bytes": 1 << 40, "counts": []int{1, 0, 0}}, gzipBomb(t, "")), "line 1 of its lists is not a user, team or mapping"},
		{"version 2: gzip bomb in a user", stateWithHead(t, map[string]any{"counts": []int{1, 0, 0}}, gzipBomb(t, "U\t")), "more than the 2000 bytes"},
		{"version 2: bytes after the lists", append(stateWithHead(t, nil, packed(gzipPacking, seedLists)), "junk"...), "after its lists"},
		{"version 3: zstd bomb of zeros", stateWithHead(t, map[string]any{"version": 3}, zstdBomb("", 20)), "damaged"},
		{"version 3: zstd bomb that claims its size", stateWithHead(t, map[string]any{"version": 3, "bytes": 1 << 40, "counts": []int{1, 0, 0}}, zstdBomb("", 20)), "line 1 of its lists is not a user, team or mapping"},
		{"version 3: zstd bomb in a user", stateWithHead(t, map[string]any{"version": 3, "counts": []int{1, 0, 0}}, zstdBomb("U\t", 20)), "more than the 2000 bytes"},
		{"version 3: zstd window of 8 MiB", stateWithHead(t, map[string]any{"version": 3}, zstdBomb("", 23)), "window size exceeded"},
		{"version 3: zstd window of 512 MiB", stateWithHead(t, map[string]any{"version": 3, "bytes": 1 << 40, "counts": []int{1, 0, 0}}, zstdBomb("U\t", 29)), "window size exceeded"},
		{"version 3: bytes after the lists", append(stateWithHead(t, map[string]any{"version": 3}, packed(zstdPacking, seedLists)), "junk"...), "damaged"},
	}
	for _, pk := range []packing{gzipPacking, zstdPacking} {
		version := 2
		if pk.name == "zstd" {
			version = 3
		}
		head := func(h map[string]any) map[string]any {
			with := map[string]any{"version": version}
			for k, v := range h {
				with[k] = v
			}
			return with
		}
		lists := packed(pk, seedLists)
		valid := stateWithHead(t, head(nil), lists)
		for _, tc := range []damagedState{
			{"head only", stateWithHead(t, head(nil), nil), "cut short"},
			{"huge counts", stateWithHead(t, head(map[string]any{"counts": []int64{1 << 40, 1 << 40, 1 << 40}}), lists), "more than the file can hold"},
			{"largest counts", stateWithHead(t, head(map[string]any{"counts": []int64{1<<63 - 1, 1<<63 - 1, 1<<63 - 1}}), lists), "more than the file can hold"},
			{"negative counts", stateWithHead(t, head(map[string]any{"counts": []int{-1, 1, 2}}), lists), "negative"},
			{"most negative counts", stateWithHead(t, head(map[string]any{"counts": []int64{-1 << 63, 1, 2}}), lists), "negative"},
			{"counts beyond the lists", stateWithHead(t, head(map[string]any{"counts": []int{1_000_000, 0, 0}}), lists), "more than the file can hold"},
			{"counts beyond the body", stateWithHead(t, head(map[string]any{"counts": []int{1000, 0, 0}, "bytes": 100}), packed(pk, strings.Repeat("U\t1\ta\tb\tc\n", 1000))), "more than the file can hold"},
			{"fewer lines than counted", stateWithHead(t, head(map[string]any{"counts": []int{2, 1, 2}}), lists), "cut short"},
			{"more lines than counted", stateWithHead(t, head(map[string]any{"counts": []int{0, 1, 2}}), lists), "one more of its users than its head counts"},
			{"roles out of range", stateWithHead(t, head(map[string]any{"userRoles": []int{0, 1, 2, 9}}), lists), "user keys"},
			{"cut in the stream", valid[:len(valid)-20], "cut short"},
			{"cut at the stream's end", valid[:len(valid)-3], "cut short"},
			{"not " + pk.name, stateWithHead(t, head(nil), []byte("U\t1\ta\tb\tc\n")), "damaged"},
			{"not a list line", stateWithHead(t, head(nil), packed(pk, "X\t1\n")), "line 1 of its lists is not a user, team or mapping"},
			{"bad mapping flags", stateWithHead(t, head(map[string]any{"counts": []int{0, 0, 1}}), packed(pk, "M\tT\t1\t\t7\n")), "line 1 of its lists is not a mapping"},
		} {
			tc.name = fmt.Sprintf("version %d: %s", version, tc.name)
			cases = append(cases, tc)
		}
	}
	return cases
}

// damagedState is a damaged state file and what its error must say.
type damagedState struct {
	name string
	raw  []byte
	want string
}

// TestDamagedStateBounded reads damaged state files: each is an error
// saying what is wrong, never a panic, and what the reader allocates
// stays within what the file really holds, never what its head claims
// (the files: counts that make a slice of 2^40 users, negative
// counts, a gzip bomb of 512 MiB of zeros that took 2.5 GB).
func TestDamagedStateBounded(t *testing.T) {
	for _, tc := range damagedStates(t) {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := peakrss.Allocated(func() {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				_, err = parseState(tc.raw)
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
			// What the reader may hold at once: a MiB of text and the
			// unpacker's window, whatever the file claims.
			const bound = 4 << 20
			t.Logf("%d bytes in the file, %d bytes allocated", len(tc.raw), n)
			if n > bound {
				t.Errorf("reading %d bytes allocated %d bytes (bound %d)", len(tc.raw), n, bound)
			}
		})
	}
}

// BenchmarkDamagedState measures what reading each damaged state costs:
// go test -run '^$' -bench DamagedState -benchmem ./push
func BenchmarkDamagedState(b *testing.B) {
	for _, tc := range damagedStates(b) {
		b.Run(strings.ReplaceAll(tc.name, " ", "-"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parseState(tc.raw); err == nil {
					b.Fatal("read")
				}
			}
		})
	}
}
