package push

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 6, 5, 0, 0, 0, time.UTC)
	tests := []struct {
		name, value string
		want        time.Duration
		ok          bool
	}{
		{name: "seconds", value: "7", want: 7 * time.Second, ok: true},
		{name: "zero", value: "0", want: 0, ok: true},
		{name: "spaces", value: " 3 ", want: 3 * time.Second, ok: true},
		{name: "date", value: "Mon, 06 Jan 2025 05:00:30 GMT", want: 30 * time.Second, ok: true},
		{name: "date past", value: "Mon, 06 Jan 2025 04:00:00 GMT", want: 0, ok: true},
		{name: "huge", value: "99999999999", want: 24 * time.Hour, ok: true},
		{name: "negative", value: "-1"},
		{name: "garbage", value: "soon"},
		{name: "none", value: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			got, ok := retryAfter(h, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("retryAfter(%q) = %s, %t, want %s, %t", tt.value, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestReadSync(t *testing.T) {
	tests := []struct {
		name        string
		a           answer
		wantErr     string
		keyRejected bool
		warnings    []string
	}{
		{name: "success", a: answer{status: 200, body: []byte(`{"isSuccess":true,"errors":[]}`)}},
		{name: "warning", a: answer{status: 200, body: []byte(`{"isSuccess":true,"errors":["team already exists"]}`)}, warnings: []string{"team already exists"}},
		{name: "refused", a: answer{status: 200, body: []byte(`{"isSuccess":false,"errors":["e1","e2"]}`)}, wantErr: "isSuccess false"},
		{name: "refused with errorMessage", a: answer{status: 200, body: []byte(`{"isSuccess":false,"errorMessage":"not activated"}`)}, wantErr: "- not activated"},
		{name: "login page", a: answer{status: 200, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, body: []byte("<html>")}, keyRejected: true},
		{name: "html body", a: answer{status: 200, body: []byte("\ufeff \r\n<!doctype html>")}, keyRejected: true},
		{name: "unauthorized", a: answer{status: 401}, keyRejected: true},
		{name: "forbidden", a: answer{status: 403, body: []byte(`{"isSuccess":true}`)}, keyRejected: true},
		{name: "redirect elsewhere", a: answer{status: 301, header: http.Header{"Location": {"https://app.workleap.com/api/v2/sync"}}}, wantErr: "redirected the request (301 Moved Permanently) to https://app.workleap.com"},
		{name: "no isSuccess", a: answer{status: 200, body: []byte(`{"errors":[]}`)}, wantErr: "not the sync API's JSON"},
		{name: "isSuccess a string", a: answer{status: 200, body: []byte(`{"isSuccess":"true"}`)}, wantErr: "not the sync API's JSON"},
		{name: "empty", a: answer{status: 204}, wantErr: "(204 No Content) is not the sync API's JSON"},
		{name: "control characters", a: answer{status: 200, body: []byte("{\"isSuccess\":false,\"errors\":[\"a\\u001b[31mb\\nc\"]}")}, wantErr: "- a[31mb c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.a.header == nil {
				tt.a.header = http.Header{}
			}
			out, err := legacyProtocol{}.readSync(tt.a)
			var re *RejectedError
			switch {
			case tt.keyRejected:
				if !errors.As(err, &re) || !re.KeyRejected || re.Message != msgKeyRejected {
					t.Fatalf("readSync = %v, want a rejected key", err)
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("readSync error = %v, want %q", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.warnings, out.warnings); diff != "" && len(tt.warnings)+len(out.warnings) > 0 {
					t.Errorf("warnings (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// FuzzReadSync feeds the answer readers any status, content type and
// body: they must not panic, must accept only a 2xx JSON answer with
// isSuccess true, and must write messages on single lines.
func FuzzReadSync(f *testing.F) {
	seeds := []string{`{"isSuccess":true,"errors":[]}`, `{"isSuccess":false,"errors":["x"]}`, `<html>`, ``, `null`, `[]`,
		`{"isSuccess":true,"errors":null}`, `{"isSuccess":false,"errorMessage":"a\nb"}`, "\xff\xfe"}
	if b, err := os.ReadFile(filepath.Join("pushtest", "testdata", "sync-legacy.legacy.golden")); err == nil {
		seeds = append(seeds, string(b))
	}
	for _, s := range seeds {
		f.Add(200, "application/json", s)
		f.Add(400, "", s)
	}
	f.Add(302, "text/html", "")
	f.Fuzz(func(t *testing.T, status int, ctype, body string) {
		a := answer{status: status, header: http.Header{"Content-Type": {ctype}, "Location": {body}}, body: []byte(body)}
		for _, read := range []func() error{
			func() error { _, err := legacyProtocol{}.readSync(a); return err },
			func() error { _, err := legacyProtocol{}.readPing(a); return err },
		} {
			err := read()
			if err == nil {
				if status < 200 || status > 299 {
					t.Fatalf("status %d accepted", status)
				}
				v, ok := decodeLegacy(a.body)
				if !ok || !*v.IsSuccess {
					t.Fatalf("answer %q accepted", body)
				}
				continue
			}
			var re *RejectedError
			if !errors.As(err, &re) {
				t.Fatalf("error %T is not a *RejectedError", err)
			}
			if strings.Contains(re.Message, "\n") {
				t.Errorf("message on several lines: %q", re.Message)
			}
			for _, e := range strings.Split(err.Error(), "\n") {
				if strings.ContainsAny(e, "\r\x1b") {
					t.Errorf("line with a control character: %q", e)
				}
			}
		}
	})
}

func TestParseLimit(t *testing.T) {
	tests := []struct {
		in      string
		want    Limit
		allowed [3]int // of 0, 87 and 1000 previous users
		wantErr bool
	}{
		{in: "10%", want: Limit{Share: 10, Percent: true}, allowed: [3]int{5, 8, 100}},
		{in: " 2.5 % ", want: Limit{Share: 2.5, Percent: true}, allowed: [3]int{5, 5, 25}},
		{in: "0%", want: Limit{Share: 0, Percent: true}, allowed: [3]int{5, 5, 5}},
		{in: "100%", want: Limit{Share: 100, Percent: true}, allowed: [3]int{5, 87, 1000}},
		{in: "12", want: Limit{Count: 12}, allowed: [3]int{12, 12, 12}},
		{in: "0", want: Limit{}, allowed: [3]int{0, 0, 0}},
		{in: "-1", wantErr: true},
		{in: "101%", wantErr: true},
		{in: "NaN%", wantErr: true},
		{in: "ten", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLimit(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseLimit(%q) error = %v", tt.in, err)
			}
			if tt.wantErr {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseLimit(%q) (-want +got):\n%s", tt.in, diff)
			}
			for i, prev := range []int{0, 87, 1000} {
				if a := got.Allowed(prev, MinRemovals); a != tt.allowed[i] {
					t.Errorf("Allowed(%d) = %d, want %d", prev, a, tt.allowed[i])
				}
			}
			if back, err := ParseLimit(got.String()); err != nil || back != got {
				t.Errorf("String() = %q does not read back", got.String())
			}
		})
	}
}

func TestDiffMappings(t *testing.T) {
	k := func(team, user string, member, manager bool) hash64 {
		return mappingKey(team, user, "", member, manager)
	}
	a, b, c := k("T1", "u1", true, false), k("T1", "u2", true, false), k("T2", "u1", false, true)
	tests := []struct {
		name                    string
		old, cur                []hash64
		added, removed, changed int
	}{
		{name: "same", old: []hash64{a, b, c}, cur: []hash64{a, b, c}},
		{name: "added", old: []hash64{a}, cur: []hash64{a, b, c}, added: 2},
		{name: "removed", old: []hash64{a, b, c}, cur: []hash64{b}, removed: 2},
		{name: "flags changed", old: []hash64{a, b}, cur: []hash64{a, k("T1", "u2", true, true)}, changed: 1},
		{name: "duplicate row", old: []hash64{a}, cur: []hash64{a, a}, added: 1},
		{name: "all", old: []hash64{a, c}, cur: []hash64{k("T1", "u1", false, true), b}, added: 1, removed: 1, changed: 1},
		{name: "first", old: nil, cur: []hash64{a}, added: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, cur := append([]hash64{}, tt.old...), append([]hash64{}, tt.cur...)
			sortHashes(old)
			sortHashes(cur)
			added, removed, changed := diffMappings(old, cur)
			if added != tt.added || removed != tt.removed || changed != tt.changed {
				t.Errorf("diffMappings = %d added, %d removed, %d changed; want %d, %d, %d", added, removed, changed, tt.added, tt.removed, tt.changed)
			}
		})
	}
}

func sortHashes(h []hash64) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j] < h[j-1]; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}
