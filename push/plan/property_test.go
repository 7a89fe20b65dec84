package plan_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
)

// TestStreamedPlanIsReference plans generated orgs changed at random
// against the record of their push, and checks that the plan, which
// compares the org lint read with the state file as it streams, is the
// one the comparison of the two records held whole gives (the reference,
// compare_ref_test.go), change for change and in the same order. Each
// seed makes an org of a few hundred users in the legacy format and in
// the successor's, and changes it: users removed, added and changed
// (fields, emails, names, spaces around values), a custom column added
// or dropped, teams removed, added and renamed, managers gained and
// lost, members moved, rows repeated, flags changed, rows reordered;
// every fourth seed plans against the record as an earlier key filter
// masked it, every third with InviteNewUsers.
func TestStreamedPlanIsReference(t *testing.T) {
	seeds := 150
	if testing.Short() {
		seeds = 20
	}
	const key = "q0000105q0000106q" // masks users 0000100 to 0000109, two of them alike
	// seen counts the plans that listed each kind of change: the changes
	// must give the comparison every kind to list.
	seen := map[string]int{}
	defer func() {
		for _, kind := range []string{"usersRemoved", "usersAdded", "usersChanged", "emailChanges", "teamsRemoved", "teamsAdded", "teamsRenamed",
			"managersLost", "managersGained", "moves", "mappingsChanged", "damaged", "unknown", "invites"} {
			if seen[kind] == 0 && !t.Failed() {
				t.Errorf("no plan listed %s", kind)
			}
		}
	}()
	for seed := 1; seed <= seeds; seed++ {
		for _, proto := range []string{plan.ProtocolLegacy, plan.ProtocolProvisioning} {
			t.Run(fmt.Sprintf("seed=%d/%s", seed, proto), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(seed), 22))
				dir := t.TempDir()
				if _, err := orggen.WriteDir(dir, orggen.Options{Users: 40 + rng.IntN(400), Seed: int64(seed)}); err != nil {
					t.Fatal(err)
				}
				invite := proto == plan.ProtocolLegacy && seed%3 == 0
				o := readOrg(t, dir)
				if proto == plan.ProtocolProvisioning {
					o.toProvisioning()
				}
				o.invite = invite
				o.write(t, dir)
				prev := filepath.Join(t.TempDir(), "state.json")
				writeState(t, dir, prev)
				var keys *redact.Redactor
				if seed%4 == 0 {
					keys = redact.New(key)
					raw, err := os.ReadFile(prev)
					if err != nil {
						t.Fatal(err)
					}
					if raw, err = plan.MaskState(raw, keys); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(prev, raw, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				o.change(rng)
				o.write(t, dir)

				got, err := plan.Make(plan.Options{Path: dir, State: prev, Protocols: push.Protocols(), Keys: keys})
				var le *plan.LintError
				if errors.As(err, &le) {
					var b strings.Builder
					lint.Print(&b, "text", le.Report, lint.PrintOptions{})
					t.Fatalf("the changed org does not lint: %v\n%s", err, b.String())
				}
				if err != nil {
					t.Fatal(err)
				}
				cur := filepath.Join(t.TempDir(), "state.json")
				writeState(t, dir, cur)
				prevRaw, err := os.ReadFile(prev)
				if err != nil {
					t.Fatal(err)
				}
				curRaw, err := os.ReadFile(cur)
				if err != nil {
					t.Fatal(err)
				}
				want, err := plan.ReferencePlan(prevRaw, curRaw, keys, invite)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(compared(want), compared(got)); d != "" {
					t.Errorf("the streamed plan differs from the reference (-reference +streamed):\n%s", d)
				}
				if !got.HasChanges() {
					t.Errorf("the random changes changed nothing")
				}
				c := &got.Changes
				for kind, n := range map[string]int{"usersRemoved": len(c.UsersRemoved), "usersAdded": len(c.UsersAdded), "usersChanged": len(c.UsersChanged),
					"emailChanges": len(c.EmailChanges), "teamsRemoved": len(c.TeamsRemoved), "teamsAdded": len(c.TeamsAdded), "teamsRenamed": len(c.TeamsRenamed),
					"managersLost": len(c.ManagersLost), "managersGained": len(c.ManagersGained), "moves": len(c.Moves), "mappingsChanged": got.Mappings.Changed,
					"damaged": got.Known.Damaged, "unknown": got.Known.Unknown, "invites": got.Invites} {
					if n > 0 {
						seen[kind]++
					}
				}
			})
		}
	}
}

// TestFirstPushIsReference: a plan without a state file lists what the
// comparison of the record with nothing lists.
func TestFirstPushIsReference(t *testing.T) {
	dir := t.TempDir()
	if _, err := orggen.WriteDir(dir, orggen.Options{Users: 300, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	got, err := plan.Make(plan.Options{Path: dir, State: filepath.Join(t.TempDir(), "none.json"), Protocols: push.Protocols()})
	if err != nil {
		t.Fatal(err)
	}
	cur := filepath.Join(t.TempDir(), "state.json")
	writeState(t, dir, cur)
	raw, err := os.ReadFile(cur)
	if err != nil {
		t.Fatal(err)
	}
	want, err := plan.ReferencePlan(nil, raw, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(compared(want), compared(got)); d != "" {
		t.Errorf("(-reference +streamed):\n%s", d)
	}
}

// comparedPlan is what a comparison makes of a plan: the rest (target,
// inputs, digests, guards) is the planner's.
type comparedPlan struct {
	First                            bool
	Users, Teams, Mappings, Managers plan.Count
	EmailChanges, Moves, Invites     int
	Known                            plan.Known
	Changes                          plan.Changes
	PreviousPush                     string
}

func compared(p *plan.Plan) comparedPlan {
	return comparedPlan{First: p.First, Users: p.Users, Teams: p.Teams, Mappings: p.Mappings, Managers: p.Managers,
		EmailChanges: p.EmailChanges, Moves: p.Moves, Invites: p.Invites, Known: p.Known, Changes: p.Changes, PreviousPush: p.PreviousPush.String()}
}

// org is a generated org's three files as records, to change.
type org struct {
	users, teams, rows [][]string
	provisioning       bool
	invite             bool
	// added counts the users and teams added, for their ids.
	added int
}

// readOrg reads the files of a generated org.
func readOrg(t *testing.T, dir string) *org {
	t.Helper()
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, "Data", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	return &org{users: read("users.csv"), teams: read("groups.csv"), rows: read("groups-mapping.csv")}
}

// toProvisioning writes the org in the successor's format: its files'
// and columns' names, language codes, and a productAssignations column.
func (o *org) toProvisioning() {
	o.provisioning = true
	rename := func(recs [][]string, k lint.Kind) {
		from, to := lint.Legacy.Columns(k), lint.Provisioning.Columns(k)
		for i, name := range recs[0] {
			if j := slices.Index(from, name); j >= 0 {
				recs[0][i] = to[j]
			}
		}
	}
	rename(o.users, lint.KindUsers)
	rename(o.teams, lint.KindGroups)
	rename(o.rows, lint.KindMapping)
	lang := slices.Index(o.users[0], "languagePreferences")
	o.users[0] = append(o.users[0], "productAssignations")
	for i, r := range o.users[1:] {
		if j := slices.Index(lint.Legacy.Languages, r[lang]); j >= 0 {
			r[lang] = lint.Provisioning.Languages[j]
		}
		products := ""
		if i%3 == 0 {
			products = "Officevibe"
		}
		o.users[i+1] = append(r, products)
	}
}

// write writes the org into dir, with its config.
func (o *org) write(t *testing.T, dir string) {
	t.Helper()
	names := lint.Legacy.FileNames
	if o.provisioning {
		names = lint.Provisioning.FileNames
	}
	for _, old := range lint.Legacy.FileNames {
		os.Remove(filepath.Join(dir, "Data", old))
	}
	for k, recs := range [][][]string{o.users, o.teams, o.rows} {
		f, err := os.Create(filepath.Join(dir, "Data", names[k]))
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.WriteAll(recs)
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	cfg := fmt.Sprintf(`{"Configuration": {"ApiUrl": "https://app.officevibe.com", "ApiKey": "", "UsersCsv": "./Data/%s", "GroupsCsv": "./Data/%s", "MappingCsv": "./Data/%s", "SyncManagerEmail": "", "InviteNewUsers": %t}}`,
		names[0], names[1], names[2], o.invite)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
}

// change makes random changes that keep the org free of lint errors.
func (o *org) change(rng *rand.Rand) {
	pick := func(n int) int { return 1 + rng.IntN(n-1) } // a record, not the header
	few := func(n int) int { return 1 + rng.IntN(max(n/25, 2)) }
	userIDs := func() map[string]bool {
		ids := map[string]bool{}
		for _, r := range o.users[1:] {
			ids[strings.TrimSpace(r[0])] = true
		}
		return ids
	}
	pairs := func() map[[2]string]bool {
		p := map[[2]string]bool{}
		for _, r := range o.rows[1:] {
			p[[2]string{strings.TrimSpace(r[0]), strings.TrimSpace(r[1])}] = true
		}
		return p
	}
	trimmed := func(r []string, i int) string { return strings.TrimSpace(r[i]) }

	// Users removed, with their rows.
	gone := map[string]bool{}
	for range few(len(o.users)) {
		if len(o.users) > 3 {
			i := pick(len(o.users))
			gone[trimmed(o.users[i], 0)] = true
			o.users = slices.Delete(o.users, i, i+1)
		}
	}
	o.rows = slices.DeleteFunc(o.rows, func(r []string) bool { return gone[strings.TrimSpace(r[1])] })
	// Fields, emails and names changed.
	for range few(len(o.users)) {
		o.users[pick(len(o.users))][4] = fmt.Sprintf("Title %d", rng.IntN(1000))
	}
	for range few(len(o.users)) {
		r := o.users[pick(len(o.users))]
		r[1] = "moved." + r[1]
	}
	for range few(len(o.users)) {
		r := o.users[pick(len(o.users))]
		r[2] += "e"
	}
	// Spaces around values: names and team names silently, ids and
	// emails with a warning.
	switch rng.IntN(4) {
	case 0:
		o.users[pick(len(o.users))][3] += " "
		o.teams[pick(len(o.teams))][1] = " " + o.teams[pick(len(o.teams))][1]
	case 1:
		r := o.users[pick(len(o.users))]
		r[1] = " " + r[1]
		o.rows[pick(len(o.rows))][0] += " "
	}
	// A custom column added or dropped.
	switch rng.IntN(5) {
	case 0:
		o.users[0] = append(o.users[0], "Building")
		for i := range o.users[1:] {
			o.users[i+1] = append(o.users[i+1], fmt.Sprintf("B%d", rng.IntN(3)))
		}
	case 1:
		c := slices.Index(o.users[0], "Country")
		for i := range o.users {
			o.users[i] = slices.Delete(o.users[i], c, c+1)
		}
	}
	// Teams renamed, removed (with their rows) and added.
	for range few(len(o.teams)) {
		r := o.teams[pick(len(o.teams))]
		r[1] = "Renamed " + r[1]
	}
	if len(o.teams) > 4 && rng.IntN(2) == 0 {
		i := pick(len(o.teams))
		id := trimmed(o.teams[i], 0)
		o.teams = slices.Delete(o.teams, i, i+1)
		o.rows = slices.DeleteFunc(o.rows, func(r []string) bool {
			return strings.TrimSpace(r[0]) == id || strings.TrimSpace(r[2]) == id
		})
	}
	ids := userIDs()
	var users []string
	for id := range ids {
		users = append(users, id)
	}
	slices.Sort(users)
	anyUser := func() string { return users[rng.IntN(len(users))] }
	anyTeam := func() string { return trimmed(o.teams[pick(len(o.teams))], 0) }
	for range 1 + rng.IntN(3) {
		o.added++
		id := fmt.Sprintf("NT%03d", o.added)
		parent := anyTeam()
		o.teams = append(o.teams, []string{id, "New team " + id})
		o.rows = append(o.rows, []string{parent, "", id, "FALSE", "FALSE"}, []string{id, anyUser(), "", "FALSE", "TRUE"})
	}
	// Users added, members of a team.
	for range few(len(o.users)) {
		o.added++
		id := fmt.Sprintf("N%06d", o.added)
		r := slices.Clone(o.users[1])
		r[0], r[1], r[2], r[3] = id, fmt.Sprintf("new%d@example.com", o.added), "New", fmt.Sprintf("Person %d", o.added)
		o.users = append(o.users, r)
		o.rows = append(o.rows, []string{anyTeam(), id, "", "TRUE", "FALSE"})
		users = append(users, id)
	}
	// Managers gained and lost, members moved, flags changed, rows
	// repeated.
	p := pairs()
	for range few(len(o.rows)) {
		team, user := anyTeam(), anyUser()
		if !p[[2]string{team, user}] {
			p[[2]string{team, user}] = true
			o.rows = append(o.rows, []string{team, user, "", "FALSE", "TRUE"})
		}
	}
	for range few(len(o.rows)) {
		r := o.rows[pick(len(o.rows))]
		switch {
		case trimmed(r, 1) == "":
		case r[4] == "TRUE":
			r[4] = "FALSE"
			if r[3] == "FALSE" {
				r[3] = "TRUE"
			}
		case rng.IntN(2) == 0:
			r[4] = "TRUE"
		default:
			if team := anyTeam(); !p[[2]string{team, trimmed(r, 1)}] {
				p[[2]string{team, trimmed(r, 1)}] = true
				r[0] = team
			}
		}
	}
	if rng.IntN(3) == 0 {
		o.rows = append(o.rows, slices.Clone(o.rows[pick(len(o.rows))]))
	}
	// Rows reordered.
	for _, recs := range [][][]string{o.users, o.teams, o.rows} {
		if len(recs) > 3 && rng.IntN(2) == 0 {
			i, j := pick(len(recs)), pick(len(recs))
			recs[i], recs[j] = recs[j], recs[i]
		}
	}
}
