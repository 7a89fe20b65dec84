package push_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// piecesKey is the key of testdata/keypieces: it shares pieces of 6
// characters with the org's user ids, emails, last names, team ids and a
// team name (see its README).
const piecesKey = "9c1e0001234bf7a2duboisT000042e6d"

// piecesDir is that org; maskedState the state file of its push written
// by the release whose key filter masked those pieces.
const (
	piecesDir   = "testdata/keypieces"
	maskedState = "testdata/keypieces/state-redacted.json"
	maskedURL   = "http://127.0.0.1:18715" // the ApiUrl the state records
)

// piecesOrg copies the org of testdata/keypieces with ApiUrl url.
func piecesOrg(t *testing.T, url string) string {
	t.Helper()
	return copyOrgFrom(t, piecesDir, orgConfig{apiURL: url})
}

// piecesOptions are the options of a push of dir with piecesKey.
func piecesOptions(dir string) push.Options {
	opt := testOptions(dir, nil)
	opt.Getenv = env(push.KeyEnv, piecesKey)
	return opt
}

// stateLists returns the head line and the unpacked lists of a state
// file as a push writes it: version 3, its lists through zstd.
func stateLists(t *testing.T, path string) (head map[string]any, lists string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line, z, _ := bytes.Cut(raw, []byte("\n"))
	if err := json.Unmarshal(line, &head); err != nil {
		t.Fatal(err)
	}
	if head["version"] != 3.0 {
		t.Fatalf("state of version %v, want 3", head["version"])
	}
	zr, err := zstd.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return head, string(b)
}

// noChange fails unless the plan changes nothing.
func noChange(t *testing.T, what string, p *plan.Plan) {
	t.Helper()
	if p.First || p.HasChanges() || p.Managers.Added+p.Managers.Removed+p.Moves > 0 || len(p.Guards) > 0 {
		var out bytes.Buffer
		p.Print(&out)
		t.Errorf("%s: the plan of the unchanged org shows changes:\n%s", what, out.String())
	}
}

// TestPushWithKeyPieces pushes an org whose values share pieces with the
// key: the dump is the body the service received, byte for byte; the
// state holds the values exactly; the plan of the unchanged org after it
// shows no change.
func TestPushWithKeyPieces(t *testing.T) {
	srv := newFake(t, pushtest.Options{Key: piecesKey, KeepBodies: true})
	dir := piecesOrg(t, srv.URL)
	opt := firstPush(piecesOptions(dir))
	opt.Dump = filepath.Join(t.TempDir(), "dump.json")
	r := doPush(t, opt)
	if r.err != nil {
		t.Fatalf("Push: %v\n%s", r.err, r.stderr.String())
	}
	h := srv.History()
	if len(h) != 1 {
		t.Fatalf("%d syncs", len(h))
	}
	dump, err := os.ReadFile(opt.Dump)
	if err != nil {
		t.Fatal(err)
	}
	checkSentDump(t, h[0].Body, dump)
	var indented bytes.Buffer
	json.Indent(&indented, h[0].Body, "", "  ")
	indented.WriteByte('\n')
	if !bytes.Equal(indented.Bytes(), dump) || !bytes.Contains(dump, []byte(`"id": "0001234"`)) || !bytes.Contains(dump, []byte("lea.dubois@example.com")) {
		t.Errorf("the dump is not the body sent, indented:\n%s", dump)
	}
	head, lists := stateLists(t, filepath.Join(dir, ".ovsync", "state.json"))
	if head["exact"] != true || strings.Contains(lists, redact.Mask) || !strings.Contains(lists, "U\t0001234\tu0001234@example.com\tRavi\tPatel") {
		t.Errorf("the state does not hold the values exactly: head %v\n%s", head, lists)
	}
	p, err := makePlan(piecesOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	noChange(t, "after the push", p)
	if !p.Unchanged || p.Known.Damaged != 0 {
		t.Errorf("unchanged %t, damaged %d", p.Unchanged, p.Known.Damaged)
	}
	// What the push printed is a message: no piece of the key in it.
	if red := redact.New(piecesKey); red.String(r.stdout.String()+r.stderr.String()) != r.stdout.String()+r.stderr.String() {
		t.Errorf("the push printed pieces of the key:\n%s%s", r.stdout.String(), r.stderr.String())
	}
}

// TestPlanAgainstMaskedState plans the unchanged org against the state
// an earlier ovsync wrote with the key's pieces masked, with the key
// known (as push and a plan with the key know it) and without: no
// phantom change, and the plan says how many records were damaged.
func TestPlanAgainstMaskedState(t *testing.T) {
	for _, known := range []bool{true, false} {
		opt := testOptions(piecesOrg(t, maskedURL), nil)
		opt.Plan.State = maskedState
		if known {
			opt.Plan.Keys = redact.New(piecesKey)
		}
		p, err := makePlan(opt)
		if err != nil {
			t.Fatal(err)
		}
		noChange(t, "against the masked state", p)
		// 11 users, 5 teams and 14 mapping rows hold the mask.
		if p.Known.Damaged != 30 || p.Known.Unknown != 0 || p.Users.Previous != 12 || p.Teams.Previous != 5 {
			t.Errorf("key known %t: known %+v, previous users %d, teams %d", known, p.Known, p.Users.Previous, p.Teams.Previous)
		}
		var out bytes.Buffer
		p.Print(&out)
		if !strings.Contains(out.String(), "state file: 30 records were written by an earlier ovsync whose key filter masked parts of their values ([redacted]); each matched with the files by what it still shows; the next push writes the state exactly") {
			t.Errorf("the plan does not say the state was damaged:\n%s", out.String())
		}
	}
}

// TestPlanAgainstMaskedStateSeesChanges changes the org after the push
// the masked state records: a user whose id was masked removed, one
// whose id was masked changed, a team whose id was masked renamed, a new
// user. The plan finds exactly those.
func TestPlanAgainstMaskedStateSeesChanges(t *testing.T) {
	dir := piecesOrg(t, maskedURL)
	editCSV(t, dir, "users.csv", func(l string) (string, bool) {
		switch {
		case strings.HasPrefix(l, "0001235,"):
			return "", false
		case strings.HasPrefix(l, "0001234,"):
			return strings.Replace(l, "Engineering Manager", "Director of Engineering", 1), true
		case strings.HasPrefix(l, "0002002,"):
			return l + "0002003,nina.berg@example.com,Nina,Berg,Support Agent,English,Support\n", true
		}
		return l, true
	})
	editCSV(t, dir, "groups-mapping.csv", func(l string) (string, bool) {
		if strings.Contains(l, ",0001235,") {
			return "", false
		}
		return l, true
	})
	editCSV(t, dir, "groups.csv", func(l string) (string, bool) {
		return strings.Replace(l, "T000042,Engineering", "T000042,Platform", 1), true
	})
	opt := testOptions(dir, nil)
	opt.Plan.State = maskedState
	opt.Plan.Keys = redact.New(piecesKey)
	p, err := makePlan(opt)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Changes
	var got []string
	for _, u := range c.UsersRemoved {
		got = append(got, "removed "+u.ID)
	}
	for _, u := range c.UsersAdded {
		got = append(got, "added "+u.ID)
	}
	for _, u := range c.UsersChanged {
		got = append(got, "changed "+u.ID+" "+strings.Join(u.Fields, ","))
	}
	for _, tr := range c.TeamsRenamed {
		got = append(got, "renamed "+tr.ID+" "+tr.From+" → "+tr.To)
	}
	want := "removed [redacted]5|added 0002003|changed 0001234 jobTitle|renamed T000042 Engineering → Platform"
	if strings.Join(got, "|") != want || p.EmailChanges != 0 || p.Teams.Removed+p.Teams.Added != 0 || p.Mappings.Removed != 1 || p.Mappings.Added != 0 {
		t.Errorf("changes %q, want %q; emails %d, teams %+v, mappings %+v", strings.Join(got, "|"), want, p.EmailChanges, p.Teams, p.Mappings)
	}
}

// TestPushRewritesMaskedState pushes the unchanged org after the push
// the masked state records: the plan shows no change, no guard trips,
// and the state is written again exactly; the next plan finds no damage.
func TestPushRewritesMaskedState(t *testing.T) {
	srv := newFake(t, pushtest.Options{Key: piecesKey})
	dir := piecesOrg(t, srv.URL)
	// The state as the earlier ovsync wrote it, its head naming this
	// fake's URL (the lists are left as they are).
	raw, err := os.ReadFile(maskedState)
	if err != nil {
		t.Fatal(err)
	}
	line, lists, _ := bytes.Cut(raw, []byte("\n"))
	var head map[string]any
	json.Unmarshal(line, &head)
	head["apiUrl"] = srv.URL
	line, _ = json.Marshal(head)
	state := filepath.Join(dir, ".ovsync", "state.json")
	os.MkdirAll(filepath.Dir(state), 0o755)
	writeFile(t, state, string(line)+"\n"+string(lists))

	r := doPush(t, piecesOptions(dir))
	if r.err != nil {
		t.Fatalf("Push: %v\n%s%s", r.err, r.stdout.String(), r.stderr.String())
	}
	noChange(t, "the push", r.res.Plan)
	if r.res.Plan.Known.Damaged != 30 || len(srv.History()) != 1 {
		t.Errorf("damaged %d, syncs %d", r.res.Plan.Known.Damaged, len(srv.History()))
	}
	h, got := stateLists(t, state)
	if h["exact"] != true || strings.Contains(got, redact.Mask) || !strings.Contains(got, "T\tT000100\tSupport (Dubois)") {
		t.Errorf("the state was not written again exactly: head %v\n%s", h, got)
	}
	p, err := makePlan(piecesOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	noChange(t, "after the push", p)
	if p.Known.Damaged != 0 {
		t.Errorf("damaged %d after the push", p.Known.Damaged)
	}
}

// TestPushRefusesKey pushes an org whose users.csv holds the key whole:
// lint's api-key error stops it before any request; no dump, no state.
// A plan stops all the same.
func TestPushRefusesKey(t *testing.T) {
	srv := newFake(t, pushtest.Options{Key: piecesKey})
	dir := piecesOrg(t, srv.URL)
	editCSV(t, dir, "users.csv", func(l string) (string, bool) {
		return strings.Replace(l, "Sales Lead", "Sales Lead "+strings.ToUpper(piecesKey), 1), true
	})
	opt := firstPush(piecesOptions(dir))
	opt.Dump = filepath.Join(dir, "dump.json")
	r := doPush(t, opt)
	var le *plan.LintError
	if !errors.As(r.err, &le) || srv.Requests() != 0 {
		t.Fatalf("Push: %v, %d requests; want a lint error and none", r.err, srv.Requests())
	}
	if !strings.Contains(r.stderr.String(), "users.csv:8:41: error: jobTitle holds the API key [api-key]") || redact.New(piecesKey).String(r.stderr.String()) != r.stderr.String() {
		t.Errorf("stderr:\n%s", r.stderr.String())
	}
	for _, p := range []string{opt.Dump, filepath.Join(dir, ".ovsync", "state.json")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
	popt := piecesOptions(dir)
	popt.Plan.Keys = redact.New(piecesKey)
	if _, err := makePlan(popt); !errors.As(err, &le) || le.Report.KeyFields != 1 {
		t.Errorf("plan.Make: %v, want a lint error with 1 field holding the key", err)
	}
}
