package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// TestKeyInFiles: the page of an org whose values share pieces with the
// key holds them as they are; the page of an org that holds the key
// whole is never written.
func TestKeyInFiles(t *testing.T) {
	const key = "ovk-Report-0001234-QwErTy"
	dir := t.TempDir()
	write := func(lastName string) lint.Options {
		os.WriteFile(filepath.Join(dir, "users.csv"), []byte("id,email,firstName,lastName\n0001234,u0001234@example.com,Ana,"+lastName+"\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "groups.csv"), []byte("id,name\nT1,Report-Team\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "groups-mapping.csv"), []byte("groupId,userId,subGroupId,isMember,isManager\nT1,0001234,,TRUE,TRUE\n"), 0o644)
		return lint.Options{Users: filepath.Join(dir, "users.csv"), Groups: filepath.Join(dir, "groups.csv"), Mapping: filepath.Join(dir, "groups-mapping.csv"), Keys: redact.New(key)}
	}
	html := page(t, newReport(t, Options{Lint: write("QwErTy-Silva"), NoPlan: true}))
	for _, v := range []string{"QwErTy-Silva", "Report-Team", "u0001234@example.com"} {
		if !strings.Contains(html, v) {
			t.Errorf("the page does not hold %q as it is", v)
		}
	}
	r := newReport(t, Options{Lint: write("Silva " + key), NoPlan: true})
	var b bytes.Buffer
	var ke *lint.KeyError
	if err := r.Write(&b); !errors.As(err, &ke) || b.Len() > 0 {
		t.Errorf("Write = %v, wrote %d bytes; want a *lint.KeyError and nothing", err, b.Len())
	}
}

// TestKeyInPlanError: the reason the page gives for a plan that failed
// holds no piece of the API key of config.json, even when the error
// itself does (here the path of a broken state file).
func TestKeyInPlanError(t *testing.T) {
	const key = "ovk-zq71Qw-Kp8sT-55x3"
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "Data"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"config.json", "Data/users.csv", "Data/groups.csv", "Data/groups-mapping.csv"} {
		b, err := os.ReadFile(filepath.Join(sampleOrg, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "config.json" {
			b = bytes.Replace(b, []byte(`"ApiKey": ""`), []byte(`"ApiKey": "`+key+`"`), 1)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	state := filepath.Join(dir, key, "state.json")
	if err := os.MkdirAll(filepath.Dir(state), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(state, []byte("not a state file"), 0o644); err != nil {
		t.Fatal(err)
	}
	po := defaultGuards(t)
	po.State = state
	r := newReport(t, Options{Lint: lint.Options{Path: dir}, Plan: po})
	p := r.Data().Plan
	if p.Status != PlanStopped || !strings.Contains(p.Reason, "state.json") {
		t.Fatalf("plan status %q (%s), want %q naming the state file", p.Status, p.Reason, PlanStopped)
	}
	html := page(t, r)
	for i := 0; i+6 <= len(key); i++ {
		if piece := key[i : i+6]; strings.Contains(p.Reason, piece) || strings.Contains(html, piece) {
			t.Errorf("the plan's reason or the page holds %q, a piece of the API key: %s", piece, p.Reason)
		}
	}
}
