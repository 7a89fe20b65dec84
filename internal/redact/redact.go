// Package redact removes secrets — the API key — from what ovsync writes.
//
// A [Redactor] knows the secrets. Everything that leaves the process goes
// through it: the streams and files through a [Writer], texts that are
// cut for display through [Redactor.Cut], which redacts before it cuts.
//
// What is removed is more than the secret as written: any piece of it of
// [MinPiece] characters or more, in any letter case, in each of the forms
// a service or a proxy echoes it in — URL query and path escaping (either
// case of hex), base64 in the standard and URL alphabets at each of the
// three byte alignments (the key inside a longer encoded text such as
// "user:KEY"), HTML and JSON escaping. So a message cut in the middle of
// the key, or a key split across two writes, leaves no piece of it behind.
// Each run of such pieces is replaced by one [Mask].
//
// A secret shorter than MinPiece is removed whole wherever it appears, and
// then shorter pieces of the others as well: the piece length is the
// shortest secret's, at most MinPiece.
//
// The cost is one table look-up per byte (a bit set first, then a map on
// a hit), whatever the number of secrets.
//
// How a part of ovsync writes through it: the command makes one Redactor
// per run and wraps stdout and stderr in its Writers; a package that finds
// a key (push, from --api-key-file, the environment or config.json) calls
// [Redactor.Add] on the redactor it was given before it writes anything
// about the run; a file (a dump, a state file, a plan, an HTML report) is
// written through r.Writer over the atomic file, closed before the file
// is committed; a text cut for display (a service's message, a snippet of
// an answer) goes through [Redactor.Cut], never a cut then a redaction; an
// error returned to a caller through [Redactor.Error].
package redact

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Mask is what a secret, or a run of pieces of one, is replaced with.
const Mask = "[redacted]"

// MinPiece is the length of the shortest piece of a secret that is
// removed: a text holding any 6 consecutive characters of a secret, in one
// of its forms, shows [Mask] in their place.
const MinPiece = 6

// maxHeld bounds what a [Writer] holds back while a run of pieces goes on;
// beyond it the run is written masked and matching goes on after it.
const maxHeld = 64 << 10

// Redactor removes its secrets from texts. The zero value and nil have no
// secrets and change nothing. Its methods may be called from several
// goroutines; [Redactor.Add] may come after writers were made, which
// redact the new secret from then on (including what they hold back).
type Redactor struct {
	mu      sync.Mutex // serialises Add
	secrets []string
	t       atomic.Pointer[table]
}

// table is an immutable matcher: every piece of n bytes of every form of
// every secret, lower-cased, packed into a uint64.
type table struct {
	n     int
	grams map[uint64]struct{}
	bits  [1 << 10]uint64 // a 65536-bit filter on the grams' hashes
	alpha [256]bool       // bytes (either case) that occur in some form
}

// New returns a redactor for secrets; empty ones are ignored.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add makes r redact secret too, from now on; an empty secret is ignored.
func (r *Redactor) Add(secret string) {
	if secret == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.secrets {
		if s == secret {
			return
		}
	}
	r.secrets = append(r.secrets, secret)
	r.t.Store(build(r.secrets))
}

// Empty reports whether r has no secret: it changes nothing.
func (r *Redactor) Empty() bool { return r.table() == nil }

func (r *Redactor) table() *table {
	if r == nil {
		return nil
	}
	return r.t.Load()
}

// Forms returns the forms of secret that are matched, each as it would be
// written (before lower-casing): the secret, its URL escapings, HTML and
// JSON escapings, and the part of its base64 encodings that depends on the
// secret alone at each alignment.
func Forms(secret string) []string {
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret), html.EscapeString(secret)}
	if j, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(j[1:len(j)-1]))
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for align := 0; align < 3; align++ {
			forms = append(forms, base64Core(enc, secret, align))
		}
	}
	var out []string
	for _, f := range forms {
		dup := f == ""
		for _, o := range out {
			dup = dup || o == f
		}
		if !dup {
			out = append(out, f)
		}
	}
	return out
}

// base64Core is the part of the base64 encoding of secret, preceded by
// align bytes, that does not depend on the bytes around it: without the
// characters that mix in bits of the preceding bytes, the last one that
// mixes in the following bytes, and the padding.
func base64Core(enc *base64.Encoding, secret string, align int) string {
	src := make([]byte, align, align+len(secret))
	src = append(src, secret...)
	s := strings.TrimRight(enc.EncodeToString(src), "=")
	head := [3]int{0, 2, 3}[align]
	if len(src)%3 != 0 {
		s = s[:len(s)-1]
	}
	if len(s) <= head {
		return ""
	}
	return s[head:]
}

// lower is ASCII lower-casing: the forms are ASCII, other bytes never match.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func hash(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> 48 }

func build(secrets []string) *table {
	var forms []string
	n := MinPiece
	for _, s := range secrets {
		n = min(n, len(s))
		forms = append(forms, Forms(s)...)
	}
	t := &table{n: n, grams: map[uint64]struct{}{}}
	for _, f := range forms {
		for i := 0; i+n <= len(f); i++ {
			var k uint64
			for j := i; j < i+n; j++ {
				c := lower(f[j])
				k = k<<8 | uint64(c)
				t.alpha[c] = true
				if 'a' <= c && c <= 'z' {
					t.alpha[c-'a'+'A'] = true
				}
			}
			t.grams[k] = struct{}{}
			h := hash(k)
			t.bits[h>>6] |= 1 << (h & 63)
		}
	}
	return t
}

// span is a run of matched bytes, [start, end).
type span struct{ start, end int }

// spans returns the merged runs of b covered by pieces of a secret, in
// order; runs that touch are merged.
func (t *table) spans(b []byte) []span {
	var out []span
	n := t.n
	if len(b) < n {
		return nil
	}
	mask := uint64(1)<<(8*uint(n)) - 1
	if n == 8 {
		mask = ^uint64(0)
	}
	var k uint64
	for i := 0; i < n-1; i++ {
		k = k<<8 | uint64(lower(b[i]))
	}
	for i := 0; i+n <= len(b); i++ {
		k = (k<<8 | uint64(lower(b[i+n-1]))) & mask
		h := hash(k)
		if t.bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		if _, ok := t.grams[k]; !ok {
			continue
		}
		if l := len(out) - 1; l >= 0 && i <= out[l].end {
			out[l].end = i + n
		} else {
			out = append(out, span{i, i + n})
		}
	}
	return out
}

// String returns s without its secrets.
func (r *Redactor) String(s string) string {
	t := r.table()
	if t == nil || len(s) < t.n {
		return s
	}
	sp := t.spans([]byte(s))
	if len(sp) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, x := range sp {
		b.WriteString(s[last:x.start])
		b.WriteString(Mask)
		last = x.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// Bytes returns b without its secrets: b itself when it holds none.
func (r *Redactor) Bytes(b []byte) []byte {
	t := r.table()
	if t == nil {
		return b
	}
	sp := t.spans(b)
	if len(sp) == 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	last := 0
	for _, x := range sp {
		out = append(out, b[last:x.start]...)
		out = append(out, Mask...)
		last = x.end
	}
	return append(out, b[last:]...)
}

// Cut returns s without its secrets, then cut to at most limit characters
// (runes) with "…" after a cut. Redacting first is the point: a cut
// through the key would leave a piece that no longer matches it whole.
// Invalid UTF-8 is replaced with U+FFFD.
func (r *Redactor) Cut(s string, limit int) string {
	s = strings.ToValidUTF8(r.String(s), "\uFFFD")
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	n := 0
	for i := range s {
		if n == limit {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Error returns err, or an error with the same chain whose message holds
// no secret (errors.Is and errors.As still see the original).
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := r.String(msg); clean != msg {
		return &redactedError{err: err, msg: clean}
	}
	return err
}

// redactedError is an error whose message had a secret removed.
type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
