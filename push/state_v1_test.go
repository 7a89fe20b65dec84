package push_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
)

// TestPlanAgainstStateV1 plans the sample against a state file of
// version 1, written by an earlier ovsync after pushing the sample
// (plan/testdata/state-v1.json, to http://127.0.0.1:18714): it is read, the
// plan is not a first push's, and it says what version 1 cannot tell.
func TestPlanAgainstStateV1(t *testing.T) {
	dir := copyOrg(t, orgConfig{apiURL: "http://127.0.0.1:18714"})
	editCSV(t, dir, "users.csv", func(l string) (string, bool) {
		return strings.Replace(l, "francoise.dubois@cedarline.example", "f.dubois@cedarline.example", 1), true
	})
	opt := testOptions(dir, nil)
	opt.Plan.State = "plan/testdata/state-v1.json"
	p, err := makePlan(opt)
	if err != nil {
		t.Fatal(err)
	}
	if p.First || p.Users.Previous != 87 || p.Users.Changed != 1 || p.EmailChanges != 1 || p.Known.Fields || p.Known.Mappings {
		t.Errorf("plan: first %t, users %+v, emails %d, known %+v", p.First, p.Users, p.EmailChanges, p.Known)
	}
	if p.Teams.Changed+p.Teams.Removed+p.Mappings.Added+p.Mappings.Removed != 0 {
		t.Errorf("teams %+v, mappings %+v: want no change", p.Teams, p.Mappings)
	}
	var out bytes.Buffer
	if err := p.Print(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"fields not known (the state file is of version 1)", "managers and moves: not known, the state file is of version 1"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("plan lacks %q:\n%s", s, out.String())
		}
	}
}

// TestDiffAgainstStateV1 diffs the sample, one email changed, against
// the state file of version 1 of a push of it: the users are compared by
// the hashes of their objects, and only the one changed differs.
func TestDiffAgainstStateV1(t *testing.T) {
	dir := copyOrg(t, orgConfig{apiURL: "http://127.0.0.1:18714"})
	editCSV(t, dir, "users.csv", func(l string) (string, bool) {
		return strings.Replace(l, "francoise.dubois@cedarline.example", "f.dubois@cedarline.example", 1), true
	})
	p, err := plan.Diff(plan.DiffOptions{Old: "plan/testdata/state-v1.json", New: dir, Protocols: push.Protocols()})
	if err != nil {
		t.Fatal(err)
	}
	if p.Users.Previous != 87 || p.Users.Changed != 1 || p.EmailChanges != 1 || p.Known.Fields {
		t.Errorf("diff: users %+v, emails %d, known %+v", p.Users, p.EmailChanges, p.Known)
	}
}
