package push_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
)

// TestMakePlanWithLint checks that a lint report handed to MakePlan
// stands for its own lint: the same plan when it is the org's, and its
// errors stop the plan (so the files were not linted again).
func TestMakePlanWithLint(t *testing.T) {
	dir := copyOrg(t, orgConfig{apiURL: "https://app.officevibe.com"})
	own, err := push.MakePlan(push.Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := lint.Run(lint.Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	given, err := push.MakePlan(push.Options{Path: dir, Lint: rep})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(own, given, cmpopts.IgnoreUnexported(push.Plan{})); diff != "" {
		t.Errorf("the plan with the lint report given differs (-own +given):\n%s", diff)
	}
	failed := *rep
	failed.Summary.Errors = 1
	var le *push.LintError
	if _, err := push.MakePlan(push.Options{Path: dir, Lint: &failed}); !errors.As(err, &le) {
		t.Errorf("a given lint report with an error: got %v, want a *push.LintError", err)
	}
}
