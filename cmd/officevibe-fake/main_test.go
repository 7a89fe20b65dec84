package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/pushtest"
)

const testKey = "fake-key-93d1"

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestParseFlags(t *testing.T) {
	withKey := env(map[string]string{keyEnv: testKey})
	tests := []struct {
		name    string
		args    []string
		getenv  func(string) string
		wantOpt pushtest.Options
		wantErr string
	}{
		{
			name:    "key from the environment",
			getenv:  withKey,
			wantOpt: pushtest.Options{Key: testKey},
		},
		{
			name:    "-key wins over the environment",
			args:    []string{"-key", "other"},
			getenv:  withKey,
			wantOpt: pushtest.Options{Key: "other"},
		},
		{
			name:    "no key",
			getenv:  env(nil),
			wantErr: "no key: set OFFICEVIBE_FAKE_KEY (or -key) to the key the fake must accept",
		},
		{
			name:   "faults",
			args:   []string{"-fail", "2", "-drop", "1", "-delay", "1.5s", "-pause-for-approval"},
			getenv: withKey,
			wantOpt: pushtest.Options{Key: testKey, Fail: 2, Drop: 1, Delay: 1500 * time.Millisecond,
				PauseForApproval: true},
		},
		{
			name:    "-retry-after throttles one request",
			args:    []string{"-retry-after", "3"},
			getenv:  withKey,
			wantOpt: pushtest.Options{Key: testKey, Throttle: 1, RetryAfter: 3 * time.Second},
		},
		{
			name:    "-retry-after 0 with -throttle",
			args:    []string{"-retry-after", "0", "-throttle", "4"},
			getenv:  withKey,
			wantOpt: pushtest.Options{Key: testKey, Throttle: 4},
		},
		{
			name:    "-throttle alone",
			args:    []string{"-throttle", "4"},
			getenv:  withKey,
			wantErr: "-throttle needs -retry-after",
		},
		{
			name:    "negative count",
			args:    []string{"-fail", "-1"},
			getenv:  withKey,
			wantErr: "-fail, -drop, -throttle, -retry-after and -delay cannot be negative",
		},
		{
			name:    "argument",
			args:    []string{"config.json"},
			getenv:  withKey,
			wantErr: `unexpected argument "config.json": officevibe-fake takes only flags`,
		},
		{
			name:    "every interface",
			args:    []string{"-addr", ":8080"},
			getenv:  withKey,
			wantErr: `-addr ":8080" would listen on every interface: give a loopback host, such as 127.0.0.1:8080`,
		},
		{
			name:    "all addresses",
			args:    []string{"-addr", "0.0.0.0:8080"},
			getenv:  withKey,
			wantErr: `-addr "0.0.0.0:8080" is not a loopback address: the fake listens only on 127.0.0.1, ::1 or localhost`,
		},
		{
			name:    "public address",
			args:    []string{"-addr", "192.0.2.10:8080"},
			getenv:  withKey,
			wantErr: `-addr "192.0.2.10:8080" is not a loopback address: the fake listens only on 127.0.0.1, ::1 or localhost`,
		},
		{
			name:    "no port",
			args:    []string{"-addr", "127.0.0.1"},
			getenv:  withKey,
			wantErr: `-addr "127.0.0.1": want host:port, such as 127.0.0.1:8080`,
		},
		{
			name:    "IPv6 loopback",
			args:    []string{"-addr", "[::1]:0"},
			getenv:  withKey,
			wantOpt: pushtest.Options{Key: testKey},
		},
		{
			name:    "other loopback address",
			args:    []string{"-addr", "127.0.0.2:0"},
			getenv:  withKey,
			wantOpt: pushtest.Options{Key: testKey},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			cfg, err := parseFlags(tt.args, &stderr, tt.getenv)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantOpt, cfg.opt); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
			if !cfg.addr.IP.IsLoopback() {
				t.Errorf("addr = %v, want loopback", cfg.addr)
			}
		})
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string // a substring
	}{
		{"help", []string{"-h"}, exitOK, "usage: OFFICEVIBE_FAKE_KEY=KEY officevibe-fake [flags]"},
		{"unknown flag", []string{"-nope"}, exitUsage, "flag provided but not defined: -nope"},
		{"bad duration", []string{"-delay", "soon"}, exitUsage, `invalid value "soon" for flag -delay`},
		{"non-loopback", []string{"-addr", "0.0.0.0:0"}, exitUsage, "officevibe-fake: -addr \"0.0.0.0:0\" is not a loopback address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stderr, env(map[string]string{keyEnv: testKey}))
			if code != tt.wantCode {
				t.Errorf("exit = %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
			if strings.Contains(stderr.String(), testKey) {
				t.Errorf("stderr holds the key: %q", stderr.String())
			}
		})
	}
}

// readyWriter collects stderr and hands over the URL of the first
// "listening on" line.
type readyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan string
	sent  bool
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := listening.FindSubmatch(w.buf.Bytes()); m != nil && !w.sent {
		w.sent = true
		w.ready <- string(m[1])
	}
	return len(p), nil
}

func (w *readyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestRunServes starts the binary's run on a free loopback port, rehearses
// a failed attempt and a sync, reads /history and stops it.
func TestRunServes(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &readyWriter{ready: make(chan string, 1)}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"-addr", "127.0.0.1:0", "-fail", "1"}, stderr, env(map[string]string{keyEnv: testKey}))
	}()
	var base string
	select {
	case base = <-stderr.ready:
	case c := <-code:
		t.Fatalf("run ended with %d: %s", c, stderr)
	}

	post := func() *http.Response {
		body := `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"users":[{"id":"1","email":"a@x.com"}],"groups":[],"mappings":[]}`
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+push.SyncPath, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(push.AuthorizationHeader, push.BearerPrefix+testKey)
		req.Header.Set("Content-Type", push.ContentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if resp := post(); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("first attempt: status %d, want 503 (-fail 1)", resp.StatusCode)
	}
	if resp := post(); resp.StatusCode != http.StatusOK {
		t.Errorf("second attempt: status %d, want 200", resp.StatusCode)
	}

	resp, err := http.Get(base + pushtest.HistoryPath)
	if err != nil {
		t.Fatal(err)
	}
	var history []pushtest.Sync
	err = json.NewDecoder(resp.Body).Decode(&history)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 || history[0].Status != pushtest.StatusSuccess || history[0].Users != 1 {
		t.Errorf("history = %+v, want one successful sync of one user", history)
	}

	cancel()
	if c := <-code; c != exitOK {
		t.Errorf("exit = %d, want 0", c)
	}
	log := stderr.String()
	if strings.Contains(log, testKey) {
		t.Errorf("log holds the key:\n%s", log)
	}
	for _, want := range []string{"POST /api/v2/sync: injected 503", "sync legacy Success users=1 groups=0 mappings=0", "officevibe-fake: stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestRunPortInUse(t *testing.T) {
	srv := pushtest.NewServer(pushtest.Options{})
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	var stderr bytes.Buffer
	code := run(t.Context(), []string{"-addr", addr}, &stderr, env(map[string]string{keyEnv: testKey}))
	if code != exitFailure {
		t.Errorf("exit = %d, want %d", code, exitFailure)
	}
	if !strings.HasPrefix(stderr.String(), "officevibe-fake: listen tcp "+addr) {
		t.Errorf("stderr = %q, want the listen error", stderr.String())
	}
}
