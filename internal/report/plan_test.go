package report

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// TestPlanAfterPush pushes the sample org to the fake API over loopback,
// plants changes and checks that the report shows what "ovsync plan"
// does, in its order, with the page readable without its script.
func TestPlanAfterPush(t *testing.T) {
	dir := plantedOrg(t)
	r := newReport(t, Options{Lint: lint.Options{Path: dir}})
	p := r.Data().Plan
	if p.Status != PlanChanges {
		t.Fatalf("plan status %q (%s), want %q", p.Status, p.Reason, PlanChanges)
	}
	prev := r.Lint().Summary.Users
	wantUsers := PlanCount{Kind: "users", Added: 1, Removed: 1, Changed: 1, Total: prev, Previous: prev}
	if diff := cmp.Diff(wantUsers, p.Counts[0]); diff != "" {
		t.Errorf("users' counts (-want +got):\n%s", diff)
	}
	kevin := plan.UserRef{ID: "25013", Email: "kevin.park@cedarline.example", Name: "Kevin Park"}
	if diff := cmp.Diff(List[plan.UserRef]{Total: 1, Items: []plan.UserRef{kevin}}, p.UsersRemoved); diff != "" {
		t.Errorf("users removed (-want +got):\n%s", diff)
	}
	if len(p.ManagersLost.Items) != 1 || p.ManagersLost.Items[0].ID != "00007" || p.ManagersLost.Items[0].Team != "T-FIN-ACC" || p.ManagersLost.Items[0].People == 0 {
		t.Errorf("managers lost %+v, want 00007 on T-FIN-ACC with the people they saw", p.ManagersLost)
	}
	wantEmail := plan.EmailChange{ID: "00003", Name: "Ricardo Pinto", From: "ricardo.pinto@cedarline.example", To: "ricardo.p@cedarline.example"}
	if diff := cmp.Diff(List[plan.EmailChange]{Total: 1, Items: []plan.EmailChange{wantEmail}}, p.EmailChanges); diff != "" {
		t.Errorf("email changes (-want +got):\n%s", diff)
	}
	if !p.EmailIsRemoval {
		t.Error("the legacy protocol's email change is not said to be a removal")
	}
	html := page(t, r)
	people := p.ManagersLost.Items[0].People
	wants := []string{
		"Changes since the last push on <time",
		"<li>Kevin Park &lt;kevin.park@cedarline.example&gt; (25013)</li>",
		fmt.Sprintf("on “%s” (T-FIN-ACC): no longer sees %s</li>", p.ManagersLost.Items[0].TeamName, plural.Count(people, "person", "people")),
		"counted as a removal and a new member",
		"<li>Ricardo Pinto (00003): ricardo.pinto@cedarline.example → ricardo.p@cedarline.example</li>",
		"<li>New Person &lt;new.person@cedarline.example&gt; (99999)</li>",
	}
	at := 0
	for _, want := range wants { // in this order: removals first
		i := strings.Index(html[at:], want)
		if i < 0 {
			t.Errorf("the page lacks %q after byte %d", want, at)
			continue
		}
		at += i
	}
	if strings.Contains(html, pushtest.DefaultKey) {
		t.Error("the page holds the API key")
	}
}

// TestPlanGuardsFromOptions checks that the page shows the guards of the
// push options it is given, as the command builds them from push's flags,
// not push's defaults: the planted org removes a user and an email, which
// the default --max-removals (10%, at least 5) lets through and
// --max-removals 1 does not; a first push trips the guard of a push
// without a record unless --first-push; a state file of another target is
// no record.
func TestPlanGuardsFromOptions(t *testing.T) {
	dir := plantedOrg(t)
	r := newReport(t, Options{Lint: lint.Options{Path: dir}})
	if g := r.Data().Plan.Guard; len(g) != 0 {
		t.Fatalf("default guards trip: %q", g)
	}
	opt := defaultGuards(t)
	opt.MaxRemovals = plan.Limit{Count: 1}
	r = newReport(t, Options{Lint: lint.Options{Path: dir}, Plan: opt})
	want := "it would remove 1 user and change 1 email (each a removal in the legacy protocol) of the 87 sent last time (--max-removals 1 allows 1)"
	if g := r.Data().Plan.Guard; len(g) != 1 || !strings.HasPrefix(g[0], want) {
		t.Fatalf("guards %q, want one starting %q", g, want)
	}
	if html := page(t, r); !strings.Contains(html, `<p class="guard">The push stops here, nothing sent (exit status 5): `+want) {
		t.Errorf("the page does not show the guard")
	}

	opt = defaultGuards(t)
	opt.State = filepath.Join(t.TempDir(), "none.json")
	r = newReport(t, Options{Lint: lint.Options{Path: dir}, Plan: opt})
	p := r.Data().Plan
	if p.Status != PlanFirst || len(p.Guard) != 1 || !strings.HasPrefix(p.Guard[0], "there is no record of the last push to ") {
		t.Errorf("without a state file: status %q, guards %q", p.Status, p.Guard)
	}
	opt.FirstPush = true
	if g := newReport(t, Options{Lint: lint.Options{Path: dir}, Plan: opt}).Data().Plan.Guard; len(g) != 0 {
		t.Errorf("with --first-push: guards %q", g)
	}

	// The state of the planted org's push, for another service.
	raw, err := os.ReadFile(filepath.Join(dir, ".ovsync", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	line, rest, _ := strings.Cut(string(raw), "\n")
	var head map[string]any
	if err := json.Unmarshal([]byte(line), &head); err != nil {
		t.Fatal(err)
	}
	head["apiUrl"] = "https://sandbox.officevibe.com"
	b, _ := json.Marshal(head)
	other := filepath.Join(t.TempDir(), "sandbox.json")
	if err := os.WriteFile(other, []byte(string(b)+"\n"+rest), 0o644); err != nil {
		t.Fatal(err)
	}
	opt = defaultGuards(t)
	opt.State = other
	r = newReport(t, Options{Lint: lint.Options{Path: dir}, Plan: opt})
	if p := r.Data().Plan; p.Status != PlanFirst || p.OtherTarget != "a legacy push to https://sandbox.officevibe.com" || len(p.Guard) != 1 {
		t.Errorf("a state of another service: status %q, other target %q, guards %q", p.Status, p.OtherTarget, p.Guard)
	}
	if html := page(t, r); !strings.Contains(html, "records a legacy push to https://sandbox.officevibe.com, not a push to this target") {
		t.Errorf("the page does not say the state file is another target's")
	}
}

// plantedOrg copies the sample org, pushes it to the fake API over
// loopback, then plants changes in its files: an email changed (00003),
// a user added (99999), a user removed (25013, Kevin Park) and a manager
// row dropped (00007 on T-FIN-ACC). It returns the org's folder.
func plantedOrg(t testing.TB) string {
	srv := pushtest.NewServer(pushtest.Options{Key: pushtest.DefaultKey})
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "Data"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"users.csv", "groups.csv", "groups-mapping.csv"} {
		b, err := os.ReadFile(filepath.Join(sampleOrg, "Data", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "Data", f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := json.Marshal(map[string]any{"Configuration": map[string]any{
		"ApiUrl": srv.URL, "UsersCsv": "./Data/users.csv", "GroupsCsv": "./Data/groups.csv",
		"MappingCsv": "./Data/groups-mapping.csv", "SyncManagerEmail": "hr-ops@cedarline.example", "InviteNewUsers": false,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "OFFICEVIBE_API_KEY" {
			return pushtest.DefaultKey
		}
		return ""
	}
	if _, err := push.Push(context.Background(), push.Options{Plan: plan.Options{Path: dir, Guards: plan.Guards{FirstPush: true}}, Remote: push.Remote{Getenv: getenv}}); err != nil {
		t.Fatalf("the first push failed: %v", err)
	}

	edit := func(file string, f func(string) string) {
		path := filepath.Join(dir, "Data", file)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(f(string(b))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("users.csv", func(s string) string {
		s = strings.Replace(s, "ricardo.pinto@cedarline.example", "ricardo.p@cedarline.example", 1)
		s = strings.Replace(s, "25013,kevin.park@cedarline.example,Kevin,Park,Customer Service Representative,,English,Customer Experience,Canada,2025-05-26,Montréal HQ\n", "", 1)
		return s + "99999,new.person@cedarline.example,New,Person,,,English,,,,\n"
	})
	edit("groups-mapping.csv", func(s string) string {
		s = strings.Replace(s, "T-CS-A,25013,,TRUE,FALSE\n", "", 1)
		return strings.Replace(s, "T-FIN-ACC,00007,,FALSE,TRUE\n", "", 1)
	})
	return dir
}
