package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/internal/report"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// TestOnePlanForPlanPushAndReport gives plan, push and report the same
// flags and the same state file, and checks that the three plan the same
// push: plan's JSON on stdout, the plan of a push --dry-run --plan and
// the plan behind the report's page, each made with the options its
// command builds (planOptions, which pushOptions and reportOptions call),
// are the same JSON, the guards that the flags trip included.
func TestOnePlanForPlanPushAndReport(t *testing.T) {
	t.Setenv(push.KeyEnv, cliKey)
	srv := pushtest.NewServer(pushtest.Options{Key: cliKey})
	t.Cleanup(srv.Close)
	dir := keyOrg(t, func(cfg map[string]any) { cfg["ApiUrl"] = srv.URL })
	state := filepath.Join(t.TempDir(), "record.json")
	if code, out := keyRun(t, "push", "--first-push", "--state", state, dir); code != exitOK {
		t.Fatalf("the first push: exit status %d\n%s", code, out)
	}
	edit := func(file, old, new string) {
		t.Helper()
		p := filepath.Join(dir, "Data", file)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s lacks %q", file, old)
		}
		if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("users.csv", "25013,kevin.park@cedarline.example,Kevin,Park,Customer Service Representative,,English,Customer Experience,Canada,2025-05-26,Montréal HQ\n", "")
	edit("users.csv", "ricardo.pinto@cedarline.example", "ricardo.p@cedarline.example")
	edit("groups.csv", "T-EXEC,Executive Team", "T-EXEC,Leadership Team")
	edit("groups-mapping.csv", "T-CS-A,25013,,TRUE,FALSE\n", "")
	edit("groups-mapping.csv", "T-FIN-ACC,00007,,FALSE,TRUE\n", "")

	flags := []string{"--state", state, "--max-removals", "1", "--max-team-removals", "0", "--max-manager-changes", "0", dir}
	planFile := filepath.Join(t.TempDir(), "plan.json")
	code, stdout, stderr := keyRun2(t, append([]string{"plan", "--format", "json", "-o", planFile}, flags...)...)
	if code != exitOK {
		t.Fatalf("plan: exit status %d\n%s", code, stderr)
	}
	var planned plan.Plan
	if err := json.Unmarshal([]byte(stdout), &planned); err != nil {
		t.Fatal(err)
	}
	if len(planned.Guards) < 2 || planned.First || planned.Users.Removed != 1 || planned.EmailChanges != 1 || planned.Teams.Changed != 1 || planned.Managers.Removed != 1 {
		t.Fatalf("the plan does not show the planted changes and the guards they trip: users %+v, emails %d, teams %+v, managers %+v, guards %q",
			planned.Users, planned.EmailChanges, planned.Teams, planned.Managers, planned.Guards)
	}

	var pushed *plan.Plan
	runAction(t, append([]string{"push", "--dry-run", "--plan", planFile}, flags...), func(c *cli.Context) error {
		opt, err := pushOptions(c)
		if err != nil {
			return err
		}
		res, err := push.Push(c.Context, opt)
		var guard *push.GuardError
		if !errors.As(err, &guard) {
			t.Errorf("push --dry-run: %v, want the guards the plan lists", err)
		}
		pushed = res.Plan
		return nil
	})
	var reported *plan.Plan
	runAction(t, append([]string{"report", "-o", filepath.Join(t.TempDir(), "report.html")}, flags...), func(c *cli.Context) error {
		opt, err := reportOptions(c)
		if err != nil {
			return err
		}
		r, err := report.New(c.Context, opt)
		if err != nil {
			return err
		}
		reported = r.Plan()
		return nil
	})
	for _, got := range []struct {
		who string
		p   *plan.Plan
	}{{"push --dry-run --plan", pushed}, {"report", reported}} {
		if got.p == nil {
			t.Errorf("%s made no plan", got.who)
			continue
		}
		var b bytes.Buffer
		if err := got.p.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(stdout, b.String()); d != "" {
			t.Errorf("the plan of %s is not plan's (-plan +%s):\n%s", got.who, got.who, d)
		}
	}
	if n := len(srv.History()); n != 1 {
		t.Errorf("%d syncs, want the first push's alone", n)
	}
}

// runAction runs ovsync with args, its subcommand's action replaced by
// act, which gets the context the command's own action would: the flags
// parsed as the command reads them, the run's streams.
func runAction(t *testing.T, args []string, act cli.ActionFunc) {
	t.Helper()
	var out, errOut bytes.Buffer
	s := newStreams(&out, &errOut)
	app := newApp(strings.NewReader(""), s)
	args = flagsFirst(app, append([]string{"ovsync"}, args...))
	app.Command(args[1]).Action = act
	err := app.Run(args)
	if cerr := s.close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
}
