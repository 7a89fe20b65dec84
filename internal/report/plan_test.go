package report

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/pushtest"
)

// TestPlanAfterPush pushes the sample org to the fake API over loopback,
// changes an email and adds a user, and checks that the report shows the
// changes push plans against the state file.
func TestPlanAfterPush(t *testing.T) {
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
	if _, err := push.Push(context.Background(), push.Options{Path: dir, Remote: push.Remote{Getenv: getenv}}); err != nil {
		t.Fatalf("the first push failed: %v", err)
	}

	users := filepath.Join(dir, "Data", "users.csv")
	b, err := os.ReadFile(users)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "ricardo.pinto@cedarline.example", "ricardo.p@cedarline.example", 1)
	edited += "99999,new.person@cedarline.example,New,Person,,,English,,,,\n"
	if err := os.WriteFile(users, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}

	r := newReport(t, Options{Lint: lint.Options{Path: dir}})
	p := r.Data().Plan
	if p.Status != PlanChanges {
		t.Fatalf("plan status %q (%s), want %q", p.Status, p.Reason, PlanChanges)
	}
	prev := r.Lint().Summary.Users - 1
	wantUsers := PlanCount{Kind: "users", Added: 1, Changed: 1, Total: prev + 1, Previous: prev}
	if diff := cmp.Diff(wantUsers, p.Counts[0]); diff != "" {
		t.Errorf("users' counts (-want +got):\n%s", diff)
	}
	if want := []string{"ricardo.pinto@cedarline.example → ricardo.p@cedarline.example (00003)"}; !cmp.Equal(p.EmailChanged, want) {
		t.Errorf("emails changed %q, want %q", p.EmailChanged, want)
	}
	html := page(t, r)
	for _, want := range []string{"Changes since the last push on <time", "Emails changed (Officevibe keys members by email): ricardo.pinto@cedarline.example → ricardo.p@cedarline.example (00003)"} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(html, pushtest.DefaultKey) {
		t.Error("the page holds the API key")
	}
}
