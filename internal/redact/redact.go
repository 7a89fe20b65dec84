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
// The filter is for messages, never for data. Messages are what ovsync
// says to a person — errors, warnings, notes, progress, the text of a
// plan — and every text that came from outside the org's files (a
// service's answers and headers): any piece of a secret in them is
// removed. Data is what a run exists to write — converted CSV files, a
// state file, a dump, a plan file, JSON and SARIF reports, a graph, an
// HTML report — and holds the org's values exactly, even those that share
// a few characters with a key: those are the org's, not a secret. A whole
// secret is another matter: [Redactor.Find] and [Redactor.Holds] tell
// where a value holds one, in any of the forms above (lint's api-key rule
// and convert refuse such a value, naming where it is), and a [Guard]
// passes data on unchanged but refuses to let a whole secret through.
//
// How a part of ovsync writes through it: the command makes one Redactor
// per run and wraps its message streams (stderr, and stdout for a
// subcommand that prints text) in its Writers; a package that finds a key
// (push, from --api-key-file, the environment or config.json) calls
// [Redactor.Add] on the redactor it was given before it writes anything
// about the run; data (a file, or stdout of a subcommand that writes data)
// goes through r.Guard, closed before the file is committed; a text cut
// for display (a service's message, a snippet of an answer) goes through
// [Redactor.Cut], never a cut then a redaction; an error returned to a
// caller through [Redactor.Error].
package redact

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"slices"
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
	// whole are the forms of the secrets of MinPiece characters or more,
	// lower-cased, longest first: what [Redactor.Find] looks for;
	// minWhole and maxWhole are the lengths of the shortest and the
	// longest (0 when there is none).
	whole              []string
	minWhole, maxWhole int
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
// JSON escapings (with and without <, > and & escaped), and the part of its base64 encodings that depends on the
// secret alone at each alignment.
func Forms(secret string) []string {
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret), html.EscapeString(secret)}
	// JSON as Go writes it (<, > and & escaped) and as most other
	// encoders do (only quotes, backslashes and controls escaped).
	if j, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(j[1:len(j)-1]))
	}
	var plain strings.Builder
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	if enc.Encode(secret) == nil {
		j := strings.TrimSuffix(plain.String(), "\n")
		forms = append(forms, j[1:len(j)-1])
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
	t := &table{grams: map[uint64]struct{}{}}
	for _, s := range secrets {
		n = min(n, len(s))
		f := Forms(s)
		forms = append(forms, f...)
		if len(s) < MinPiece {
			// A secret of a few characters is masked in messages, but
			// not looked for whole in data: any value holding those
			// few characters would be refused.
			continue
		}
		for _, w := range f {
			w = strings.ToLower(w)
			if !slices.Contains(t.whole, w) {
				t.whole = append(t.whole, w)
			}
		}
	}
	// Longest first: where two forms start at one place, the longer is
	// the match.
	slices.SortStableFunc(t.whole, func(a, b string) int { return len(b) - len(a) })
	for _, w := range t.whole {
		if t.minWhole == 0 || len(w) < t.minWhole {
			t.minWhole = len(w)
		}
		t.maxWhole = max(t.maxWhole, len(w))
	}
	t.n = n
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
func spans[T ~string | ~[]byte](t *table, b T) []span {
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
	sp := spans(t, s)
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
	sp := spans(t, b)
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

// Find returns where s holds a secret whole (one of its forms, in any
// letter case; the earliest, and the longest there): s[start:end]. found
// is false when s holds none. A piece of a secret is not one: a value
// that shares a few characters with a key is data, not a secret. Secrets
// shorter than [MinPiece] are not looked for.
func (r *Redactor) Find(s string) (start, end int, found bool) {
	return find(r.table(), s)
}

// Holds reports whether s holds a secret whole ([Redactor.Find]).
func (r *Redactor) Holds(s string) bool {
	_, _, found := find(r.table(), s)
	return found
}

// MaskWhole returns s with each secret it holds whole replaced by [Mask],
// and every other character kept: for a text about data (a finding that
// quotes a value) that must show the org's values as they are, but never
// a secret.
func (r *Redactor) MaskWhole(s string) string {
	t := r.table()
	var b strings.Builder
	for {
		start, end, found := find(t, s)
		if !found {
			if b.Len() == 0 {
				return s
			}
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:start])
		b.WriteString(Mask)
		s = s[end:]
	}
}

// find is [Redactor.Find] on a table (nil: none) for a string or bytes.
// Every byte of a whole form is in a piece of it, so a form lies inside
// one run of pieces: only the runs as long as the shortest form are
// searched, lower-cased.
func find[T ~string | ~[]byte](t *table, s T) (start, end int, found bool) {
	if t == nil || t.minWhole == 0 || len(s) < t.minWhole {
		return 0, 0, false
	}
	var low []byte
	for _, sp := range spans(t, s) {
		if sp.end-sp.start < t.minWhole {
			continue
		}
		low = low[:0]
		for i := sp.start; i < sp.end; i++ {
			low = append(low, lower(s[i]))
		}
		text := string(low)
		best, bestLen := -1, 0
		for _, w := range t.whole {
			if i := strings.Index(text, w); i >= 0 && (best < 0 || i < best) {
				best, bestLen = i, len(w)
			}
		}
		if best >= 0 {
			return sp.start + best, sp.start + best + bestLen, true
		}
	}
	return 0, 0, false
}
