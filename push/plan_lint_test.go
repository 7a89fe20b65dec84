package push_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
)

// TestMakePlanWithLint checks that a lint report handed to plan.Make
// stands for its own lint: the same plan when it is the org's, and its
// errors stop the plan (so the files were not linted again).
func TestMakePlanWithLint(t *testing.T) {
	dir := copyOrg(t, orgConfig{apiURL: "https://app.officevibe.com"})
	own, err := makePlan(push.Options{Plan: plan.Options{Path: dir}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := lint.Run(lint.Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	given, err := makePlan(push.Options{Plan: plan.Options{Path: dir, Lint: rep}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(own, given, cmpopts.IgnoreUnexported(plan.Plan{})); diff != "" {
		t.Errorf("the plan with the lint report given differs (-own +given):\n%s", diff)
	}
	failed := *rep
	failed.Summary.Errors = 1
	var le *plan.LintError
	if _, err := makePlan(push.Options{Plan: plan.Options{Path: dir, Lint: &failed}}); !errors.As(err, &le) {
		t.Errorf("a given lint report with an error: got %v, want a *plan.LintError", err)
	}
}
