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
