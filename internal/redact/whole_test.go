package redact_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/redact"
)

// TestFindEveryForm finds the key whole in each of the texts a key is
// echoed or pasted in, at the place it is.
func TestFindEveryForm(t *testing.T) {
	for _, key := range keys {
		r := redact.New(key)
		for name, enc := range encodings(key) {
			t.Run(key+"/"+name, func(t *testing.T) {
				in := "before " + enc + " after"
				start, end, found := r.Find(in)
				if !found || !r.Holds(in) {
					t.Fatalf("Find(%q): not found", in)
				}
				if start < len("before ") || end > len(in)-len(" after") {
					t.Errorf("Find(%q) = [%d, %d): %q, outside the key", in, start, end, in[start:end])
				}
				if got := r.MaskWhole(in); !strings.HasPrefix(got, "before ") || !strings.HasSuffix(got, " after") || !strings.Contains(got, redact.Mask) || r.Holds(got) {
					t.Errorf("MaskWhole(%q) = %q", in, got)
				}
			})
		}
	}
}

// TestPiecesAreData: a value that holds a piece of the key, or the key
// with a character missing, does not hold the key.
func TestPiecesAreData(t *testing.T) {
	for _, key := range keys {
		r := redact.New(key)
		for i := 0; i+redact.MinPiece <= len(key); i++ {
			for _, piece := range []string{key[i : i+redact.MinPiece], key[:i] + key[i+1:], key[1:], key[:len(key)-1]} {
				in := "id-" + piece + "@example.com"
				if r.Holds(in) {
					t.Errorf("Holds(%q) with key %q: a piece is not the key", in, key)
				}
				if got := r.MaskWhole(in); got != in {
					t.Errorf("MaskWhole(%q) = %q, want it unchanged", in, got)
				}
			}
		}
	}
}

// TestFindKeyAmongPieces finds the key whole inside a run of its pieces,
// and masks it alone.
func TestFindKeyAmongPieces(t *testing.T) {
	key := keys[0]
	r := redact.New(key)
	in := key[:10] + key + key[20:] + " " + strings.ToUpper(key)
	if got, want := r.MaskWhole(in), key[:10]+redact.Mask+key[20:]+" "+redact.Mask; got != want {
		t.Errorf("MaskWhole = %q, want %q", got, want)
	}
	start, end, _ := r.Find(in)
	if start != 10 || end != 10+len(key) {
		t.Errorf("Find = [%d, %d), want [10, %d)", start, end, 10+len(key))
	}
}

// TestShortSecretNotWhole: a secret shorter than MinPiece is masked in
// messages but never found in data.
func TestShortSecretNotWhole(t *testing.T) {
	r := redact.New("abc", keys[0])
	if r.Holds("xabcx") || !r.Holds("a "+keys[0]) {
		t.Error("a short secret is looked for whole, or a long one is not any more")
	}
	var nilR *redact.Redactor
	if nilR.Holds(keys[0]) || nilR.MaskWhole("x") != "x" {
		t.Error("a nil redactor finds a secret")
	}
}

// guardIn is a text of data that shares pieces with keys[0] but does not
// hold it.
var guardIn = strings.Repeat("0001234 "+keys[0][4:20]+" "+strings.ToUpper(keys[0][10:30])+"\n", 50)

// TestGuardPassesData writes data holding pieces of the key through a
// guard, split at every place: it comes out unchanged.
func TestGuardPassesData(t *testing.T) {
	r := redact.New(keys[0])
	in := guardIn[:300]
	for i := 0; i <= len(in); i++ {
		var out bytes.Buffer
		g := r.Guard(&out)
		io.WriteString(g, in[:i])
		io.WriteString(g, in[i:])
		if err := g.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != in {
			t.Fatalf("split at %d: got %q", i, out.String())
		}
	}
}

// TestGuardStopsKey writes the key in each form inside data, split at
// every place: the guard fails, and writes no byte of the key.
func TestGuardStopsKey(t *testing.T) {
	for _, key := range keys {
		r := redact.New(key)
		for name, enc := range encodings(key) {
			in := "header line\n" + enc + "\nafter"
			for i := 0; i <= len(in); i++ {
				var out bytes.Buffer
				g := r.Guard(&out)
				_, err1 := io.WriteString(g, in[:i])
				_, err2 := io.WriteString(g, in[i:])
				err := errors.Join(err1, err2, g.Close())
				if !errors.Is(err, redact.ErrSecret) {
					t.Fatalf("%s, split at %d: err %v, wrote %q", name, i, err, out.String())
				}
				if r.Holds(out.String()) || len(out.String()) > len("header line\n")+len(enc) {
					t.Fatalf("%s, split at %d: wrote %q", name, i, out.String())
				}
				if _, err := g.Write([]byte("x")); !errors.Is(err, redact.ErrSecret) {
					t.Fatalf("a stopped guard writes on: %v", err)
				}
			}
		}
	}
}

// TestGuardAcrossFlush: a key that begins before a Flush and ends after
// it is still refused.
func TestGuardAcrossFlush(t *testing.T) {
	r := redact.New(keys[2])
	var out bytes.Buffer
	g := r.Guard(&out)
	io.WriteString(g, "x "+keys[2][:12])
	g.Flush()
	if _, err := io.WriteString(g, keys[2][12:]); !errors.Is(err, redact.ErrSecret) {
		t.Errorf("err %v, wrote %q", err, out.String())
	}
}

// TestGuardAddLater: a guard made before a key is known refuses it once
// it is added; without a key it holds nothing back.
func TestGuardAddLater(t *testing.T) {
	r := redact.New()
	var out bytes.Buffer
	g := r.Guard(&out)
	io.WriteString(g, "abc")
	if out.String() != "abc" {
		t.Errorf("a guard without a key held back: %q", out.String())
	}
	r.Add(keys[0])
	if _, err := io.WriteString(g, "x"+keys[0]); !errors.Is(err, redact.ErrSecret) {
		t.Errorf("err %v", err)
	}
}

// FuzzGuard writes data, with the key inserted or not, split at random
// places: without the key the guard writes it unchanged; with it, the
// guard fails and what it wrote holds no whole key.
func FuzzGuard(f *testing.F) {
	f.Add("0001234\nabc", uint8(3), uint64(1), uint8(0), true)
	f.Add("", uint8(0), uint64(7), uint8(1), false)
	f.Add(guardIn[:80], uint8(40), uint64(99), uint8(2), true)
	f.Fuzz(func(t *testing.T, text string, at uint8, seed uint64, which uint8, insert bool) {
		key := keys[int(which)%len(keys)]
		r := redact.New(key)
		in := text
		if insert {
			encs := encodings(key)
			names := []string{"plain", "upper", "query lower hex", "basic auth", "base64 aligned 1", "json", "html"}
			pos := int(at) % (len(text) + 1)
			in = text[:pos] + encs[names[int(seed%uint64(len(names)))]] + text[pos:]
		}
		rng := rand.New(rand.NewPCG(seed, 0))
		var out bytes.Buffer
		g := r.Guard(&out)
		var err error
		for rest := in; rest != "" && err == nil; {
			n := rng.IntN(len(rest) + 1)
			_, err = g.Write([]byte(rest[:n]))
			rest = rest[n:]
			if rng.IntN(8) == 0 && err == nil {
				err = g.Flush()
			}
		}
		if err == nil {
			err = g.Close()
		}
		switch {
		case r.Holds(in) != errors.Is(err, redact.ErrSecret):
			t.Fatalf("holds %t, guard error %v", r.Holds(in), err)
		case err == nil && out.String() != in:
			t.Fatalf("guard wrote %q, want %q", out.String(), in)
		case err != nil && !strings.HasPrefix(in, out.String()):
			t.Fatalf("guard wrote %q, not a start of the input", out.String())
		case r.Holds(out.String()):
			t.Fatalf("guard wrote the key: %q", out.String())
		}
	})
}

func BenchmarkHolds(b *testing.B) {
	r := redact.New(keys[2])
	fields := strings.Fields(strings.Repeat("0001234 someone@example.com Jean Dupont Engineering https://img.example.com/0001234.jpg 3f2504e0-4f89 ", 1000))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fields {
			if r.Holds(f) {
				b.Fatal(f)
			}
		}
	}
}
