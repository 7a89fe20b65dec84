package redact_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ovsync/ovsync/internal/redact"
)

// Keys the tests hide: a plain one, one whose every form differs (URL,
// HTML, JSON and base64 escapes), and a GUID as Officevibe issues them.
var keys = []string{
	"ovk-secret-0123456789abcdefghij",
	`K3y+/With=Odd&Chars%2B?#"<>\'x`,
	"3f2504e0-4f89-11d3-9a0c-0305e82c3301",
}

// leak returns the first piece of MinPiece characters of a form of key
// that s holds, in any letter case, or "".
func leak(s, key string) string {
	low := strings.ToLower(s)
	for _, f := range redact.Forms(key) {
		f = strings.ToLower(f)
		for i := 0; i+redact.MinPiece <= len(f); i++ {
			if strings.Contains(low, f[i:i+redact.MinPiece]) {
				return f[i : i+redact.MinPiece]
			}
		}
	}
	return ""
}

// encodings are the texts a service or a proxy may echo a key in.
func encodings(key string) map[string]string {
	swapHex := func(s string) string { // %2b instead of %2B
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] == '%' && i+2 < len(s) {
				b.WriteString("%" + strings.ToLower(s[i+1:i+3]))
				i += 2
				continue
			}
			b.WriteByte(s[i])
		}
		return b.String()
	}
	out := map[string]string{
		"plain":            key,
		"upper":            strings.ToUpper(key),
		"lower":            strings.ToLower(key),
		"query":            url.QueryEscape(key),
		"query lower hex":  swapHex(url.QueryEscape(key)),
		"path":             url.PathEscape(key),
		"path lower hex":   swapHex(url.PathEscape(key)),
		"url in a query":   "https://example.test/x?key=" + url.QueryEscape(key) + "&y=1",
		"basic auth":       base64.StdEncoding.EncodeToString([]byte("user:" + key)),
		"basic auth url":   base64.URLEncoding.EncodeToString([]byte("u:" + key + "!")),
		"base64 aligned 0": base64.StdEncoding.EncodeToString([]byte(key)),
		"base64 aligned 1": base64.RawStdEncoding.EncodeToString([]byte("x" + key)),
		"base64 aligned 2": base64.RawURLEncoding.EncodeToString([]byte("xy" + key + "z")),
		"html":             "<p>" + strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(key) + "</p>",
		"json":             fmt.Sprintf(`{"key":%q}`, key),
	}
	return out
}

func TestStringRemovesEveryForm(t *testing.T) {
	for _, key := range keys {
		r := redact.New(key)
		for name, enc := range encodings(key) {
			t.Run(key+"/"+name, func(t *testing.T) {
				in := "before " + enc + " after"
				got := r.String(in)
				if l := leak(got, key); l != "" {
					t.Errorf("String(%q) = %q: holds %q", in, got, l)
				}
				if !strings.Contains(got, redact.Mask) || !strings.HasPrefix(got, "before ") || !strings.HasSuffix(got, " after") {
					t.Errorf("String(%q) = %q, want the text around the key kept and %s in its place", in, got, redact.Mask)
				}
			})
		}
	}
}

// TestPiecesAreRemoved cuts the key at every place, as a message cut for
// display does, and finds no piece of 6 characters left.
func TestPiecesAreRemoved(t *testing.T) {
	for _, key := range keys {
		r := redact.New(key)
		for i := 0; i <= len(key)-redact.MinPiece; i++ {
			for _, piece := range []string{key[i:], key[:len(key)-i], key[i : i+redact.MinPiece]} {
				in := "the answer: " + piece + "…"
				if got := r.String(in); leak(got, key) != "" || !strings.HasPrefix(got, "the answer: ") {
					t.Errorf("String(%q) = %q", in, got)
				}
			}
		}
		// A piece of 5 characters is not a piece of the key.
		if in := "x" + key[3:8] + "x"; r.String(in) != in {
			t.Errorf("String(%q) = %q, want it unchanged", in, r.String(in))
		}
	}
}

func TestStringKeepsOtherText(t *testing.T) {
	r := redact.New(keys[0])
	for _, s := range []string{"", "hello", "ovsync: the service refused the sync (400 Bad Request)", "ovk-s", "secre", "01234", "日本語 text"} {
		if got := r.String(s); got != s {
			t.Errorf("String(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestRunsMaskedOnce(t *testing.T) {
	key := keys[0]
	r := redact.New(key)
	if got, want := r.String("a "+key+key+" b "+key), "a "+redact.Mask+" b "+redact.Mask; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCutRedactsFirst(t *testing.T) {
	key := keys[0]
	r := redact.New(key)
	for off := 0; off <= 60; off++ {
		in := strings.Repeat("x", off) + key + " tail"
		for limit := 1; limit < len(in)+2; limit++ {
			got := r.Cut(in, limit)
			if l := leak(got, key); l != "" {
				t.Fatalf("Cut(%q, %d) = %q: holds %q", in, limit, got, l)
			}
		}
	}
	if got := r.Cut("héllo wörld", 5); got != "héllo…" {
		t.Errorf("Cut = %q, want %q", got, "héllo…")
	}
	if got := r.Cut("ab\xffc", 10); got != "ab\uFFFDc" {
		t.Errorf("Cut = %q", got)
	}
}

func TestShortSecret(t *testing.T) {
	r := redact.New("abc")
	if got := r.String("xabcx ab"); got != "x"+redact.Mask+"x ab" {
		t.Errorf("got %q", got)
	}
}

func TestNilAndEmpty(t *testing.T) {
	var r *redact.Redactor
	if !r.Empty() || r.String("k") != "k" || string(r.Bytes([]byte("k"))) != "k" || r.Cut("kk", 1) != "k…" {
		t.Error("a nil redactor changes text")
	}
	var buf bytes.Buffer
	w := r.Writer(&buf)
	io.WriteString(w, "abc")
	if buf.String() != "abc" {
		t.Errorf("a nil redactor's writer holds back: %q", buf.String())
	}
	if !redact.New("", "").Empty() {
		t.Error("empty secrets count")
	}
}

func TestError(t *testing.T) {
	key := keys[0]
	r := redact.New(key)
	base := errors.New("boom")
	err := r.Error(fmt.Errorf("the key %s: %w", key[4:], base))
	if leak(err.Error(), key) != "" || !errors.Is(err, base) {
		t.Errorf("Error: %q, Is %v", err, errors.Is(err, base))
	}
	if r.Error(nil) != nil || r.Error(base) != base {
		t.Error("Error changes an error without the key")
	}
}

// TestWriterSplits writes a text holding the key in every form, split in
// two and in three at every place, and finds what String finds.
func TestWriterSplits(t *testing.T) {
	for _, key := range keys {
		r := redact.New(key)
		var b strings.Builder
		for _, name := range []string{"plain", "upper", "query", "path lower hex", "basic auth", "json", "html"} {
			b.WriteString("line " + name + ": " + encodings(key)[name] + "\n")
		}
		b.WriteString("no newline at the end " + key[:20])
		in := b.String()
		want := r.String(in)
		if l := leak(want, key); l != "" {
			t.Fatalf("String leaves %q", l)
		}
		for i := 0; i <= len(in); i++ {
			j := min(len(in), i+7)
			var out bytes.Buffer
			w := r.Writer(&out)
			for _, p := range []string{in[:i], in[i:j], in[j:]} {
				if n, err := io.WriteString(w, p); n != len(p) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Fatalf("split at %d and %d:\n got %q\nwant %q", i, j, out.String(), want)
			}
		}
	}
}

// TestWriterByteByByte writes one byte at a time.
func TestWriterByteByByte(t *testing.T) {
	key := keys[1]
	r := redact.New(key)
	in := "a " + key + " b " + url.QueryEscape(key) + " c"
	var out bytes.Buffer
	w := r.Writer(&out)
	for i := 0; i < len(in); i++ {
		w.Write([]byte{in[i]})
	}
	w.Flush()
	if got, want := out.String(), r.String(in); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestWriterHoldsLittle checks that a line is written when it ends and
// that at most MinPiece-1 bytes wait otherwise.
func TestWriterHoldsLittle(t *testing.T) {
	r := redact.New(keys[0])
	var out bytes.Buffer
	w := r.Writer(&out)
	io.WriteString(w, "progress: 10 rows\n")
	if out.String() != "progress: 10 rows\n" {
		t.Errorf("a whole line was held back: %q", out.String())
	}
	io.WriteString(w, "a partial line mmmmmmmmmm")
	if got := out.String(); got != "progress: 10 rows\na partial line mmmmm" {
		t.Errorf("got %q, want all but %d bytes", got, redact.MinPiece-1)
	}
	io.WriteString(w, "m\n")
	if got := out.String(); !strings.HasSuffix(got, "line mmmmmmmmmmm\n") {
		t.Errorf("got %q, want everything up to a line break", got)
	}
}

// TestWriterLongRun writes the key over and over, in small writes, far
// beyond what the writer holds back.
func TestWriterLongRun(t *testing.T) {
	key := keys[0]
	r := redact.New(key)
	var out bytes.Buffer
	w := r.Writer(&out)
	in := strings.Repeat(key, 100<<10/len(key))
	for i := 0; i < len(in); i += 1000 {
		io.WriteString(w, in[i:min(i+1000, len(in))])
	}
	io.WriteString(w, " end\n")
	w.Flush()
	if l := leak(out.String(), key); l != "" {
		t.Fatalf("a long run leaves %q", l)
	}
	if got := out.String(); !strings.HasSuffix(got, redact.Mask+" end\n") || len(got) > 200 {
		t.Errorf("got %q", got)
	}
}

func TestWriterAddLater(t *testing.T) {
	r := redact.New()
	var out bytes.Buffer
	w := r.Writer(&out)
	io.WriteString(w, "before\n")
	r.Add(keys[2])
	io.WriteString(w, "key "+keys[2][:10])
	io.WriteString(w, keys[2][10:]+"\n")
	if got := out.String(); got != "before\nkey "+redact.Mask+"\n" {
		t.Errorf("got %q", got)
	}
}

func TestWriterConcurrent(t *testing.T) {
	key := keys[0]
	r := redact.New(key)
	var out bytes.Buffer
	w := r.Writer(&out)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				fmt.Fprintf(w, "goroutine %d line %d key %s\n", g, i, key)
			}
		}()
	}
	wg.Wait()
	w.Flush()
	if l := leak(out.String(), key); l != "" || strings.Count(out.String(), "\n") != 800 {
		t.Errorf("leaks %q, %d lines", l, strings.Count(out.String(), "\n"))
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterError(t *testing.T) {
	w := redact.New(keys[0]).Writer(failWriter{})
	if _, err := io.WriteString(w, "x\n"); err == nil {
		t.Error("no error from a failing writer")
	}
}

// FuzzWriter writes text with the key inserted, split at random places,
// and checks that no piece of the key is written and that the writer
// writes what String returns.
func FuzzWriter(f *testing.F) {
	f.Add("hello\nworld", uint8(3), uint64(1), uint8(0))
	f.Add("", uint8(0), uint64(7), uint8(1))
	f.Add("%2B%2b==", uint8(2), uint64(99), uint8(2))
	f.Fuzz(func(t *testing.T, text string, at uint8, seed uint64, which uint8) {
		key := keys[int(which)%len(keys)]
		r := redact.New(key)
		encs := encodings(key)
		names := []string{"plain", "upper", "query lower hex", "basic auth", "base64 aligned 1", "json", "html"}
		pos := int(at) % (len(text) + 1)
		in := text[:pos] + " " + encs[names[int(seed%uint64(len(names)))]] + " " + text[pos:]
		rng := rand.New(rand.NewPCG(seed, 0))
		var out bytes.Buffer
		w := r.Writer(&out)
		for rest := in; rest != ""; {
			n := rng.IntN(len(rest) + 1)
			w.Write([]byte(rest[:n]))
			rest = rest[n:]
		}
		w.Flush()
		if l := leak(out.String(), key); l != "" {
			t.Fatalf("writes %q of the key: %q", l, out.String())
		}
		if want := r.String(in); out.String() != want {
			t.Fatalf("writer wrote %q, String gives %q", out.String(), want)
		}
		if l := leak(r.Cut(in, int(at)), key); l != "" {
			t.Fatalf("Cut leaves %q", l)
		}
	})
}

func BenchmarkWriter(b *testing.B) {
	r := redact.New(keys[2])
	line := []byte(`{"email":"someone@example.com","firstName":"Jean","lastName":"Dupont","groups":["t1","t2"]},` + "\n")
	data := bytes.Repeat(line, 10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		w := r.Writer(io.Discard)
		for i := 0; i < len(data); i += 32 << 10 {
			w.Write(data[i:min(i+32<<10, len(data))])
		}
		w.Flush()
	}
}
