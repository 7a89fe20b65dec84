package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/lint"
)

// streamOrg writes a generated org of n users and returns its config.
func streamOrg(b *testing.B, n int) *lint.Config {
	b.Helper()
	dir := filepath.Join(b.TempDir(), strconv.Itoa(n))
	if _, err := orggen.WriteDir(dir, orggen.Options{Users: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(dir, "config.json")
	cfg, _, err := lint.LoadConfig(p, p)
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

// BenchmarkStream measures the client side of an upload alone: the body
// of generated orgs built from the files and read through the request's
// pipe (with the digest check) into io.Discard, as the transport would.
// MB/s is the body's rate.
func BenchmarkStream(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			cfg := streamOrg(b, n)
			h := sha256.New()
			size, err := legacyProtocol{}.WriteBody(h, cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			digest := "sha256:" + hex.EncodeToString(h.Sum(nil))
			e, err := parseEndpoint("http://127.0.0.1:1", "config.json", nil)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				var sent atomic.Int64
				req, err := syncRequest(context.Background(), legacyProtocol{}, e, cfg, &apiKey{value: "k"}, "", size, digest, &sent)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, req.Body); err != nil || n != size {
					b.Fatalf("streamed %d bytes of %d: %v", n, size, err)
				}
			}
		})
	}
}
