package push_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/pushtest"
)

// TestLostStateStopsPush is the case: the sample is pushed, the
// state is lost (a CI runner without a persistent workspace), the export
// is cut to 4 of its 87 people. The push has no record to compare with,
// so it stops before sending anything: it never sends the 4-person org.
func TestLostStateStopsPush(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	if r := doPush(t, firstOptions(dir, nil)); r.err != nil {
		t.Fatal(r.err)
	}
	if err := os.RemoveAll(filepath.Join(dir, ".ovsync")); err != nil {
		t.Fatal(err)
	}
	dropUsers(t, dir, 83)
	r := doPush(t, testOptions(dir, nil))
	var ge *push.GuardError
	if !errors.As(r.err, &ge) || !ge.NoRecord {
		t.Fatalf("Push error = %v, want the guard of a push without a record", r.err)
	}
	if n := srv.Requests(); n != 1 {
		t.Errorf("%d requests, want the first push's only", n)
	}
	state := filepath.Join(dir, ".ovsync", "state.json")
	if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a state file was written: %v", err)
	}
	msg := r.err.Error()
	for _, s := range []string{
		"the push was stopped before sending anything",
		"there is no record of the last push to " + srv.URL + " (legacy protocol): no state file " + state,
		// why the other guards cannot work without it
		"compare with what the last push sent, so without it they cannot work",
		// where the state lives and how to keep it
		"hint: the record is the state file " + state + " (.ovsync/state.json beside the config, or --state PATH)",
		"in CI, a cache or an artifact of the job",
		// how to accept it
		"run again with --first-push (it accepts this guard alone; --yes accepts every guard)",
	} {
		if !strings.Contains(msg, s) {
			t.Errorf("the error does not say %q:\n%s", s, msg)
		}
	}
	if strings.Contains(msg, "delete") || strings.Contains(msg, "--yes\n") {
		t.Errorf("the error says to delete or to go on with --yes:\n%s", msg)
	}
	if !strings.HasPrefix(r.stdout.String(), "PUSH to 127.0.0.1:") || !strings.Contains(strings.SplitN(r.stdout.String(), "\n", 2)[0], ": first push") {
		t.Errorf("the plan's first line does not say first push:\n%s", r.stdout.String())
	}
}

// TestFirstPushAcceptsItsGuardAlone checks that --first-push accepts a
// push without a record and nothing else (the invitations guard still
// trips), that --yes accepts both, and that --first-push with a record
// is refused: kept in a script, it would let a push through the day the
// record is lost.
func TestFirstPushAcceptsItsGuardAlone(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL, invite: true})
	var ge *push.GuardError

	r := doPush(t, testOptions(dir, nil))
	if !errors.As(r.err, &ge) || !ge.NoRecord || len(ge.Reasons) != 2 || !strings.Contains(ge.Reasons[1], "it would invite 87 new users") {
		t.Fatalf("without --first-push: %v, want both guards", r.err)
	}
	if !strings.Contains(r.err.Error(), "hint: check the export first; if these changes are intended, run again with --yes") {
		t.Errorf("two guards tripped, the error does not name --yes:\n%v", r.err)
	}
	r = doPush(t, firstOptions(dir, nil))
	if !errors.As(r.err, &ge) || ge.NoRecord || len(ge.Reasons) != 1 || !strings.Contains(ge.Reasons[0], "it would invite 87 new users") {
		t.Fatalf("with --first-push: %v, want the invitations guard alone", r.err)
	}
	if srv.Requests() != 0 {
		t.Fatalf("%d requests sent by stopped pushes", srv.Requests())
	}
	opt := testOptions(dir, nil)
	opt.Yes = true
	r = doPush(t, opt)
	if r.err != nil || !r.res.Sent {
		t.Fatalf("with --yes: %v", r.err)
	}
	for _, s := range []string{"going on with --yes, although there is no record of the last push", "first push to 127.0.0.1:"} {
		if !strings.Contains(r.stderr.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr.String())
		}
	}

	// There is a record now: --first-push is refused, alone or not.
	r = doPush(t, firstOptions(dir, nil))
	if !errors.As(r.err, &ge) || ge.NoRecord || !strings.Contains(r.err.Error(), "--first-push was given, but the state file ") || !strings.Contains(r.err.Error(), "this is not a first push; leave --first-push out") {
		t.Fatalf("--first-push with a record: %v, want a guard naming it", r.err)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests, want 1", srv.Requests())
	}
	if r := doPush(t, testOptions(dir, nil)); r.err != nil || r.res.Plan.First {
		t.Fatalf("the next push: %v", r.err)
	}
}

// TestFirstPushDryRunAndPlan checks that a dry run and a plan without a
// record are not stopped: their first line says first push, the plan
// lists the guard a push would trip, and the dry run warns of it.
func TestFirstPushDryRunAndPlan(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	opt := testOptions(dir, nil)
	opt.DryRun = true
	r := doPush(t, opt)
	if r.err != nil {
		t.Fatalf("dry run: %v", r.err)
	}
	if first, _, _ := strings.Cut(r.stdout.String(), "\n"); first != "DRY RUN for "+strings.TrimPrefix(srv.URL, "http://")+" (legacy protocol): first push, nothing is sent" {
		t.Errorf("dry run's first line: %q", first)
	}
	if !strings.Contains(r.stderr.String(), "warning: a push would stop here: there is no record of the last push to") {
		t.Errorf("the dry run does not say a push would stop:\n%s", r.stderr.String())
	}

	p, err := makePlan(testOptions(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !p.First || len(p.Guards) != 1 || !strings.HasPrefix(p.Guards[0], "there is no record of the last push to ") {
		t.Errorf("plan: first %t, guards %q", p.First, p.Guards)
	}
	p, err = makePlan(firstOptions(dir, nil))
	if err != nil || len(p.Guards) != 0 {
		t.Errorf("plan with --first-push: %v, guards %q", err, p.Guards)
	}
	if srv.Requests() != 0 {
		t.Errorf("%d requests", srv.Requests())
	}
}
