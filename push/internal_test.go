package push

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ovsync/ovsync/lint"
)

// env returns a Getenv that knows only the given variables.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sha256Digest is the digest of b as a plan writes it.
func sha256Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		url   string
		allow []string
		want  string // the sync URL, or "" for an error
	}{
		{url: "https://app.officevibe.com", want: "https://app.officevibe.com/api/v2/sync"},
		{url: "https://sandbox.officevibe.com/", want: "https://sandbox.officevibe.com/api/v2/sync"},
		{url: "HTTPS://App.Officevibe.com", want: "https://App.Officevibe.com/api/v2/sync"},
		{url: "https://officevibe.com", want: "https://officevibe.com/api/v2/sync"},
		{url: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/api/v2/sync"},
		{url: "http://[::1]:8080", want: "http://[::1]:8080/api/v2/sync"},
		{url: "http://localhost:9", want: "http://localhost:9/api/v2/sync"},
		{url: "https://proxy.corp.example/ov", allow: []string{"PROXY.corp.example"}, want: "https://proxy.corp.example/ov/api/v2/sync"},
		{url: "https://proxy.corp.example:8443", allow: []string{"proxy.corp.example:8443"}, want: "https://proxy.corp.example:8443/api/v2/sync"},
		{url: "https://proxy.corp.example", allow: []string{"other.example"}},
		{url: "https://evilofficevibe.com"},
		{url: "http://10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			e, err := parseEndpoint(tt.url, "config.json", tt.allow)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("parseEndpoint(%q) = %v, want an error", tt.url, e)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := (legacyProtocol{}).syncURL(e); got != tt.want {
				t.Errorf("sync URL = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestKeyPrecedence checks where the key comes from: --api-key-file,
// then OFFICEVIBE_API_KEY, then ApiKey.
func TestKeyPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "key")
	writeFile(t, file, "\ufefffrom-file\r\n")
	empty := filepath.Join(dir, "empty")
	writeFile(t, empty, " \n")
	tests := []struct {
		name, file, env, config string
		want, wantSource        string
		wantErr                 string
	}{
		{name: "file wins", file: file, env: "from-env", config: "from-config", want: "from-file", wantSource: "--api-key-file " + file},
		{name: "env over config", env: "from-env", config: "from-config", want: "from-env", wantSource: KeyEnv},
		{name: "config", config: "from-config", want: "from-config", wantSource: "ApiKey in "},
		{name: "none", want: ""},
		{name: "empty file", file: empty, env: "from-env", wantErr: "holds no key"},
		{name: "missing file", file: filepath.Join(dir, "nope"), wantErr: "no such file"},
		{name: "space inside", env: "two words", wantErr: "holds a space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := resolveKey(tt.file, env(KeyEnv, tt.env), &lint.Config{APIKey: tt.config, Path: "config.json"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("resolveKey error = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "two words") {
					t.Errorf("the error holds the key: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.value != tt.want || !strings.HasPrefix(k.source, tt.wantSource) {
				t.Errorf("key = %q from %q, want %q from %q", k.value, k.source, tt.want, tt.wantSource)
			}
		})
	}
}

// TestFilesChanged checks that a body that differs from the planned one
// is cut before its last byte.
func TestFilesChanged(t *testing.T) {
	var sink bytes.Buffer
	var sent atomic.Int64
	body := []byte(`{"a":"b"}`)
	tests := []struct {
		name  string
		write []byte
		want  int64
	}{
		{name: "other bytes", write: []byte(`{"a":"c"}`), want: int64(len(body))},
		{name: "longer", write: []byte(`{"a":"bb"}`), want: int64(len(body))},
		{name: "shorter", write: []byte(`{"a":""}`), want: int64(len(body))},
	}
	digest := sha256Digest(body)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink.Reset()
			v := &verifyWriter{w: &sink, h: sha256.New(), want: tt.want, digest: digest, sent: &sent}
			_, err := v.Write(tt.write)
			if err == nil {
				err = v.finish()
			}
			if !errors.Is(err, errFilesChanged) {
				t.Fatalf("err = %v, want errFilesChanged", err)
			}
			if sink.Len() >= len(tt.write) {
				t.Errorf("the whole body went through: %q", sink.String())
			}
		})
	}
	sink.Reset()
	v := &verifyWriter{w: &sink, h: sha256.New(), want: int64(len(body)), digest: digest, sent: &sent}
	if _, err := v.Write(body[:4]); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Write(body[4:]); err != nil {
		t.Fatal(err)
	}
	if sink.Len() != len(body)-1 {
		t.Errorf("before finish, %d bytes went through, want %d", sink.Len(), len(body)-1)
	}
	if err := v.finish(); err != nil || sink.String() != string(body) {
		t.Errorf("finish: %v, body %q", err, sink.String())
	}
}
