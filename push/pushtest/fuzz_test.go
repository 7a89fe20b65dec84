package pushtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// fuzzSeeds adds the bodies of testdata and a few small shapes.
func fuzzSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, ".golden.json") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		legacyBody(u1+","+u2, g1, m1+","+m2),
		legacyBody(`{"id":"\u0031","email":"a@x.com","k\"":"\ud83d\ude00"}`, `{"id":"G","name":"\u00e9"}`, ""),
		`{"members":[{"externalMemberId":"1","email":"a@x.com"}],"teams":[],"teamMappings":[]}`,
		`{"users":{"a":[1,{"b":"]"}]},"x":null}`,
		`{"a":1}{}`, `[]`, `"x"`, `{`, `{"users":[{"id":"1"`, "\xef\xbb\xbf{}", `{"id":"\xff"}`,
	} {
		f.Add([]byte(s))
	}
}

// FuzzCheck checks that the checker never panics, reads every byte, fails
// every body that is not valid JSON, and counts the elements of a body it
// accepts as encoding/json does.
func FuzzCheck(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range []Protocol{Legacy, Provisioning} {
			res := Check(p, bytes.NewReader(data))
			if res.Protocol != p {
				t.Errorf("%s: Protocol = %s", p, res.Protocol)
			}
			if len(res.Errors) > MaxMessages+1 || len(res.Warnings) > MaxMessages+1 {
				t.Errorf("%s: %d errors, %d warnings: more than the cap", p, len(res.Errors), len(res.Warnings))
			}
			for _, m := range append(res.Errors, res.Warnings...) {
				if m == "" || strings.ContainsAny(m, "\n\r") {
					t.Errorf("%s: message %q is empty or spans lines", p, m)
				}
			}
			if !json.Valid(data) && len(res.Errors) == 0 {
				t.Errorf("%s: invalid JSON accepted", p)
			}
			if len(res.Errors) > 0 {
				continue
			}
			if res.Bytes != int64(len(data)) {
				t.Errorf("%s: Bytes = %d, want %d", p, res.Bytes, len(data))
			}
			var top map[string][]json.RawMessage
			sections := map[string]json.RawMessage{}
			if err := json.Unmarshal(data, &sections); err != nil {
				t.Fatalf("%s: accepted a body encoding/json refuses: %v", p, err)
			}
			top = map[string][]json.RawMessage{}
			for k, v := range sections {
				if k == "settings" {
					continue
				}
				var elems []json.RawMessage
				if err := json.Unmarshal(v, &elems); err != nil {
					t.Fatalf("%s: section %q accepted but not an array: %v", p, k, err)
				}
				top[k] = elems
			}
			voc := legacyVocabulary
			if p == Provisioning {
				voc = provisioningVocabulary
			}
			got := [3]int{res.Users, res.Groups, res.Mappings}
			want := [3]int{len(top[voc.required[len(voc.required)-3]]), len(top[voc.required[len(voc.required)-2]]), len(top[voc.required[len(voc.required)-1]])}
			if got != want {
				t.Errorf("%s: counts %v, encoding/json counts %v", p, got, want)
			}
		}
	})
}

// refField is a member of a JSON object as encoding/json reads it.
type refField struct {
	Key  string
	Kind kind
	Val  string
}

// referenceObject reads a JSON object with encoding/json's Decoder.
func referenceObject(data []byte) ([]refField, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	var out []refField
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		out = append(out, refField{Key: tok.(string), Kind: kindOf(raw[0]), Val: string(raw)})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the object")
	}
	return out, nil
}

// validKey replaces each invalid UTF-8 byte by U+FFFD, as encoding/json
// does when it unquotes a string.
func validKey(b []byte) string {
	var s strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			s.WriteRune(utf8.RuneError)
		} else {
			s.Write(b[:size])
		}
		b = b[size:]
	}
	return s.String()
}

// FuzzScanObject checks the flat object scanner against encoding/json on
// every valid object, that it never panics on anything else, and that
// whatever it reads, valid or not, is read from the input: every value is
// a run of the input's bytes.
func FuzzScanObject(f *testing.F) {
	for _, s := range []string{u1, u2, g1, m1, `{}`, ` { "a" : [ "]" , { } ] , "b\"" : -1.5e3 } `, `{"a":null,"b":true}`, `{"a"}`, `{"a":"\u00e9\n"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fields, ok := scanObject(data, nil)
		for _, f := range fields {
			if !bytes.Contains(data, f.val) {
				t.Fatalf("scanObject(%q) read the value %q, which is not in the input", data, f.val)
			}
		}
		want, err := referenceObject(data)
		if err != nil || !json.Valid(data) {
			return // only a valid object has a reading to compare with
		}
		if !ok {
			t.Fatalf("scanObject refused the valid object %q", data)
		}
		var got []refField
		for _, f := range fields {
			got = append(got, refField{Key: validKey(f.key), Kind: f.kind, Val: string(f.val)})
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("scanObject(%q) mismatch (-encoding/json +scanObject):\n%s", data, diff)
		}
	})
}
