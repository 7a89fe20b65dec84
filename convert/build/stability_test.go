package build

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStableTeamIDs builds the sample company's export, then next month's:
// its rows in another order, one person moved to another manager, a
// manager renamed, a leaver, a joiner. Every team keeps its id; the
// renamed manager's teams are renamed; the mover is in their new
// manager's team.
func TestStableTeamIDs(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "hr-export", "cedarline-people.csv")
	recs := readCSV(t, src)
	title, header, rows := recs[0], recs[1], recs[2:]
	col := func(name string) int { return slices.Index(header, name) }
	id, first, last, mgr := col("Employee #"), col("First Name"), col("Last Name"), col("Manager ID")
	find := func(rows [][]string, who string) []string {
		for _, r := range rows {
			if r[id] == who {
				return r
			}
		}
		t.Fatalf("no %s", who)
		return nil
	}
	before := runOpt(t, sampleOptions(t, "cedarline-people.csv"))
	if before.defects != nil {
		t.Fatalf("defects: %q", before.defects)
	}

	next := make([][]string, 0, len(rows))
	for _, r := range rows {
		next = append(next, slices.Clone(r))
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(next), func(i, j int) { next[i], next[j] = next[j], next[i] })
	mover := find(next, "00015")    // a Customer Service representative
	from, to := mover[mgr], "00059" // from Montréal's service team to Lisbon's
	mover[mgr] = to
	find(next, "00009")[last] = "Solberg-Berg" // a manager renamed
	next = slices.DeleteFunc(next, func(r []string) bool { return r[id] == "00013" })
	joiner := slices.Clone(find(next, "00030"))
	joiner[id], joiner[first], joiner[last] = "30001", "Noor", "Haddad"
	joiner[col("Work Email")] = "noor.haddad@cedarline.example"
	next = append(next, joiner)

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll(append([][]string{title, header}, next...))
	opt := sampleOptions(t, "")
	opt.Input = filepath.Join(t.TempDir(), "next-month.csv")
	if err := os.WriteFile(opt.Input, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	after := runOpt(t, opt)
	if after.defects != nil {
		t.Fatalf("defects: %q", after.defects)
	}

	teams := func(r result) map[string]string {
		m := map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(r.files["groups.csv"]), "\n")[1:] {
			id, name, _ := strings.Cut(l, ",")
			m[id] = name
		}
		return m
	}
	a, b := teams(before), teams(after)
	if diff := cmp.Diff(sortedKeys(a), sortedKeys(b)); diff != "" {
		t.Errorf("team ids (-last month +this month):\n%s", diff)
	}
	for id, name := range a {
		renamed := id == "D-00009" || id == "H-00009"
		if (b[id] != name) != renamed {
			t.Errorf("team %s: %q then %q", id, name, b[id])
		}
	}
	if !strings.Contains(b["D-00009"], "Solberg-Berg") {
		t.Errorf("D-00009 is %q", b["D-00009"])
	}
	m := after.files["groups-mapping.csv"]
	if !strings.Contains(m, "D-"+to+",00015,,TRUE,FALSE\n") || strings.Contains(m, "D-"+from+",00015,") {
		t.Errorf("00015 is not in D-%s alone:\n%s", to, m)
	}
	if !strings.Contains(m, ",30001,,TRUE,FALSE\n") || strings.Contains(m, ",00013,") {
		t.Error("the joiner or the leaver is not where they should be")
	}
	lintClean(t, after.dir)
}

func sortedKeys(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
