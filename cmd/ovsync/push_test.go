package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/pushtest"
)

// TestPushStateNotWrittenExitStatus pushes the sample to the fake over
// loopback while its state folder goes away as the service accepts the
// sync: the exit status is 7, never 2 (the status of a run that did
// nothing), and the next push, which has no record, stops with 5.
func TestPushStateNotWrittenExitStatus(t *testing.T) {
	fake := pushtest.NewFake(pushtest.Options{Key: cliKey})
	var spoiled atomic.Pointer[string] // read on the server's goroutines
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		if dir := spoiled.Load(); dir != nil && r.Method == http.MethodPost && rec.Code == http.StatusOK {
			os.RemoveAll(filepath.Join(*dir, ".ovsync"))
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	t.Setenv(push.KeyEnv, cliKey)
	dir := keyOrg(t, func(cfg map[string]any) { cfg["ApiUrl"] = srv.URL })

	spoiled.Store(&dir)
	code, out := keyRun(t, "push", "--first-push", dir)
	spoiled.Store(nil)
	if code != exitNoRecord {
		t.Fatalf("exit status %d, want %d\n%s", code, exitNoRecord, out)
	}
	for _, s := range []string{"\novsync: the sync was accepted, but its record, the state file ", "    hint: there is no record of this push, so the next one stops as a first push"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	if n := len(fake.History()); n != 1 {
		t.Errorf("%d syncs, want 1", n)
	}
	if code, out := keyRun(t, "push", dir); code != exitGuard || !strings.Contains(out, "there is no record of the last push") {
		t.Errorf("the next push: exit status %d, want %d\n%s", code, exitGuard, out)
	}
	if code, out := keyRun(t, "push", "--first-push", dir); code != 0 {
		t.Errorf("pushed again with --first-push: exit status %d\n%s", code, out)
	}
}
