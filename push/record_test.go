package push_test

import (
	"errors"
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

// beforeAnswer serves fake over loopback, and calls hook after the fake
// answered a sync and before the answer reaches the client: what happens
// to the state folder while the service accepts the sync.
func beforeAnswer(t *testing.T, fake *pushtest.Fake, hook func()) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		if r.Method == http.MethodPost && rec.Code == http.StatusOK {
			hook()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestStateNotWritten checks a sync that the service accepted but whose
// state file could not be written: a *StateNotWrittenError (its own exit
// status, never a usage error's), the sync counted as sent, no record
// left behind (the older one is removed: it no longer describes what the
// service holds), so that the next push stops as a first push; pushing
// the same files again with --first-push records them.
func TestStateNotWritten(t *testing.T) {
	for _, tt := range []struct {
		name string
		// before pushes once first, so that an older record exists.
		before bool
		// spoil makes the rename of the new state fail.
		spoil func(t *testing.T, dir string)
	}{
		{"state folder gone", false, func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, ".ovsync")); err != nil {
				t.Error(err)
			}
		}},
		{"new state gone, older one kept", true, func(t *testing.T, dir string) {
			tmp, _ := filepath.Glob(filepath.Join(dir, ".ovsync", ".state.json.tmp-*"))
			if len(tmp) != 1 {
				t.Errorf("temporary state files: %q", tmp)
			}
			for _, f := range tmp {
				os.Remove(f)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := pushtest.NewFake(pushtest.Options{Key: testKey})
			// The handler runs on the server's goroutines.
			var spoiled atomic.Pointer[string]
			srv := beforeAnswer(t, fake, func() {
				if dir := spoiled.Load(); dir != nil {
					tt.spoil(t, *dir)
				}
			})
			dir := copyOrg(t, orgConfig{apiURL: srv.URL})
			state := filepath.Join(dir, ".ovsync", "state.json")
			if tt.before {
				if r := doPush(t, firstOptions(dir, nil)); r.err != nil {
					t.Fatal(r.err)
				}
				dropUsers(t, dir, 1)
			}
			spoiled.Store(&dir)
			opt := testOptions(dir, nil)
			opt.Plan.FirstPush = !tt.before
			r := doPush(t, opt)
			spoiled.Store(nil)
			var sn *push.StateNotWrittenError
			if !errors.As(r.err, &sn) || sn.Stale || !r.res.Sent {
				t.Fatalf("Push: %v (sent %t), want a *StateNotWrittenError", r.err, r.res.Sent)
			}
			for _, s := range []string{"the sync was accepted, but its record, the state file " + state + ", could not be written: ", "the next one stops as a first push", "push the same files again with --first-push"} {
				if !strings.Contains(r.err.Error(), s) {
					t.Errorf("the error does not say %q:\n%v", s, r.err)
				}
			}
			if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a state file is left: %v", err)
			}
			sent := len(fake.History())

			var ge *push.GuardError
			if r := doPush(t, testOptions(dir, nil)); !errors.As(r.err, &ge) || !ge.NoRecord {
				t.Fatalf("the next push: %v, want the guard of a push without a record", r.err)
			}
			if r := doPush(t, firstOptions(dir, nil)); r.err != nil {
				t.Fatalf("pushed again with --first-push: %v", r.err)
			}
			if _, err := os.Stat(state); err != nil {
				t.Errorf("no state after pushing again: %v", err)
			}
			if n := len(fake.History()); n != sent+1 {
				t.Errorf("%d syncs, want %d", n, sent+1)
			}
		})
	}
}
