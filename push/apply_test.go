package push_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// planOf makes the plan of dir's push with opt and writes it beside.
func planOf(t *testing.T, opt push.Options) string {
	t.Helper()
	p, err := makePlan(opt)
	if err != nil {
		t.Fatalf("plan.Make: %v", err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := p.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPlanThenApply plans a push, then applies the plan: exactly the
// planned body is sent, and the plan file never holds the key.
func TestPlanThenApply(t *testing.T) {
	srv := newFake(t, pushtest.Options{KeepBodies: true})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	if r := doPush(t, firstOptions(dir, nil)); r.err != nil {
		t.Fatal(r.err)
	}
	editCSV(t, dir, "users.csv", func(l string) (string, bool) {
		return strings.Replace(l, "Software Engineer", "Staff Engineer", 1), true
	})
	planFile := planOf(t, testOptions(dir, nil))
	raw, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), testKey) || strings.Contains(string(raw), testKey[:6]) {
		t.Fatalf("the plan file holds the key")
	}
	plan, err := plan.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Users.Changed == 0 || len(plan.Inputs) != 4 || plan.State.SHA256 == "" {
		t.Fatalf("plan: %d users changed, inputs %v, state %+v", plan.Users.Changed, plan.Inputs, plan.State)
	}
	opt := testOptions(dir, nil)
	opt.PlanFile = planFile
	r := doPush(t, opt)
	if r.err != nil {
		t.Fatalf("push --plan: %v\n%s", r.err, r.stderr.String())
	}
	h := srv.History()
	sum := sha256.Sum256(h[len(h)-1].Body)
	if got := "sha256:" + hex.EncodeToString(sum[:]); got != plan.Digest {
		t.Errorf("sent body %s, planned %s", got, plan.Digest)
	}
	if first := strings.SplitN(r.stdout.String(), "\n", 2)[0]; !strings.HasPrefix(first, "PUSH to 127.0.0.1:") {
		t.Errorf("first line %q", first)
	}
}

// TestPlanMismatch checks that a plan whose files, state or target no
// longer match stops the push with nothing sent, naming what changed.
func TestPlanMismatch(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(t *testing.T, dir string, srv *pushtest.Server, opt *push.Options)
		want   string
	}{
		{"file edited", func(t *testing.T, dir string, _ *pushtest.Server, _ *push.Options) {
			editCSV(t, dir, "groups.csv", func(l string) (string, bool) { return strings.Replace(l, "Executive Team", "Leaders", 1), true })
		}, "groups.csv changed since the plan"},
		{"state changed", func(t *testing.T, dir string, _ *pushtest.Server, _ *push.Options) {
			editCSV(t, dir, "groups.csv", func(l string) (string, bool) { return strings.Replace(l, "Executive Team", "Leaders", 1), true })
			if r := doPush(t, testOptions(dir, nil)); r.err != nil {
				t.Fatal(r.err)
			}
			editCSV(t, dir, "groups.csv", func(l string) (string, bool) { return strings.Replace(l, "Leaders", "Executive Team", 1), true })
		}, "state.json changed since the plan (another push ran?)"},
		{"other target", func(t *testing.T, dir string, _ *pushtest.Server, opt *push.Options) {
			other := newFake(t, pushtest.Options{})
			writeConfig(t, dir, orgConfig{apiURL: other.URL})
			// Keep the state: a state of another service stops a push on
			// its own, before the plan is compared.
			opt.Plan.State = filepath.Join(dir, ".ovsync", "other.json")
		}, "the plan goes to http://127.0.0.1:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t, pushtest.Options{})
			dir := copyOrg(t, orgConfig{apiURL: srv.URL})
			if r := doPush(t, firstOptions(dir, nil)); r.err != nil {
				t.Fatal(r.err)
			}
			planFile := planOf(t, testOptions(dir, nil))
			opt := testOptions(dir, nil)
			opt.PlanFile = planFile
			tt.change(t, dir, srv, &opt)
			before := srv.Requests()
			r := doPush(t, opt)
			var me *plan.MismatchError
			if !errors.As(r.err, &me) || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("push --plan error = %v, want a mismatch naming %q", r.err, tt.want)
			}
			if srv.Requests() != before {
				t.Errorf("%d requests sent after the mismatch", srv.Requests()-before)
			}
		})
	}
}

// TestGuardsPerKind checks that each guard trips alone, names itself
// with its numbers, and that --yes lets the push through.
func TestGuardsPerKind(t *testing.T) {
	loose := plan.Limit{Count: 1000}
	for _, tt := range []struct {
		name string
		edit func(t *testing.T, dir string)
		set  func(o *push.Options)
		want string
	}{
		{"team removals", func(t *testing.T, dir string) {
			gone := map[string]bool{"T-CS-A": true, "T-CS-B": true, "T-CX-INS": true, "T-FIN-ACC": true}
			editCSV(t, dir, "groups.csv", func(l string) (string, bool) { return l, !gone[strings.Split(l, ",")[0]] })
			editCSV(t, dir, "groups-mapping.csv", func(l string) (string, bool) {
				f := strings.Split(l, ",")
				return l, !gone[f[0]] && !gone[f[2]]
			})
		}, func(o *push.Options) { o.Plan.MaxRemovals, o.Plan.MaxManagerChanges = loose, loose },
			"it would delete 4 teams of the 38 sent last time (--max-team-removals 10% of 38 allows 3; a share never allows fewer than 3)"},
		{"manager changes", func(t *testing.T, dir string) {
			n := 0
			editCSV(t, dir, "groups-mapping.csv", func(l string) (string, bool) {
				if strings.HasSuffix(l, ",,FALSE,TRUE\n") && !strings.HasPrefix(l, "T-ALL,") && n < 4 {
					n++
					return l, false
				}
				return l, true
			})
		}, func(o *push.Options) { o.Plan.MaxRemovals, o.Plan.MaxTeamRemovals = loose, loose },
			"4 managers would lose access to a team's results, of the 38 manager rows sent last time (--max-manager-changes 10% of 38 allows 3"},
		{"email changes count as removals", func(t *testing.T, dir string) {
			n := 0
			editCSV(t, dir, "users.csv", func(l string) (string, bool) {
				if i := strings.Index(l, "@cedarline.example"); i > 0 && n < 3 {
					n++
					return l[:i] + "@new.example" + l[i+len("@cedarline.example"):], true
				}
				return l, true
			})
		}, func(o *push.Options) {
			o.Plan.MaxRemovals, o.Plan.MaxTeamRemovals, o.Plan.MaxManagerChanges = plan.Limit{Count: 2}, loose, loose
		},
			"it would remove 0 users and change 3 emails (each a removal in the legacy protocol) of the 87 sent last time (--max-removals 2 allows 2)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t, pushtest.Options{})
			dir := copyOrg(t, orgConfig{apiURL: srv.URL})
			if r := doPush(t, firstOptions(dir, nil)); r.err != nil {
				t.Fatal(r.err)
			}
			tt.edit(t, dir)
			opt := testOptions(dir, nil)
			tt.set(&opt)
			r := doPush(t, opt)
			var ge *push.GuardError
			if !errors.As(r.err, &ge) || len(ge.Reasons) != 1 || !strings.Contains(ge.Reasons[0], tt.want) {
				t.Fatalf("push error = %v, want one guard: %q", r.err, tt.want)
			}
			if srv.Requests() != 1 {
				t.Errorf("%d requests, want only the first push's", srv.Requests())
			}
			opt.Yes = true
			if r := doPush(t, opt); r.err != nil || !r.res.Sent {
				t.Fatalf("push --yes: %v", r.err)
			}
		})
	}
}

// TestLockConcurrentPush runs a push against a slowed-down fake and a
// second one on the same state meanwhile: the second stops at once,
// naming the holder, and sends nothing.
func TestLockConcurrentPush(t *testing.T) {
	srv := newFake(t, pushtest.Options{Delay: 3 * time.Second})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	lock := filepath.Join(dir, ".ovsync", "state.json.lock")
	done := make(chan *run)
	go func() { done <- doPush(t, firstOptions(dir, nil)) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(lock)
		if strings.Contains(string(b), `"pid"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first push never took the lock")
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	r := doPush(t, firstOptions(dir, nil))
	var le *plan.LockedError
	if !errors.As(r.err, &le) {
		t.Fatalf("second push error = %v, want a lock error", r.err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the second push waited %s", took)
	}
	host, _ := os.Hostname()
	if le.Holder.PID != os.Getpid() || le.Holder.Host != host || !strings.Contains(r.err.Error(), "ovsync push pid ") {
		t.Errorf("holder %+v, error %v", le.Holder, r.err)
	}
	first := <-done
	if first.err != nil {
		t.Fatalf("first push: %v", first.err)
	}
	if n := len(srv.History()); n != 1 {
		t.Errorf("%d syncs, want 1", n)
	}
	if b, _ := os.ReadFile(lock); len(b) != 0 {
		t.Errorf("the lock file still names a holder after the push: %s", b)
	}
	// Once the first push is done, the next one goes through.
	if r := doPush(t, testOptions(dir, nil)); r.err != nil {
		t.Fatalf("third push: %v", r.err)
	}
}

// TestLockStale checks that a lock file left by a process that no longer
// runs (killed: the OS let its lock go) is taken over with a warning.
func TestLockStale(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	lock := filepath.Join(dir, ".ovsync", "state.json.lock")
	if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lock, []byte(`{"pid":999999,"host":"build-7","since":"2026-01-02T03:04:05Z"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := doPush(t, firstOptions(dir, nil))
	if r.err != nil || !r.res.Sent {
		t.Fatalf("push: %v", r.err)
	}
	want := "took over the lock left by ovsync push pid 999999 on build-7 since 2026-01-02T03:04:05Z, which no longer holds it"
	if !strings.Contains(r.stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr.String())
	}
}
